// dense (NormedLinear / Linear / Q ensemble with fused epilogue): every backend against the
// float64 reference on awkward sizes, the reference's backward against finite differences, the
// dropout masks' addressing and statistics, and Mish over [−30, 30].
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import type { Device } from '../../lib/nn/device.js';
import {
  denseBackward,
  denseDropoutBlocks,
  denseForward,
  type DenseEpilogue,
  type DenseOptions,
} from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { uniform } from '../helpers/random.js';
import {
  denseBackwardRef,
  denseForwardRef,
  mishGradRef,
  mishRef,
  type DenseCaseRef,
  type DenseParamsRef,
  type DropoutRef,
  dropoutFactorRef,
} from '../reference/dense.js';

interface Case {
  E: number;
  /** W is [E,N,K] (an ensemble, even of 1) rather than [N,K]. */
  ensemble: boolean;
  shared: boolean;
  M: number;
  K: number;
  N: number;
  epilogue: DenseEpilogue;
  p: number;
  V?: number;
  bias?: boolean;
}

const name = (c: Case) =>
  `${c.epilogue} E=${c.E}${c.ensemble ? (c.shared ? ' shared' : ' per-member') : ' 2-D'} ` +
  `M=${c.M} K=${c.K} N=${c.N} p=${c.p}${c.V ? ` V=${c.V}` : ''}${c.bias === false ? ' no bias' : ''}`;

// Rows 1, 7, 129, 536; N 1, 7, 101, 128, 512 (8 | N for SimNorm); K 1, 7, 518; E 1, 2, 5 with
// shared and per-member input; every epilogue with p = 0, 0.01 and 0.5.
const CASES: Case[] = [
  { E: 1, ensemble: false, shared: true, M: 1, K: 1, N: 1, epilogue: 'none', p: 0 },
  { E: 1, ensemble: false, shared: true, M: 536, K: 1, N: 512, epilogue: 'none', p: 0.5 },
  { E: 5, ensemble: true, shared: true, M: 129, K: 7, N: 101, epilogue: 'none', p: 0.01, bias: false },
  { E: 5, ensemble: true, shared: false, M: 7, K: 7, N: 1, epilogue: 'none', p: 0.5 },
  { E: 1, ensemble: false, shared: true, M: 7, K: 7, N: 7, epilogue: 'ln_mish', p: 0 },
  { E: 2, ensemble: true, shared: true, M: 7, K: 7, N: 1, epilogue: 'ln_mish', p: 0.5 },
  { E: 1, ensemble: false, shared: true, M: 129, K: 518, N: 101, epilogue: 'ln_mish', p: 0.01 },
  { E: 1, ensemble: false, shared: true, M: 536, K: 518, N: 512, epilogue: 'ln_mish', p: 0 },
  { E: 1, ensemble: true, shared: true, M: 1, K: 518, N: 7, epilogue: 'ln_mish', p: 0 },
  { E: 2, ensemble: true, shared: true, M: 7, K: 7, N: 101, epilogue: 'ln_mish', p: 0.5 },
  { E: 5, ensemble: true, shared: true, M: 129, K: 518, N: 128, epilogue: 'ln_mish', p: 0.01 },
  { E: 5, ensemble: true, shared: false, M: 7, K: 1, N: 512, epilogue: 'ln_mish', p: 0.5, bias: false },
  { E: 1, ensemble: false, shared: true, M: 7, K: 7, N: 128, epilogue: 'ln_simnorm', p: 0 },
  { E: 1, ensemble: false, shared: true, M: 536, K: 7, N: 512, epilogue: 'ln_simnorm', p: 0.5 },
  { E: 2, ensemble: true, shared: false, M: 129, K: 1, N: 8, epilogue: 'ln_simnorm', p: 0.01 },
  { E: 2, ensemble: true, shared: false, M: 7, K: 7, N: 12, epilogue: 'ln_simnorm', p: 0, V: 4 },
  { E: 5, ensemble: true, shared: true, M: 1, K: 518, N: 512, epilogue: 'ln_simnorm', p: 0.01 },
];

