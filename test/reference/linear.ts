// Plain TypeScript reference of the linear kernel, accumulating in float64.
export function linearForwardRef(
  X: ArrayLike<number>,
  W: ArrayLike<number>,
  b: ArrayLike<number> | null,
  M: number,
  K: number,
  N: number,
): Float64Array {
  const Y = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let s = b ? b[n]! : 0;
      for (let k = 0; k < K; k++) s += X[m * K + k]! * W[n * K + k]!;
      Y[m * N + n] = s;
    }
  return Y;
}

/** dX = dY·W, dW = dYᵀ·X, db = Σ_m dY (fresh, not accumulated). */
export function linearBackwardRef(
  X: ArrayLike<number>,
  W: ArrayLike<number>,
  dY: ArrayLike<number>,
  M: number,
  K: number,
  N: number,
): { dX: Float64Array; dW: Float64Array; db: Float64Array } {
  const dX = new Float64Array(M * K);
  const dW = new Float64Array(N * K);
  const db = new Float64Array(N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      const g = dY[m * N + n]!;
      db[n] += g;
      for (let k = 0; k < K; k++) {
        dX[m * K + k] += g * W[n * K + k]!;
        dW[n * K + k] += g * X[m * K + k]!;
      }
    }
  return { dX, dW, db };
}
