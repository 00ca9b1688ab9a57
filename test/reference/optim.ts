// Plain float64 references of the optimisation kernels, written from the PyTorch documentation
// of torch.optim.Adam, clip_grad_norm_ and lerp_ (not from math/adam.h).

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** The step number t ≥ 1 of this update. */
  step: number;
  /** Multiplies the gradient first. */
  gradScale: number;
}

/** One Adam step in place on float64 state: p, m, v updated from g. */
export function adamStepRef(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, h: AdamHyper): void {
  const bc1 = 1 - h.beta1 ** h.step;
  const bc2 = 1 - h.beta2 ** h.step;
  const stepSize = h.lr / bc1;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! * h.gradScale;
    m[i] = h.beta1 * m[i]! + (1 - h.beta1) * gi;
    v[i] = h.beta2 * v[i]! + (1 - h.beta2) * gi * gi;
    const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + h.eps;
    p[i] = p[i]! - (stepSize * m[i]!) / denom;
  }
}

/** Σ x², in float64. */
export function sumSquaresRef(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

/** target + τ·(online − target), in float64. */
export function polyakRef(target: ArrayLike<number>, online: ArrayLike<number>, tau: number): Float64Array {
  const out = new Float64Array(target.length);
  for (let i = 0; i < out.length; i++) out[i] = target[i]! + tau * (online[i]! - target[i]!);
  return out;
}

/** clip_grad_norm_: returns the total norm and the clipped gradients (all in float64). */
export function clipGradNormRef(grads: ArrayLike<number>[], maxNorm: number): { total: number; clipped: Float64Array[] } {
  let s = 0;
  for (const g of grads) s += sumSquaresRef(g);
  const total = Math.sqrt(s);
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  return { total, clipped: grads.map((g) => Float64Array.from(g, (x) => x * coef)) };
}