interface Data {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array | null;
  gamma: Float32Array | null;
  beta: Float32Array | null;
  dy: Float32Array;
}

function makeData(c: Case, seed: number): Data {
  const { E, M, K, N } = c;
  const ln = c.epilogue !== 'none';
  const wScale = 1 / Math.sqrt(K); // keeps h = W·x + b of order 1, where Mish is curved
  return {
    x: uniform((c.shared ? 1 : E) * M * K, seed + 1),
    w: uniform(E * N * K, seed + 2).map((v) => v * wScale),
    b: c.bias === false ? null : uniform(E * N, seed + 3),
    gamma: ln ? uniform(E * N, seed + 4, 0.5, 1.5) : null,
    beta: ln ? uniform(E * N, seed + 5, -0.5, 0.5) : null,
    dy: uniform(E * M * N, seed + 6),
  };
}

function refCase(c: Case, dropout: DropoutRef | null): DenseCaseRef {
  return { dims: { E: c.E, M: c.M, K: c.K, N: c.N, shared: c.shared }, epilogue: c.epilogue, dropout, V: c.V ?? 8 };
}

const refParams = (d: Data): DenseParamsRef => ({ W: d.w, b: d.b, gamma: d.gamma, beta: d.beta });

// Shapes as the binding wants them: a leading E on per-member arrays iff W is 3-D.
function shapes(c: Case) {
  const lead = c.ensemble ? [c.E] : [];
  return {
    X: c.shared ? [c.M, c.K] : [c.E, c.M, c.K],
    W: [...lead, c.N, c.K],
    vec: [...lead, c.N],
    rows: [...lead, c.M, c.N],
    stats: [...lead, c.M, 2],
  };
}

