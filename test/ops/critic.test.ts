// The two-hot critic: every backend against the float64 reference (soft cross-entropy with its
// logits gradient, two_hot_inv and its backward, the encode), the round trip, the optimum of the
// cross-entropy, the degenerate configs, NaN/±∞ targets, the (i+1) mod K wrap, and the reference's
// own gradients by central finite differences.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { softCrossEntropy, twoHotEncode, twoHotInvBackward, twoHotInvForward, type TwoHotBins } from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { rng, uniform } from '../helpers/random.js';
import {
  binCenters,
  cols,
  softCeRef,
  symexp,
  twoHot,
  twoHotInvBackwardRef,
  twoHotInvRef,
  twoHotRows,
} from '../reference/critic.js';

const DEFAULT: TwoHotBins = { numBins: 101, vmin: -10, vmax: 10 };
const BINS: TwoHotBins[] = [
  DEFAULT,
  { numBins: 7, vmin: -3, vmax: 5 },
  { numBins: 2, vmin: -1, vmax: 1 },
  { numBins: 1, vmin: -10, vmax: 10 },
  { numBins: 0, vmin: -10, vmax: 10 },
];
const ROWS = [1, 7, 129, 536];
const CASES = BINS.flatMap((b) => ROWS.map((R) => [R, b] as const));
const label = (b: TwoHotBins) => `K=${b.numBins} [${b.vmin}, ${b.vmax}]`;

/**
 * Logits [R, C]: uniform noise on a random peak, so the expectations spread over the whole bin
 * range (values from ~0 to ~symexp(vmax)) instead of clustering at the centre.
 */
function makeLogits(R: number, b: TwoHotBins, seed: number): Float32Array {
  const C = cols(b);
  const r = rng(seed);
  const out = new Float32Array(R * C);
  for (let i = 0; i < R; i++) {
    const peak = r() * C;
    const width = 0.5 + 10 * r();
    for (let k = 0; k < C; k++) out[i * C + k] = 4 * (r() - 0.5) - ((k - peak) / width) ** 2 * 0.5 * r();
  }
  return out;
}

