// The policy prior's sampling head: every backend against the float64 reference (forward and
// backward, with and without action masks), the SPEC §6 quirk scaled_entropy ≈ −A·lp_g (value and
// gradient), masked dims exactly zero, and the reference's gradient by central finite differences.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { policyBackward, policyForward, type LogStdRange } from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { rng, uniform } from '../helpers/random.js';
import { elem, policyBackwardRef, policyForwardRef, type PolicyInputs } from '../reference/policy.js';

const RANGE: LogStdRange = { logStdMin: -10, logStdMax: 2 };
const ROWS = [1, 7, 129, 536];
const DIMS = [1, 6, 21];
type MaskKind = 'none' | 'shared' | 'rows';
const CASES = ROWS.flatMap((N) => DIMS.flatMap((A) => (['none', 'shared', 'rows'] as MaskKind[]).map((m) => [N, A, m] as const)));

function normals(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return out;
}

/** raw = [μ | r] with μ ∈ [−spread, spread], r ∈ [−3, 3] (logσ over most of [−10, 2]). */
function makeInputs(N: number, A: number, mask: MaskKind, seed: number, spread = 2, rSpan = 3): PolicyInputs & { raw: Float32Array; eps: Float32Array; mask: Float32Array | null } {
  const raw = new Float32Array(N * 2 * A);
  const mu = uniform(N * A, seed, -spread, spread);
  const r = uniform(N * A, seed + 1, -rSpan, rSpan);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < A; i++) {
      raw[n * 2 * A + i] = mu[n * A + i]!;
      raw[n * 2 * A + A + i] = r[n * A + i]!;
    }
  const eps = normals(N * A, seed + 2);
  let m: Float32Array | null = null;
  let maskStride = 0;
  if (mask === 'shared') m = Float32Array.from({ length: A }, (_, i) => (i < Math.ceil(A / 2) ? 1 : 0));
  if (mask === 'rows') {
    const g = rng(seed + 3);
    m = Float32Array.from({ length: N * A }, (_, j) => ((j % A) < 1 + Math.floor(g() * A) ? 1 : 0));
    maskStride = A;
  }
  return { raw, eps, mask: m, maskStride, N, A, ...RANGE };
}

const maskTensor = (p: ReturnType<typeof makeInputs>, device: Parameters<typeof Tensor.zeros>[1]) =>
  p.mask ? Tensor.from(p.mask, p.maskStride ? [p.N, p.A] : [p.A], device) : null;

// float32 error model. The kernels evaluate u = μ + e·exp(logσ) and a = tanh u in float32 (as
// PyTorch does); near |a| = 1 the factor 1 − a² is ill-conditioned in a and u, so comparisons with
// the exact float64 reference allow, per element, what float32 evaluation of the same formula
// can move: δu from the rounding of μ, u and logσ (absolute ~2⁻²³·|lmin..lmax|, i.e. relative in σ),
// and the relative error of 1 − a²: 2|a|·δu + 2⁻²²/(1 − a²) (the rounding of a itself).
const U = 2 ** -23;
function elementError(p: PolicyInputs, n: number, i: number) {
  const q = elem(p, n, i);
  const dSigma = U * (2 + Math.abs(p.logStdMin) + Math.abs(p.logStdMax - p.logStdMin)); // relative
  const es = Math.abs(q.e * q.sigma);
  const u = q.mu + q.e * q.sigma;
  const du = U * (Math.abs(q.mu) + Math.abs(u)) + es * dSigma;
  const oneMinus = 1 - q.a * q.a;
  const relOneMinus = 2 * Math.abs(q.a) * du + (2 * U * Math.abs(q.a)) / Math.max(oneMinus, 1e-30);
  const t = Math.tanh(p.raw[n * 2 * p.A + p.A + i]!);
  const relSquash = 2 * U * (1 + Math.abs(t) / Math.max(1 - t * t, 1e-30));
  return { q, es, du, oneMinus, relOneMinus, relSquash, dSigma, squash: 0.5 * (p.logStdMax - p.logStdMin) * (1 - t * t) * q.m };
}

