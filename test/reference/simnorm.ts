// SimNorm in float64, from SPEC §3: softmax over each group of V consecutive values.

/** y = per-group softmax of z (rows of any length divisible by V, flattened). */
export function simnormRef(z: ArrayLike<number>, V: number): Float64Array {
  const y = new Float64Array(z.length);
  for (let g = 0; g < z.length; g += V) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, z[g + j]!);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(z[g + j]! - max);
    for (let j = 0; j < V; j++) y[g + j] = Math.exp(z[g + j]! - max) / sum;
  }
  return y;
}

/** ∂L/∂z from ∂L/∂y, through the softmax Jacobian J_jk = s_j(δ_jk − s_k) of each group. */
export function simnormBackwardRef(z: ArrayLike<number>, dy: ArrayLike<number>, V: number): Float64Array {
  const s = simnormRef(z, V);
  const dz = new Float64Array(z.length);
  for (let g = 0; g < z.length; g += V)
    for (let j = 0; j < V; j++) {
      let acc = 0;
      for (let k = 0; k < V; k++) acc += dy[g + k]! * s[g + k]! * ((j === k ? 1 : 0) - s[g + j]!);
      dz[g + j] = acc;
    }
  return dz;
}
