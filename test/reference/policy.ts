// Plain TypeScript reference of the policy prior's sampling head (SPEC §6, HEAD world_model.py
// `pi`), in float64 from the formulas, with its analytic backward.
export interface PolicyRef {
  action: Float64Array; // [N, A]
  mean: Float64Array;
  logStd: Float64Array;
  gaussianLogProb: Float64Array; // [N]
  logProb: Float64Array;
  scaledEntropy: Float64Array;
}

export interface PolicyInputs {
  raw: ArrayLike<number>; // [N, 2A]
  eps: ArrayLike<number>; // [N, A]
  /** null, [A] (stride 0) or [N, A] (stride A). */
  mask: ArrayLike<number> | null;
  maskStride: number;
  N: number;
  A: number;
  logStdMin: number;
  logStdMax: number;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const TANH_EPS = 1e-6;
const ENTROPY_EPS = 1e-8;

/** The per-element intermediates of row n, dim i (masked: μ, logσ, e are m·(…)). */
export interface Elem {
  mu: number;
  logStd: number;
  e: number;
  sigma: number;
  a: number;
  m: number;
}

export function elem(p: PolicyInputs, n: number, i: number): Elem {
  const { A } = p;
  const m = p.mask ? p.mask[n * p.maskStride + i]! : 1;
  const mu = p.raw[n * 2 * A + i]! * m;
  const r = p.raw[n * 2 * A + A + i]!;
  const logStd = (p.logStdMin + 0.5 * (p.logStdMax - p.logStdMin) * (Math.tanh(r) + 1)) * m;
  const e = p.eps[n * A + i]! * m;
  const sigma = Math.exp(logStd);
  return { mu, logStd, e, sigma, a: Math.tanh(mu + e * sigma), m };
}

const relu = (x: number) => (x > 0 ? x : 0);

/**
 * Forward. `roundAction` evaluates the tanh-squash term ln(relu(1 − a²) + 1e-6) at the action
 * rounded to float32, the action the kernels return: near |a| = 1 that term is ill-conditioned in
 * a (its derivative is ~2/(1 − a²)), so an exact-a reference would differ by the rounding of a.
 */
export function policyForwardRef(p: PolicyInputs, roundAction = false): PolicyRef {
  const { N, A } = p;
  const out: PolicyRef = {
    action: new Float64Array(N * A),
    mean: new Float64Array(N * A),
    logStd: new Float64Array(N * A),
    gaussianLogProb: new Float64Array(N),
    logProb: new Float64Array(N),
    scaledEntropy: new Float64Array(N),
  };
  for (let n = 0; n < N; n++) {
    let lpg = 0;
    let tsum = 0;
    let S = 0;
    for (let i = 0; i < A; i++) {
      const q = elem(p, n, i);
      const a = roundAction ? Math.fround(q.a) : q.a;
      lpg += -0.5 * q.e * q.e - q.logStd - HALF_LOG_2PI;
      tsum += Math.log(relu(1 - a * a) + TANH_EPS);
      S += q.m;
      out.action[n * A + i] = q.a;
      out.mean[n * A + i] = Math.tanh(q.mu);
      out.logStd[n * A + i] = q.logStd;
    }
    const lp = lpg - tsum;
    out.gaussianLogProb[n] = lpg;
    out.logProb[n] = lp;
    out.scaledEntropy[n] = -lp * ((lpg * S) / (lp + ENTROPY_EPS));
  }
  return out;
}

/** dL/draw [N, 2A] for dL/da = dAction (or 0) and dL/d(scaledEntropy) = dSe (or 0). */
export function policyBackwardRef(
  p: PolicyInputs,
  dAction: ArrayLike<number> | null,
  dSe: ArrayLike<number> | null,
): Float64Array {
  const { N, A } = p;
  const dRaw = new Float64Array(N * 2 * A);
  for (let n = 0; n < N; n++) {
    const q = Array.from({ length: A }, (_, i) => elem(p, n, i));
    let lpg = 0;
    let tsum = 0;
    let S = 0;
    for (const e of q) {
      lpg += -0.5 * e.e * e.e - e.logStd - HALF_LOG_2PI;
      tsum += Math.log(relu(1 - e.a * e.a) + TANH_EPS);
      S += e.m;
    }
    const lp = lpg - tsum;
    const den = lp + ENTROPY_EPS;
    // se = −lp·q/den with q = S·lp_g: ∂se/∂q = −lp/den, ∂se/∂lp = −q/den + lp·q/den².
    const g = dSe ? dSe[n]! : 0;
    const dLp = g * (-(S * lpg) / den + (lp * S * lpg) / (den * den));
    const dLpg = g * (-lp / den) * S + dLp; // lp depends on lp_g with coefficient 1
    for (let i = 0; i < A; i++) {
      const e = q[i]!;
      const x = 1 - e.a * e.a;
      const dT = -dLp; // lp = lp_g − Σ t
      let ga = dAction ? dAction[n * A + i]! : 0;
      if (x > 0) ga += dT * ((-2 * e.a) / (x + TANH_EPS));
      const gu = ga * x;
      const gLogStd = gu * e.e * e.sigma - dLpg;
      const r = p.raw[n * 2 * A + A + i]!;
      const th = Math.tanh(r);
      dRaw[n * 2 * A + i] = gu * e.m;
      dRaw[n * 2 * A + A + i] = gLogStd * e.m * 0.5 * (p.logStdMax - p.logStdMin) * (1 - th * th);
    }
  }
  return dRaw;
}