/** |got − ref| ≤ 4·tol + 1e-6·|ref| elementwise, reporting the worst offender. */
function expectWithin(got: ArrayLike<number>, ref: ArrayLike<number>, tol: ArrayLike<number>, what: string, ctx?: (j: number) => unknown): void {
  for (let j = 0; j < ref.length; j++) {
    const d = Math.abs(got[j]! - ref[j]!);
    if (!(d <= 4 * tol[j]! + 1e-6 * Math.abs(ref[j]!) + 1e-12))
      throw new Error(`${what}[${j}]: ${got[j]} vs ${ref[j]} (|diff| ${d.toExponential(2)}, tol ${(4 * tol[j]!).toExponential(2)}) ${JSON.stringify(ctx?.(j))}`);
  }
}

describe.each(backendCases)('policy on $title', ({ device, skip }) => {
  test.skipIf(skip).each(CASES)('forward N=%i A=%i mask=%s', (N, A, mk) => {
    const p = makeInputs(N, A, mk, 10 + N + A);
    const nan = () => Tensor.zeros([N, A], device).fill(Number.NaN); // outputs are overwritten
    const out = {
      action: nan(),
      mean: nan(),
      logStd: nan(),
      gaussianLogProb: Tensor.zeros([N], device).fill(Number.NaN),
      logProb: Tensor.zeros([N], device).fill(Number.NaN),
      scaledEntropy: Tensor.zeros([N], device).fill(Number.NaN),
    };
    policyForward(Tensor.from(p.raw, [N, 2 * A], device), Tensor.from(p.eps, [N, A], device), maskTensor(p, device), out, RANGE);
    const ref = policyForwardRef(p, true);
    const action = out.action.toArray();
    const aTol = new Float64Array(N * A);
    for (let n = 0; n < N; n++)
      for (let i = 0; i < A; i++) {
        const x = elementError(p, n, i);
        aTol[n * A + i] = x.oneMinus * x.du + U * Math.abs(x.q.a);
      }
    expectWithin(action, ref.action, aTol, 'action');
    expectClose(out.mean.toArray(), ref.mean, { atol: 1e-7, rtol: 1e-6, label: 'mean' });
    // logσ = lmin + ½(lmax − lmin)(tanh r + 1): absolute error ~2⁻²³·|lmin..lmax|.
    expectClose(out.logStd.toArray(), ref.logStd, { atol: 24 * U, rtol: 1e-6, label: 'logStd' });
    // Row sums in float32: error ~ 2⁻²⁴ × (the summands' magnitude Σ|·|).
    const lpg = out.gaussianLogProb.toArray();
    const lp = out.logProb.toArray();
    const se = out.scaledEntropy.toArray();
    for (let n = 0; n < N; n++) {
      let mag = 0; // Σ |−½e² − logσ − ½ln2π| + Σ |tanh term|
      let roundA = 0; // the tanh term's sensitivity to the rounding of a: 2|a|·Δa/(relu(1 − a²) + 1e-6)
      let S = 0;
      for (let i = 0; i < A; i++) {
        const e = p.eps[n * A + i]! * (p.mask ? p.mask[n * p.maskStride + i]! : 1);
        const ls = ref.logStd[n * A + i]!;
        const a = ref.action[n * A + i]!;
        const x = Math.max(1 - a * a, 0);
        mag += 0.5 * e * e + Math.abs(ls) + 1 + Math.abs(Math.log(x + 1e-6));
        roundA += (2 * Math.abs(a) * 3 * 2 ** -24) / (x + 1e-6);
        S += p.mask ? p.mask[n * p.maskStride + i]! : 1;
      }
      const tol = 4e-7 * mag;
      const where = `row ${n}`;
      expect(Math.abs(lpg[n]! - ref.gaussianLogProb[n]!), `lp_g ${where}`).toBeLessThanOrEqual(tol + 1e-5 * Math.abs(ref.gaussianLogProb[n]!));
      expect(Math.abs(lp[n]! - ref.logProb[n]!), `lp ${where}`).toBeLessThanOrEqual(tol + roundA + 1e-5 * Math.abs(ref.logProb[n]!));
      // scaled_entropy = −lp·(S·lp_g)/(lp + 1e-8): as accurate as S·lp_g.
      expect(Math.abs(se[n]! - ref.scaledEntropy[n]!), `se ${where}`).toBeLessThanOrEqual(S * tol + 1e-5 * Math.abs(ref.scaledEntropy[n]!));
      // SPEC §6 quirk: scaled_entropy ≈ −S·lp_g (the tanh term cancels).
      // se + S·lp_g = S·lp_g·1e-8/(lp + 1e-8) exactly, plus float32 rounding.
      const quirk = Math.abs(S * ref.gaussianLogProb[n]!) * (1e-8 / Math.abs(ref.logProb[n]! + 1e-8));
      expect(Math.abs(se[n]! + S * lpg[n]!), `se ≈ −S·lp_g ${where}`).toBeLessThanOrEqual(1.01 * quirk + 4 * U * Math.abs(S * lpg[n]!));
    }
    // Only the action is required.
    const a2 = Tensor.zeros([N, A], device);
    policyForward(Tensor.from(p.raw, [N, 2 * A], device), Tensor.from(p.eps, [N, A], device), maskTensor(p, device), { action: a2 }, RANGE);
    expect(Array.from(a2.toArray())).toEqual(Array.from(action));
  });

  test.skipIf(skip).each(CASES)('backward N=%i A=%i mask=%s', (N, A, mk) => {
    const p = makeInputs(N, A, mk, 20 + N + A);
    const gA = uniform(N * A, 30 + N);
    const gSe = uniform(N, 31 + N);
    const raw = Tensor.from(p.raw, [N, 2 * A], device);
    const eps = Tensor.from(p.eps, [N, A], device);
    const mask = maskTensor(p, device);
    const check = (dA: Float32Array | null, dSe: Float32Array | null, what: string) => {
      const dRaw = Tensor.zeros([N, 2 * A], device).fill(Number.NaN); // overwritten
      policyBackward(raw, eps, mask, dA && Tensor.from(dA, [N, A], device), dSe && Tensor.from(dSe, [N], device), dRaw, RANGE);
      const ref = policyBackwardRef(p, dA, dSe);
      // dμ = m·g_u with g_u = (g_a + ḡ_t·t'(a))·(1 − a²); dr = squash'·m·(g_u·e·σ − ḡ_lpg),
      // ḡ_lpg ≈ −dSe·S, and ḡ_t = dSe·S·lp_g·1e-8/(lp + 1e-8)² (the δ-quirk path): its float32
      // error is that of lp, a difference of the two row sums (each tanh term inheriting the
      // relative error of its 1 − a²), amplified by 2/|lp| where lp ≈ 0.
      const fwd = policyForwardRef(p);
      const tol = new Float64Array(N * 2 * A);
      for (let n = 0; n < N; n++) {
        let S = 0;
        let mag = 0;
        let dLp = 0;
        const xs = Array.from({ length: A }, (_, i) => elementError(p, n, i));
        for (const x of xs) {
          S += x.q.m;
          mag += 0.5 * x.q.e ** 2 + Math.abs(x.q.logStd) + 1 + Math.abs(Math.log(Math.max(x.oneMinus, 0) + 1e-6));
          dLp += (x.relOneMinus * Math.max(x.oneMinus, 0)) / (Math.max(x.oneMinus, 0) + 1e-6);
        }
        const lpg = fwd.gaussianLogProb[n]!;
        const den = fwd.logProb[n]! + 1e-8;
        dLp += (A + 2) * U * mag;
        const g = dSe ? dSe[n]! : 0;
        const gLpg = Math.abs(g * S);
        const gT = Math.abs((g * S * lpg * 1e-8) / (den * den));
        const relGt = (2 * dLp) / Math.abs(den) + ((A + 2) * U * mag) / Math.max(Math.abs(lpg), 1e-30);
        xs.forEach((x, i) => {
          const ga = Math.abs(dA ? dA[n * A + i]! : 0) * Math.max(x.oneMinus, 0);
          const T = gT * Math.abs((2 * x.q.a * Math.max(x.oneMinus, 0)) / (Math.max(x.oneMinus, 0) + 1e-6));
          const rel = x.relOneMinus + 2 * U;
          tol[n * 2 * A + i] = x.q.m * (ga * rel + T * (relGt + rel)) + Math.abs(ref[n * 2 * A + i]!) * 2 * U;
          tol[n * 2 * A + A + i] =
            Math.abs(x.squash) * ((ga + T) * x.es * (rel + x.dSigma) + T * x.es * relGt + gLpg * 2 * U + gT * relGt) +
            Math.abs(ref[n * 2 * A + A + i]!) * x.relSquash;
        });
      }
      expectWithin(dRaw.toArray(), ref, tol, what, (j) => { const n = Math.floor(j / (2 * A)); const i = (j % (2 * A)) % A; return { N, A, n, i, isR: j % (2 * A) >= A, dA: dA?.[n * A + i], dSe: dSe?.[n], x: elementError(p, n, i), lp: policyForwardRef(p).logProb[n], lpg: policyForwardRef(p).gaussianLogProb[n] }; });
    };
    check(gA, gSe, 'dAction + dScaledEntropy');
    check(gA, null, 'dAction only');
    check(null, gSe, 'dScaledEntropy only');
  });

  test.skipIf(skip)('the scaled entropy gradient is that of −A·lp_g (SPEC §6: the tanh Jacobian cancels)', () => {
    const [N, A] = [64, 6];
    const p = makeInputs(N, A, 'none', 40, 3, 2);
    const dRaw = Tensor.zeros([N, 2 * A], device);
    const ones = Tensor.from(new Float32Array(N).fill(1), [N], device);
    policyBackward(Tensor.from(p.raw, [N, 2 * A], device), Tensor.from(p.eps, [N, A], device), null, null, ones, dRaw, RANGE);
    const g = dRaw.toArray();
    // d(−A·lp_g)/dμ = 0; d(−A·lp_g)/dr = A·½(lmax − lmin)(1 − tanh² r).
    for (let n = 0; n < N; n++)
      for (let i = 0; i < A; i++) {
        const r = p.raw[n * 2 * A + A + i]!;
        const want = A * 6 * (1 - Math.tanh(r) ** 2);
        expect(Math.abs(g[n * 2 * A + i]!)).toBeLessThan(1e-5);
        expect(Math.abs(g[n * 2 * A + A + i]! - want)).toBeLessThan(1e-5 * (1 + want));
      }
  });

  test.skipIf(skip)('masked dims are exactly zero in action, mean, logStd and dRaw', () => {
    const [N, A] = [9, 5];
    const p = makeInputs(N, A, 'rows', 50);
    const out = { action: Tensor.zeros([N, A], device).fill(7), mean: Tensor.zeros([N, A], device).fill(7), logStd: Tensor.zeros([N, A], device).fill(7) };
    const raw = Tensor.from(p.raw, [N, 2 * A], device);
    const eps = Tensor.from(p.eps, [N, A], device);
    const mask = maskTensor(p, device);
    policyForward(raw, eps, mask, out, RANGE);
    const dRaw = Tensor.zeros([N, 2 * A], device).fill(7);
    policyBackward(raw, eps, mask, Tensor.from(uniform(N * A, 51), [N, A], device), Tensor.from(uniform(N, 52), [N], device), dRaw, RANGE);
    const [a, m, ls, d] = [out.action.toArray(), out.mean.toArray(), out.logStd.toArray(), dRaw.toArray()];
    let masked = 0;
    for (let n = 0; n < N; n++)
      for (let i = 0; i < A; i++)
        if (p.mask![n * A + i] === 0) {
          masked++;
          for (const v of [a[n * A + i], m[n * A + i], ls[n * A + i], d[n * 2 * A + i], d[n * 2 * A + A + i]]) expect(Math.abs(v!)).toBe(0);
        }
    expect(masked).toBeGreaterThan(0);
  });
});