// float32 against float64: a sum of T terms of size ~1 is off by ~1e-7·√T; 1e-5 relative on top.
const tol = (terms: number, scale = 1) => ({ atol: 4e-6 * Math.sqrt(terms) * scale + 1e-6, rtol: 1e-5 });

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function runCase(c: Case, device: Device, seed: number): void {
  const d = makeData(c, seed);
  const s = shapes(c);
  const dropout = c.p > 0 ? { p: c.p, seed: 1234 + seed, stream: 3, offset: 17 } : null;
  const options: DenseOptions = { epilogue: c.epilogue, dropout, simnormDim: c.V ?? 8 };
  const ln = c.epilogue !== 'none';
  const X = Tensor.from(d.x, s.X, device);
  const W = Tensor.from(d.w, s.W, device);
  const b = d.b && Tensor.from(d.b, s.vec, device);
  const gamma = d.gamma && Tensor.from(d.gamma, s.vec, device);
  const beta = d.beta && Tensor.from(d.beta, s.vec, device);
  const params = { W, b, gamma, beta };
  const Y = Tensor.zeros(s.rows, device).fill(Number.NaN); // overwritten: NaN must not leak
  const saved = ln ? { H: Tensor.zeros(s.rows, device).fill(Number.NaN), stats: Tensor.zeros(s.stats, device) } : null;
  denseForward(X, params, Y, options, saved);

  const rc = refCase(c, dropout);
  const ref = denseForwardRef(rc, d.x, refParams(d));
  const y = Y.toArray();
  expectClose(y, ref.Y, { ...tol(c.K), label: 'Y' });
  if (saved) {
    expectClose(saved.H.toArray(), ref.H, { ...tol(c.K), label: 'H' });
    // rstd = 1/σ amplifies the error of σ; compare it relative to itself.
    expectClose(saved.stats.toArray(), ref.stats, { atol: 1e-5, rtol: 1e-4, label: 'stats' });
    // Inference (nothing saved) computes the same numbers.
    const Yi = Tensor.zeros(s.rows, device);
    denseForward(X, params, Yi, options);
    expect(Yi.toArray()).toEqual(y);
    Yi.dispose();
  }

  const dY = Tensor.from(d.dy, s.rows, device);
  const dH = Tensor.zeros(s.rows, device).fill(Number.NaN);
  const dX = Tensor.zeros(s.X, device).fill(Number.NaN); // overwritten (summed over members if shared)
  const dW = Tensor.zeros(s.W, device).fill(0.5); // accumulated
  const db = Tensor.zeros(s.vec, device).fill(-0.25);
  const dgamma = ln ? Tensor.zeros(s.vec, device).fill(0.125) : null;
  const dbeta = ln ? Tensor.zeros(s.vec, device).fill(-1) : null;
  denseBackward(X, params, saved, dY, { dH, dX, dW, db, dgamma, dbeta }, options);
  const g = denseBackwardRef(rc, d.x, refParams(d), d.dy, ref);
  // The LayerNorm backward multiplies by rstd; scale the tolerance by the gradient's size.
  const sc = (a: ArrayLike<number>) => Math.max(1, maxAbs(a));
  expectClose(dH.toArray(), g.dH, { ...tol(c.N, sc(g.dH)), label: 'dH' });
  expectClose(dX.toArray(), g.dX, { ...tol(c.N * (c.shared ? c.E : 1), sc(g.dX)), label: 'dX' });
  expectClose(dW.toArray(), g.dW.map((v) => v + 0.5), { ...tol(c.M, sc(g.dW)), label: 'dW' });
  expectClose(db.toArray(), g.db.map((v) => v - 0.25), { ...tol(c.M, sc(g.db)), label: 'db' });
  if (dgamma && dbeta) {
    expectClose(dgamma.toArray(), g.dgamma.map((v) => v + 0.125), { ...tol(c.M, sc(g.dgamma)), label: 'dgamma' });
    expectClose(dbeta.toArray(), g.dbeta.map((v) => v - 1), { ...tol(c.M, sc(g.dbeta)), label: 'dbeta' });
  }
  if (c.K >= 2) {
    // dX over a column range (the Q heads' first layer in the policy step): those columns are the
    // same dot products as in the full dX, the others are left untouched (NaN here).
    const c0 = Math.floor(c.K / 2);
    const dXr = Tensor.zeros(s.X, device).fill(Number.NaN);
    const dHr = Tensor.zeros(s.rows, device);
    denseBackward(X, params, saved, dY, { dH: dHr, dX: dXr, dXCols: [c0, c.K] }, options);
    const full = dX.toArray();
    const part = dXr.toArray();
    const inRange = (i: number) => i % c.K >= c0;
    const pick = (a: Float32Array, keep: boolean) => Array.from(a).filter((_, i) => inRange(i) === keep);
    expect(pick(part, false).every(Number.isNaN)).toBe(true);
    // The CPU runs the same micro-kernel chain per element: bit for bit. CUDA: to the reference.
    if (device === 'cpu') expect(pick(part, true)).toEqual(pick(full, true));
    else expectClose(Float32Array.from(pick(part, true)), Float32Array.from(pick(Float32Array.from(g.dX), true)), { ...tol(c.N * (c.shared ? c.E : 1), sc(g.dX)), label: 'dX columns' });
    dXr.dispose();
    dHr.dispose();
  }
  for (const t of [X, W, b, gamma, beta, Y, saved?.H, saved?.stats, dY, dH, dX, dW, db, dgamma, dbeta]) t?.dispose();
}