/** Targets spanning the bins and beyond: symexp of uniform(−1.2·vmax', 1.2·vmax'), plus 0 and ±edges. */
function makeTargets(R: number, b: TwoHotBins, seed: number): Float32Array {
  const r = rng(seed);
  const span = Math.max(Math.abs(b.vmin), Math.abs(b.vmax)) * 1.2;
  const x = new Float32Array(R);
  for (let i = 0; i < R; i++) x[i] = symexp((2 * r() - 1) * span);
  const special = [0, symexp(b.vmax), symexp(b.vmin), -symexp(b.vmax), 1e-3, -2.5];
  for (let i = 0; i < Math.min(R, special.length); i++) x[(i * 7) % R] = special[i]!;
  return x;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each(backendCases)('critic on $title', ({ device, skip }) => {
  test.skipIf(skip).each(CASES)('soft cross-entropy and dlogits, R=%i %o', (R, b) => {
    const C = cols(b);
    const l = makeLogits(R, b, 100 + R + C);
    const x = makeTargets(R, b, 200 + R);
    const gradScale = 0.37;
    const logits = Tensor.from(l, [R, C], device);
    const target = Tensor.from(x, [R], device);
    const loss = Tensor.zeros([R], device).fill(Number.NaN); // overwritten
    const dlogits = Tensor.zeros([R, C], device).fill(Number.NaN); // overwritten
    softCrossEntropy(logits, target, loss, dlogits, gradScale, b);
    const ref = softCeRef(l, x, b, gradScale, true);
    // float32: the log-sum-exp carries ~1e-7·max|l|; a 1-ulp difference in symlog(x) moves the
    // two-hot weights by ulp(y)/bin_size, i.e. the loss by that times |l_hi − l_lo|.
    const lmax = maxAbs(l);
    expectClose(loss.toArray(), ref.loss, { atol: 2e-6 * (1 + lmax), rtol: 1e-5, label: `loss ${label(b)}` });
    expectClose(dlogits.toArray(), ref.dlogits, { atol: 3e-6 * gradScale, rtol: 1e-5, label: `dlogits ${label(b)}` });
    // Without dlogits the loss is the same.
    const loss2 = Tensor.zeros([R], device);
    softCrossEntropy(logits, target, loss2, null, gradScale, b);
    expect(Array.from(loss2.toArray())).toEqual(Array.from(loss.toArray()));
  });

  test.skipIf(skip).each(CASES)('two_hot_inv forward and backward, R=%i %o', (R, b) => {
    const C = cols(b);
    const l = makeLogits(R, b, 300 + R + C);
    const dv = uniform(R, 400 + R);
    const logits = Tensor.from(l, [R, C], device);
    const value = Tensor.zeros([R], device).fill(Number.NaN);
    twoHotInvForward(logits, value, b);
    const ref = twoHotInvRef(l, R, b);
    // float32 expectation: |Δs| ≲ 1e-6·(bin range), amplified by symexp' = e^|s|.
    const range = Math.max(Math.abs(b.vmin), Math.abs(b.vmax));
    const vTol = Array.from(ref.s, (s) => 1e-6 * Math.exp(Math.abs(s)) * (1 + (b.numBins > 1 ? range : Math.abs(s))));
    const got = value.toArray();
    for (let r = 0; r < R; r++)
      if (!(Math.abs(got[r]! - ref.value[r]!) <= vTol[r]! + 1e-5 * Math.abs(ref.value[r]!)))
        throw new Error(`value[${r}] ${label(b)}: ${got[r]} vs ${ref.value[r]} (s = ${ref.s[r]})`);

    const dvalue = Tensor.from(dv, [R], device);
    const dlogits = Tensor.zeros([R, C], device).fill(Number.NaN);
    twoHotInvBackward(logits, dvalue, dlogits, b);
    const dref = twoHotInvBackwardRef(l, dv, b);
    const g = dlogits.toArray();
    for (let r = 0; r < R; r++) {
      const rowScale = maxAbs(dref.subarray(r * C, (r + 1) * C));
      const tol = 2e-6 * Math.abs(dv[r]!) * Math.exp(Math.abs(ref.s[r]!)) * (1 + range) * 1e-1 + 1e-5 * rowScale;
      for (let k = 0; k < C; k++)
        if (!(Math.abs(g[r * C + k]! - dref[r * C + k]!) <= tol + 1e-5 * Math.abs(dref[r * C + k]!)))
          throw new Error(`dlogits[${r}, ${k}] ${label(b)}: ${g[r * C + k]} vs ${dref[r * C + k]} (tol ${tol})`);
    }
  });

  test.skipIf(skip).each(BINS)('two_hot encode %o', (b) => {
    const R = 129;
    const x = makeTargets(R, b, 500);
    const out = Tensor.zeros([R, cols(b)], device).fill(Number.NaN);
    twoHotEncode(Tensor.from(x, [R], device), out, b);
    // Weights move by ulp(y)/bin_size when symlog differs by an ulp between libm and the reference.
    const binSize = b.numBins > 1 ? (b.vmax - b.vmin) / (b.numBins - 1) : 1;
    expectClose(out.toArray(), twoHotRows(x, b, true), { atol: (2 * 2 ** -23 * Math.max(Math.abs(b.vmin), Math.abs(b.vmax))) / binSize, rtol: 1e-6, label: label(b) });
  });

  test.skipIf(skip)('round trip: two_hot_inv(log two_hot(x)) = x on [−1e4, 1e4]; beyond symexp(vmax) it clamps', () => {
    const b = DEFAULT;
    const xs: number[] = [0, 1e-7, -1e-7, 1e-3, -1e-3, 0.1, -0.1, 1, -1, 1e4, -1e4];
    for (let i = -10000; i <= 10000; i += 1) xs.push(i); // dense linear sweep
    for (let i = -2000; i <= 2000; i++) xs.push(symexp((i / 2000) * Math.log1p(1e4))); // dense in symlog space
    for (let i = 1; i <= 200; i++) xs.push(i * 1e-4, -i * 1e-4);
    const x = Float32Array.from(xs);
    const R = x.length;
    const enc = Tensor.zeros([R, 101], device);
    twoHotEncode(Tensor.from(x, [R], device), enc, b);
    const logits = Tensor.from(enc.toArray().map(Math.log), [R, 101], device); // −∞ off the two bins
    const back = Tensor.zeros([R], device);
    twoHotInvForward(logits, back, b);
    const y = back.toArray();
    let worst = 0;
    for (let i = 0; i < R; i++) {
      const err = Math.abs(y[i]! - x[i]!);
      expect(err, `x = ${x[i]} came back as ${y[i]}`).toBeLessThanOrEqual(1e-4 * Math.abs(x[i]!) + 1e-7);
      if (x[i] !== 0) worst = Math.max(worst, err / Math.abs(x[i]!));
    }
    expect(y[0]).toBe(0); // x = 0 sits exactly on the centre bin
    expect(worst).toBeLessThan(1e-5); // measured 1.5e-6 on the CPU: the float32 bin centres
    // Clamp: |x| ≥ symexp(vmax) encodes as all weight on the end bin and decodes to ±symexp(vmax).
    const edge = Math.fround(symexp(10));
    const far = Float32Array.from([symexp(10), 22025, 1e5, -1e5, 1e30, Infinity, -Infinity]);
    const e2 = Tensor.zeros([far.length, 101], device);
    twoHotEncode(Tensor.from(far, [far.length], device), e2, b);
    const v2 = Tensor.zeros([far.length], device);
    twoHotInvForward(Tensor.from(e2.toArray().map(Math.log), [far.length, 101], device), v2, b);
    const got = v2.toArray();
    expectClose(got.subarray(2), [edge, -edge, edge, edge, -edge], { atol: 0, rtol: 1e-6, label: 'clamped' });
    expectClose(got.subarray(0, 2), [far[0]!, far[1]!], { atol: 0, rtol: 1e-5, label: 'at the edge' });
  });

  test.skipIf(skip).each([DEFAULT, BINS[1]!, BINS[2]!])('soft cross-entropy is minimal at logits = log two_hot(x) %o', (b) => {
    const R = 64;
    const x = makeTargets(R, b, 600);
    const K = b.numBins;
    const t = twoHotRows(x, b, true);
    const l = Float32Array.from(t, Math.log);
    const loss = Tensor.zeros([R], device);
    const dl = Tensor.zeros([R, K], device);
    softCrossEntropy(Tensor.from(l, [R, K], device), Tensor.from(x, [R], device), loss, dl, 1, b);
    const got = loss.toArray();
    for (let r = 0; r < R; r++) {
      let h = 0; // the entropy of the two-hot target
      for (let k = 0; k < K; k++) if (t[r * K + k]! > 0) h -= t[r * K + k]! * Math.log(t[r * K + k]!);
      expect(Math.abs(got[r]! - h), `row ${r}`).toBeLessThan(2e-5);
    }
    expect(maxAbs(dl.toArray())).toBeLessThan(2e-5); // zero gradient at the optimum
    // Any finite perturbation of the finite logits raises the loss.
    const r = rng(601);
    const lp = Float32Array.from(l, (v) => (Number.isFinite(v) ? v + 0.3 * (r() - 0.5) : v));
    const loss2 = Tensor.zeros([R], device);
    softCrossEntropy(Tensor.from(lp, [R, K], device), Tensor.from(x, [R], device), loss2, null, 1, b);
    const got2 = loss2.toArray();
    for (let i = 0; i < R; i++) expect(got2[i]!).toBeGreaterThanOrEqual(got[i]! - 1e-6);
  });

  test.skipIf(skip)('NaN targets poison their row only; ±∞ targets clamp to the end bins', () => {
    const b = DEFAULT;
    const x = Float32Array.from([1.5, Number.NaN, Infinity, -Infinity]);
    const l = makeLogits(4, b, 700);
    const loss = Tensor.zeros([4], device);
    const dl = Tensor.zeros([4, 101], device);
    softCrossEntropy(Tensor.from(l, [4, 101], device), Tensor.from(x, [4], device), loss, dl, 1, b);
    const got = loss.toArray();
    const g = dl.toArray();
    expect(Number.isNaN(got[1]!)).toBe(true);
    expect(g.subarray(101, 202).every(Number.isNaN)).toBe(true);
    for (const r of [0, 2, 3]) {
      expect(Number.isFinite(got[r]!)).toBe(true);
      expect(g.subarray(r * 101, (r + 1) * 101).every(Number.isFinite)).toBe(true);
    }
    const ref = softCeRef(l, x, b, 1, true);
    expectClose(got, ref.loss, { atol: 1e-5, rtol: 1e-5 });
    const enc = Tensor.zeros([4, 101], device);
    twoHotEncode(Tensor.from(x, [4], device), enc, b);
    const e = enc.toArray();
    expect(e[2 * 101 + 100]).toBe(1); // +∞ → all weight on the last bin
    expect(e[3 * 101 + 0]).toBe(1); // −∞ → the first
    expect(e.subarray(101, 202).every(Number.isNaN)).toBe(true);
  });

  test.skipIf(skip)('the (i + 1) mod K wrap of HEAD at y = vmax', () => {
    // Find bins whose rounding puts p = (vmax − vmin)/bin_size just above K − 1 (in double, as
    // the kernels compute it): the residue w > 0 then lands in bin 0, exactly as HEAD scatters it.
    let b: TwoHotBins | undefined;
    for (let K = 3; K < 400 && !b; K++)
      for (const v of [1, 3, 5, 7, 10, 13]) {
        const p = (v - -v) / ((v - -v) / (K - 1));
        if (p > K - 1) {
          b = { numBins: K, vmin: -v, vmax: v };
          break;
        }
      }
    expect(b).toBeDefined();
    const K = b!.numBins;
    const out = Tensor.zeros([1, K], device);
    twoHotEncode(Tensor.from([Infinity], [1], device), out, b!);
    const o = out.toArray();
    const ref = twoHot(Infinity, b!);
    expect(ref[0]).toBeGreaterThan(0);
    expect(o[0]).toBe(Math.fround(ref[0]!));
    expect(o[K - 1]).toBe(Math.fround(ref[K - 1]!));
  });
});

describe('critic reference gradients by central finite differences (float64)', () => {
  test.each([DEFAULT, BINS[1]!, BINS[2]!, BINS[3]!, BINS[4]!])('soft cross-entropy %o', (b) => {
    const R = 5;
    const C = cols(b);
    const l = Array.from(makeLogits(R, b, 800), Number);
    const x = makeTargets(R, b, 801);
    const gs = 0.7;
    const f = (v: number[]) => softCeRef(v, x, b, gs).loss.reduce((s, y) => s + gs * y, 0);
    const analytic = softCeRef(l, x, b, gs).dlogits;
    const h = 1e-5;
    for (let i = 0; i < R * C; i++) {
      const p = l.slice();
      const m = l.slice();
      p[i]! += h;
      m[i]! -= h;
      expect(Math.abs((f(p) - f(m)) / (2 * h) - analytic[i]!), `dlogits[${i}]`).toBeLessThan(1e-7);
    }
  });

  test.each([DEFAULT, BINS[1]!, BINS[2]!, BINS[3]!, BINS[4]!])('two_hot_inv %o', (b) => {
    const R = 5;
    const C = cols(b);
    const l = Array.from(makeLogits(R, b, 900), Number);
    const dv = Array.from(uniform(R, 901), Number);
    const f = (v: number[]) => twoHotInvRef(v, R, b).value.reduce((s, y, r) => s + dv[r]! * y, 0);
    const analytic = twoHotInvBackwardRef(l, dv, b);
    const h = 1e-6;
    for (let i = 0; i < R * C; i++) {
      const p = l.slice();
      const m = l.slice();
      p[i]! += h;
      m[i]! -= h;
      const fd = (f(p) - f(m)) / (2 * h);
      expect(Math.abs(fd - analytic[i]!), `dlogits[${i}]`).toBeLessThan(1e-6 * (1 + Math.abs(analytic[i]!)) * (1 + maxAbs(analytic)));
    }
  });

  test('bin centres are linspace(vmin, vmax, K)', () => {
    const c = binCenters(DEFAULT);
    expect(c[0]).toBe(-10);
    expect(c[100]).toBe(10);
    expect(c[50]).toBe(0);
  });
});

describe('critic errors name the op, the argument and the values', () => {
  const logits = Tensor.zeros([3, 101]);
  const target = Tensor.zeros([3]);
  const loss = Tensor.zeros([3]);
  test('vmin ≥ vmax', () => {
    expect(() => softCrossEntropy(logits, target, loss, null, 1, { numBins: 101, vmin: 1, vmax: 1 })).toThrow(RangeError);
    expect(() => twoHotInvForward(logits, loss, { numBins: 101, vmin: 2, vmax: -2 })).toThrow(/twoHotInvForward: vmax: expected a number greater than vmin/);
  });
  test('non-finite or out-of-range numbers', () => {
    expect(() => softCrossEntropy(logits, target, loss, null, Number.NaN, DEFAULT)).toThrow(/softCrossEntropy: gradScale: expected a finite float32 number/);
    expect(() => twoHotEncode(target, logits, { numBins: 101, vmin: -Infinity, vmax: 10 })).toThrow(RangeError);
    expect(() => twoHotEncode(target, logits, { numBins: -1, vmin: -10, vmax: 10 })).toThrow(/twoHotEncode: numBins: expected an integer in \[0, 16777216\], got -1/);
    expect(() => twoHotEncode(target, logits, { numBins: 1.5, vmin: -10, vmax: 10 })).toThrow(RangeError);
  });
  test('logits columns must match numBins', () => {
    expect(() => twoHotInvForward(logits, loss, { numBins: 7, vmin: -10, vmax: 10 })).toThrow(
      'twoHotInvForward: logits: expected shape [*, 7], got [3, 101]',
    );
    expect(() => twoHotEncode(target, Tensor.zeros([3, 2]), { numBins: 0, vmin: -10, vmax: 10 })).toThrow(
      'twoHotEncode: out: expected shape [3, 1], got [3, 2]',
    );
  });
  test('aliasing outputs', () => {
    const both = Tensor.zeros([3, 101]);
    expect(() => twoHotInvBackward(both, target, both, DEFAULT)).toThrow(/dlogits shares memory with input logits/);
    expect(() => softCrossEntropy(logits, target, target, null, 1, DEFAULT)).toThrow(/loss shares memory with input target/);
  });
  test('bins must be an object', () => {
    expect(() => twoHotEncode(target, logits, null as unknown as TwoHotBins)).toThrow(TypeError);
  });
});