describe('policy reference gradient by central finite differences (float64)', () => {
  test.each([
    [3, 1, 'none'],
    [4, 6, 'none'],
    [3, 6, 'rows'],
    [2, 21, 'shared'],
  ] as const)('N=%i A=%i mask=%s', (N, A, mk) => {
    // Moderate inputs (|u| ≲ 5) keep relu(1 − a²) away from its kink in float64.
    const p = makeInputs(N, A, mk, 60 + A, 1.5, 1);
    const gA = Array.from(uniform(N * A, 61), Number);
    const gSe = Array.from(uniform(N, 62), Number);
    const raw = Array.from(p.raw, Number);
    const f = (v: number[]) => {
      const o = policyForwardRef({ ...p, raw: v });
      let s = 0;
      for (let j = 0; j < N * A; j++) s += gA[j]! * o.action[j]!;
      for (let n = 0; n < N; n++) s += gSe[n]! * o.scaledEntropy[n]!;
      return s;
    };
    const analytic = policyBackwardRef({ ...p, raw }, gA, gSe);
    const h = 1e-6;
    for (let j = 0; j < raw.length; j++) {
      const a = raw.slice();
      const b = raw.slice();
      a[j]! += h;
      b[j]! -= h;
      const fd = (f(a) - f(b)) / (2 * h);
      expect(Math.abs(fd - analytic[j]!), `dRaw[${j}]`).toBeLessThan(1e-6 * (1 + Math.abs(analytic[j]!)));
    }
  });
});