describe.each(backendCases)('dense on $title', ({ device, skip }) => {
  test.skipIf(skip).each(CASES.map((c, i) => [name(c), c, i] as const))('%s', (_, c, i) => {
    runCase(c, device, 100 * i);
  });

  test.skipIf(skip)('M = 0 is a no-op', () => {
    const X = Tensor.zeros([0, 3], device);
    const W = Tensor.zeros([4, 3], device);
    const Y = Tensor.zeros([0, 4], device);
    denseForward(X, { W, b: null }, Y, { epilogue: 'none' });
    const dX = Tensor.zeros([0, 3], device);
    const dW = Tensor.zeros([4, 3], device).fill(2);
    denseBackward(X, { W, b: null }, null, Y, { dH: Tensor.zeros([0, 4], device), dX, dW }, { epilogue: 'none' });
    expect(Array.from(dW.toArray())).toEqual(new Array(12).fill(2));
  });
});

describe('the float64 reference backward against central finite differences', () => {
  // L = Σ G ⊙ Y over every form: epilogue × input mode × dropout; tiny shapes, float64 throughout.
  const forms: [DenseEpilogue, boolean, number][] = [];
  for (const ep of ['none', 'ln_mish', 'ln_simnorm'] as const)
    for (const shared of [true, false]) for (const p of [0, 0.5]) forms.push([ep, shared, p]);
  test.each(forms)('%s shared=%s p=%s', (epilogue, shared, p) => {
    const c: Case = { E: 2, ensemble: true, shared, M: 3, K: 5, N: 8, epilogue, p, V: 4 };
    const d = makeData(c, 7);
    const x = Float64Array.from(d.x);
    const P = { W: Float64Array.from(d.w), b: Float64Array.from(d.b!), gamma: d.gamma && Float64Array.from(d.gamma), beta: d.beta && Float64Array.from(d.beta) };
    const rc = refCase(c, p > 0 ? { p, seed: 99, stream: 1, offset: 5 } : null);
    const loss = (): number => denseForwardRef(rc, x, P).Y.reduce((s, y, i) => s + y * d.dy[i]!, 0);
    const g = denseBackwardRef(rc, x, P, d.dy);
    const h = 1e-6;
    const fd = (arr: Float64Array): Float64Array =>
      arr.map((v, i) => {
        arr[i] = v + h;
        const lp = loss();
        arr[i] = v - h;
        const lm = loss();
        arr[i] = v;
        return (lp - lm) / (2 * h);
      });
    const close = { atol: 1e-7, rtol: 1e-6 };
    expectClose(g.dX, fd(x), { ...close, label: 'dX' });
    expectClose(g.dW, fd(P.W), { ...close, label: 'dW' });
    expectClose(g.db, fd(P.b), { ...close, label: 'db' });
    if (P.gamma && P.beta) {
      expectClose(g.dgamma, fd(P.gamma), { ...close, label: 'dgamma' });
      expectClose(g.dbeta, fd(P.beta), { ...close, label: 'dbeta' });
    }
    // Dropout zeroes some gradients; make sure the check is not vacuous.
    expect(maxAbs(g.dW)).toBeGreaterThan(1e-3);
  });
});

