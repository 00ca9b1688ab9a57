// Plain TypeScript references of the elementwise kernels (float64).
export function copyColsRef(
  dst: ArrayLike<number>, dstLd: number, dstCol: number,
  src: ArrayLike<number>, srcLd: number, srcCol: number,
  M: number, cols: number, accumulate: boolean,
): Float64Array {
  const out = Float64Array.from(dst);
  for (let m = 0; m < M; m++)
    for (let j = 0; j < cols; j++) {
      const v = src[m * srcLd + srcCol + j]!;
      out[m * dstLd + dstCol + j] = accumulate ? out[m * dstLd + dstCol + j]! + v : v;
    }
  return out;
}

export function mseRef(pred: ArrayLike<number>, target: ArrayLike<number>, scale: number): { sum: number; grad: Float64Array } {
  let sum = 0;
  const grad = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i]! - target[i]!;
    sum += d * d;
    grad[i] = scale * 2 * d;
  }
  return { sum, grad };
}