describe('policy errors name the op, the argument and the shapes', () => {
  const raw = Tensor.zeros([3, 4]);
  const eps = Tensor.zeros([3, 2]);
  const action = Tensor.zeros([3, 2]);
  test('an odd number of raw columns', () => {
    expect(() => policyForward(Tensor.zeros([3, 5]), eps, null, { action }, RANGE)).toThrow(
      'policyForward: raw: expected shape [N, 2A] (mean and log-std halves), got [3, 5] with an odd number of columns',
    );
  });
  test('a mask of the wrong shape', () => {
    expect(() => policyForward(raw, eps, Tensor.zeros([3]), { action }, RANGE)).toThrow('policyForward: mask: expected shape [2] or [3, 2], got [3]');
  });
  test('logStdMin > logStdMax, non-finite range', () => {
    expect(() => policyBackward(raw, eps, null, null, null, Tensor.zeros([3, 4]), { logStdMin: 2, logStdMax: -10 })).toThrow(
      /policyBackward: logStdMax: expected a number >= logStdMin/,
    );
    expect(() => policyForward(raw, eps, null, { action }, { logStdMin: Number.NaN, logStdMax: 2 })).toThrow(RangeError);
  });
  test('outputs sharing memory', () => {
    const lp = Tensor.zeros([3]);
    expect(() => policyForward(raw, eps, null, { action, logProb: lp, scaledEntropy: lp }, RANGE)).toThrow(/outputs logProb and scaledEntropy share memory/);
    expect(() => policyForward(raw, eps, null, { action: eps }, RANGE)).toThrow(/action shares memory with input eps/);
  });
  test('missing outputs object', () => {
    expect(() => policyForward(raw, eps, null, null as unknown as { action: Tensor }, RANGE)).toThrow(TypeError);
  });
});