describe.each(backendCases)('dense dropout masks on $title', ({ device, skip }) => {
  // With W = 0 and b = 1 the `none` epilogue outputs the mask itself: 1/(1 − p) where kept, 0
  // where dropped. E = 5 members sharing one input, 536 × 512 each.
  const [E, M, K, N] = [5, 536, 3, 512];
  const masks = (p: number, seed: number, stream: number, offset: number): Float32Array => {
    const X = Tensor.from(uniform(M * K, 1), [M, K], device);
    const W = Tensor.zeros([E, N, K], device);
    const b = Tensor.zeros([E, N], device).fill(1);
    const Y = Tensor.zeros([E, M, N], device);
    denseForward(X, { W, b }, Y, { epilogue: 'none', dropout: { p, seed, stream, offset } });
    const y = Y.toArray();
    for (const t of [X, W, b, Y]) t.dispose();
    return y;
  };
  const disagreement = (a: Float32Array, b: Float32Array): number => {
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
    return n / a.length;
  };

  test.skipIf(skip).each([0.01, 0.5])('p = %s: kept fraction ≈ 1 − p; kept values are 1/(1 − p)', (p) => {
    const y = masks(p, 42, 0, 0);
    const scale = Math.fround(1 / (1 - Math.fround(p)));
    let kept = 0;
    let other = 0;
    for (const v of y) {
      if (v === scale) kept++;
      else if (v !== 0) other++;
    }
    expect(other).toBe(0);
    const n = y.length;
    const sigma = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(kept / n - (1 - p))).toBeLessThan(5 * sigma);
  });

  test.skipIf(skip)('members, offsets, streams and seeds give different masks; equal addresses equal ones', () => {
    const p = 0.5;
    const y = masks(p, 42, 0, 0);
    const member = (a: Float32Array, e: number) => a.subarray(e * M * N, (e + 1) * M * N);
    // Independent masks disagree on 2p(1 − p) = 1/2 of the positions.
    const sigma = Math.sqrt(0.25 / (M * N));
    expect(Math.abs(disagreement(member(y, 0), member(y, 1)) - 0.5)).toBeLessThan(5 * sigma);
    expect(Math.abs(disagreement(member(y, 3), member(y, 4)) - 0.5)).toBeLessThan(5 * sigma);
    for (const other of [masks(p, 42, 0, 1), masks(p, 42, 1, 0), masks(p, 43, 0, 0)])
      expect(Math.abs(disagreement(y, other) - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / y.length));
    expect(disagreement(masks(p, 42, 0, 0), y)).toBe(0);
    // The mask is a pure function of the Philox address: element i at offset o + 1 is element
    // i + 4 at offset o (four uniforms per block).
    const shifted = masks(p, 42, 0, 1);
    expect(disagreement(shifted.subarray(0, y.length - 4), y.subarray(4))).toBe(0);
  });

  test.skipIf(skip)('masks equal the reference Philox mask, also where a block address carries into its high word', () => {
    // Rows of 50 elements (not a multiple of 4: rows start inside a block, and whole-block runs of
    // 12 are shorter than the sixteen-block SIMD step), of 83 (about 20 whole blocks: one SIMD
    // step and scalar blocks after it) and of 512 (128 blocks: SIMD steps and none left over);
    // offsets put the low word of the block address across 2³² inside a row.
    for (const [Mm, Nn] of [[7, 50], [5, 83], [3, 512]] as const) {
      for (const offset of [0, 2 ** 32 - 5, 2 ** 32 - 40, 2 ** 40 + 3]) {
        const dropout = { p: 0.5, seed: 77, stream: 4, offset };
        const X = Tensor.from(uniform(Mm * K, 4), [Mm, K], device);
        const W = Tensor.zeros([1, Nn, K], device);
        const b = Tensor.zeros([1, Nn], device).fill(1);
        const Y = Tensor.zeros([1, Mm, Nn], device);
        denseForward(X, { W, b }, Y, { epilogue: 'none', dropout });
        const y = Y.toArray();
        const want = Float32Array.from({ length: Mm * Nn }, (_, i) => dropoutFactorRef(dropout, i));
        expect(disagreement(y, want), `M ${Mm} N ${Nn} offset ${offset}`).toBe(0);
        for (const t of [X, W, b, Y]) t.dispose();
      }
    }
  });

  test.skipIf(skip)('a call consumes denseDropoutBlocks(E, M, N) blocks', () => {
    expect(denseDropoutBlocks(E, M, N)).toBe((E * M * N) / 4);
    expect(denseDropoutBlocks(1, 1, 7)).toBe(2);
  });

  test.skipIf(skip)('forward and backward see the same mask', () => {
    const p = 0.5;
    const dropout = { p, seed: 5, stream: 2, offset: 11 };
    const X = Tensor.from(uniform(M * K, 2), [M, K], device);
    const W = Tensor.zeros([E, N, K], device);
    const b = Tensor.zeros([E, N], device).fill(1);
    const Y = Tensor.zeros([E, M, N], device);
    denseForward(X, { W, b }, Y, { epilogue: 'none', dropout });
    // dY = 1: dH = mask · 1/(1 − p), which is exactly the forward output here.
    const dY = Tensor.zeros([E, M, N], device).fill(1);
    const dH = Tensor.zeros([E, M, N], device);
    denseBackward(X, { W, b }, null, dY, { dH }, { epilogue: 'none', dropout });
    expect(disagreement(dH.toArray(), Y.toArray())).toBe(0);
    // The LayerNorm path: a dropped element gets no gradient.
    const gamma = Tensor.zeros([E, N], device).fill(1);
    const beta = Tensor.zeros([E, N], device);
    const Wr = Tensor.from(uniform(E * N * K, 3), [E, N, K], device);
    const saved = { H: Tensor.zeros([E, M, N], device), stats: Tensor.zeros([E, M, 2], device) };
    const opts: DenseOptions = { epilogue: 'ln_mish', dropout };
    denseForward(X, { W: Wr, b, gamma, beta }, Y, opts, saved);
    const dY2 = Tensor.from(uniform(E * M * N, 4), [E, M, N], device);
    denseBackward(X, { W: Wr, b, gamma, beta }, saved, dY2, { dH }, opts);
    const h = saved.H.toArray();
    const dh = dH.toArray();
    let dropped = 0;
    let leaked = 0;
    for (let i = 0; i < h.length; i++)
      if (h[i] === 0) {
        dropped++;
        if (dh[i] !== 0) leaked++;
      }
    expect(leaked).toBe(0);
    expect(Math.abs(dropped / h.length - p)).toBeLessThan(0.01);
  });
});

