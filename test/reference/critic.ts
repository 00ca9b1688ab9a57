// Plain TypeScript reference of the two-hot critic (SPEC §5), in float64 from the SPEC formulas.
// Degenerate configs: K = 0 → identity, K = 1 → symlog, one logit column.
export interface Bins {
  numBins: number;
  vmin: number;
  vmax: number;
}

export const symlog = (x: number): number => Math.sign(x) * Math.log1p(Math.abs(x));
export const symexp = (x: number): number => Math.sign(x) * Math.expm1(Math.abs(x));

/** Columns of the logits: max(K, 1). */
export const cols = (b: Bins): number => Math.max(b.numBins, 1);

/** c = linspace(vmin, vmax, K). */
export function binCenters(b: Bins): Float64Array {
  const c = new Float64Array(b.numBins);
  for (let k = 0; k < b.numBins; k++) c[k] = b.vmin + (k * (b.vmax - b.vmin)) / (b.numBins - 1);
  return c;
}

/**
 * two_hot(x) as a length-C vector. `y32` rounds symlog(x) to float32 first, as the kernels hold
 * it (the two-hot weights amplify y's rounding by 1/bin_size, so comparisons with float32
 * kernels model it; the exact reference leaves it off).
 */
export function twoHot(x: number, b: Bins, y32 = false): Float64Array {
  const K = b.numBins;
  if (K === 0) return Float64Array.of(x);
  if (K === 1) return Float64Array.of(symlog(x));
  const out = new Float64Array(K);
  let y = symlog(x);
  if (Number.isNaN(y)) return out.fill(Number.NaN);
  if (y32) y = Math.fround(y);
  y = Math.min(Math.max(y, b.vmin), b.vmax);
  const p = (y - b.vmin) / ((b.vmax - b.vmin) / (K - 1));
  const i = Math.min(Math.floor(p), K - 1);
  const w = p - i;
  out[i] = 1 - w;
  out[(i + 1) % K] = w; // the wrap only matters at y = vmax, where w = 0
  return out;
}

/** Row-wise two_hot of R scalars: [R, C]. */
export function twoHotRows(x: ArrayLike<number>, b: Bins, y32 = false): Float64Array {
  const C = cols(b);
  const out = new Float64Array(x.length * C);
  for (let r = 0; r < x.length; r++) out.set(twoHot(x[r]!, b, y32), r * C);
  return out;
}

/** Softmax of one row (max-subtracted). */
export function softmax(l: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let k = 0; k < l.length; k++) m = Math.max(m, l[k]!);
  const p = new Float64Array(l.length);
  let s = 0;
  for (let k = 0; k < l.length; k++) s += p[k] = Math.exp(l[k]! - m);
  for (let k = 0; k < l.length; k++) p[k]! /= s;
  return p;
}

/**
 * soft_ce: loss_r = −Σ_k t_k·log_softmax(l_r)_k (0·log 0 = 0) and dlogits = gradScale·(softmax·Σt − t).
 * A NaN target gives a NaN loss and row.
 */
export function softCeRef(
  logits: ArrayLike<number>,
  target: ArrayLike<number>,
  b: Bins,
  gradScale: number,
  y32 = false,
): { loss: Float64Array; dlogits: Float64Array } {
  const C = cols(b);
  const R = target.length;
  const loss = new Float64Array(R);
  const dlogits = new Float64Array(R * C);
  for (let r = 0; r < R; r++) {
    const l = Array.from({ length: C }, (_, k) => logits[r * C + k]!);
    const t = twoHot(target[r]!, b, y32);
    if (t.some(Number.isNaN)) {
      loss[r] = Number.NaN;
      dlogits.fill(Number.NaN, r * C, (r + 1) * C);
      continue;
    }
    const m = Math.max(...l);
    const lse = m + Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0));
    const p = softmax(l);
    let tsum = 0;
    let ce = 0;
    for (let k = 0; k < C; k++) {
      tsum += t[k]!;
      if (t[k] !== 0) ce -= t[k]! * (l[k]! - lse);
    }
    loss[r] = ce;
    for (let k = 0; k < C; k++) dlogits[r * C + k] = gradScale * (p[k]! * tsum - t[k]!);
  }
  return { loss, dlogits };
}

/** two_hot_inv: value_r = symexp(Σ_k softmax_k c_k); also returns the expectations s_r. */
export function twoHotInvRef(logits: ArrayLike<number>, R: number, b: Bins): { value: Float64Array; s: Float64Array } {
  const value = new Float64Array(R);
  const s = new Float64Array(R);
  if (b.numBins <= 1) {
    for (let r = 0; r < R; r++) {
      s[r] = logits[r]!;
      value[r] = b.numBins === 0 ? logits[r]! : symexp(logits[r]!);
    }
    return { value, s };
  }
  const K = b.numBins;
  const c = binCenters(b);
  for (let r = 0; r < R; r++) {
    const p = softmax(Array.from({ length: K }, (_, k) => logits[r * K + k]!));
    let e = 0;
    for (let k = 0; k < K; k++) e += p[k]! * c[k]!;
    s[r] = e;
    value[r] = symexp(e);
  }
  return { value, s };
}

/** dlogits = dvalue · e^|s| · softmax_k · (c_k − s) (K ≤ 1: dvalue, dvalue·e^|l|). */
export function twoHotInvBackwardRef(logits: ArrayLike<number>, dvalue: ArrayLike<number>, b: Bins): Float64Array {
  const R = dvalue.length;
  const C = cols(b);
  const out = new Float64Array(R * C);
  if (b.numBins <= 1) {
    for (let r = 0; r < R; r++) out[r] = dvalue[r]! * (b.numBins === 0 ? 1 : Math.exp(Math.abs(logits[r]!)));
    return out;
  }
  const c = binCenters(b);
  for (let r = 0; r < R; r++) {
    const p = softmax(Array.from({ length: C }, (_, k) => logits[r * C + k]!));
    let s = 0;
    for (let k = 0; k < C; k++) s += p[k]! * c[k]!;
    const g = dvalue[r]! * Math.exp(Math.abs(s));
    for (let k = 0; k < C; k++) out[r * C + k] = g * p[k]! * (c[k]! - s);
  }
  return out;
}