describe.each(backendCases)('Mish and SimNorm inside the layer on $title', ({ device, skip }) => {
  // γ = 0 makes the LayerNorm output exactly β, so y = act(β) per column: the activation alone.
  function activation(epilogue: DenseEpilogue, beta: Float32Array, V = 8) {
    const N = beta.length;
    const X = Tensor.zeros([1, 1], device);
    const W = Tensor.zeros([N, 1], device);
    const gamma = Tensor.zeros([N], device);
    const Beta = Tensor.from(beta, [N], device);
    const Y = Tensor.zeros([1, N], device);
    const saved = { H: Tensor.zeros([1, N], device), stats: Tensor.zeros([1, 2], device) };
    const opts: DenseOptions = { epilogue, simnormDim: V };
    denseForward(X, { W, b: null, gamma, beta: Beta }, Y, opts, saved);
    const dbeta = Tensor.zeros([N], device);
    const dY = Tensor.zeros([1, N], device).fill(1);
    denseBackward(X, { W, b: null, gamma, beta: Beta }, saved, dY, { dH: Tensor.zeros([1, N], device), dbeta }, opts);
    return { y: Y.toArray(), grad: dbeta.toArray() };
  }

  test.skipIf(skip)('Mish matches x·tanh(log1p(eˣ)) to 1e-6 relative over [−30, 30], clamp region included', () => {
    const xs: number[] = [];
    for (let i = 0; i <= 6000; i++) xs.push(-30 + i * 0.01);
    xs.push(19.999, 20, 20.001, 25, 1e3, 1e30, 0, -0);
    const beta = Float32Array.from(xs);
    const { y, grad } = activation('ln_mish', beta);
    const x64 = Array.from(beta);
    expectClose(y, x64.map(mishRef), { atol: 0, rtol: 1e-6, label: 'mish' });
    // Its derivative (dβ = mish'(β) with dY = 1); it crosses 0 near x = −1.19, hence the atol.
    expectClose(grad, x64.map(mishGradRef), { atol: 1e-6, rtol: 1e-5, label: "mish'" });
    // Far below: tiny (denormal, then 0) like the formula in float32, never NaN.
    const far = Float32Array.from([-87, -103, -1e3, -1e30]);
    const out = activation('ln_mish', far);
    expectClose(out.y, Array.from(far).map(mishRef), { atol: 1e-36, rtol: 0, label: 'mish far left' });
    expectClose(out.grad, Array.from(far).map(mishGradRef), { atol: 1e-30, rtol: 0, label: "mish' far left" });
  });

  test.skipIf(skip)('Mish propagates NaN and ±∞ like the formula', () => {
    const { y } = activation('ln_mish', Float32Array.from([Number.NaN, Number.POSITIVE_INFINITY]));
    expect(Number.isNaN(y[0]!)).toBe(true);
    expect(y[1]).toBe(Number.POSITIVE_INFINITY);
  });

  test.skipIf(skip)('SimNorm rows sum to 1 per group of 8, even for large logits', () => {
    const beta = uniform(512, 9, -80, 80);
    const { y } = activation('ln_simnorm', beta);
    for (let g = 0; g < 512; g += 8) {
      let s = 0;
      for (let j = 0; j < 8; j++) {
        expect(y[g + j]).toBeGreaterThanOrEqual(0);
        s += y[g + j]!;
      }
      expect(Math.abs(s - 1)).toBeLessThan(2e-6);
    }
  });
});

describe('dense errors name the op, the argument and the shapes', () => {
  const X = Tensor.zeros([3, 4]);
  const W = Tensor.zeros([2, 8, 4]);
  const v = () => Tensor.zeros([2, 8]);
  const Y = Tensor.zeros([2, 3, 8]);
  test('ln epilogues need γ and β; none refuses them', () => {
    expect(() => denseForward(X, { W, b: null }, Y, { epilogue: 'ln_mish' })).toThrow(
      /^denseForward: gamma: expected a tensor for the ln_mish epilogue/,
    );
    expect(() => denseForward(X, { W, b: null, gamma: v(), beta: v() }, Y, { epilogue: 'none' })).toThrow(
      'denseForward: gamma: must be null for the none epilogue',
    );
  });
  test('mismatched shapes', () => {
    expect(() => denseForward(X, { W, b: Tensor.zeros([8]), gamma: v(), beta: v() }, Y, { epilogue: 'ln_mish' })).toThrow(
      'denseForward: b: expected shape [2, 8], got [8]',
    );
    expect(() => denseForward(Tensor.zeros([3, 5]), { W, b: null }, Y, { epilogue: 'none' })).toThrow(
      'denseForward: X: expected shape [*, 4], got [3, 5]',
    );
  });
  test('SimNorm group size must divide N; dropout p in [0, 1); H and stats together', () => {
    const o = { W, b: null, gamma: v(), beta: v() };
    expect(() => denseForward(X, o, Y, { epilogue: 'ln_simnorm', simnormDim: 3 })).toThrow(RangeError);
    expect(() => denseForward(X, o, Y, { epilogue: 'ln_mish', dropout: { p: 1, seed: 0, stream: 0, offset: 0 } })).toThrow(
      /denseForward: p: expected a dropout probability in \[0, 1\), got 1/,
    );
    expect(() => denseForward(X, o, Y, { epilogue: 'ln_mish' }, { H: Tensor.zeros([2, 3, 8]), stats: null as unknown as Tensor })).toThrow(
      /denseForward: H and stats: pass both/,
    );
  });
  test('an unknown epilogue name', () => {
    expect(() => denseForward(X, { W, b: null }, Y, { epilogue: 'mish' as DenseEpilogue })).toThrow(RangeError);
  });
  test('outputs may not alias inputs', () => {
    const o = { W, b: null, gamma: v(), beta: v() };
    const H = Tensor.zeros([2, 3, 8]);
    expect(() => denseForward(X, o, H, { epilogue: 'ln_mish' }, { H, stats: Tensor.zeros([2, 3, 2]) })).toThrow(
      /output Y shares memory with/,
    );
  });
});
