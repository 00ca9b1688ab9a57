// optim: Adam, sum of squares, grad-norm clipping and Polyak averaging on every backend against
// the float64 references; the Adam class over groups, its checkpoints, and convergence.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { adamStep, polyakUpdate, scale, sumSquares } from '../../lib/nn/ops.js';
import { Adam, clipCoefficient, clipGradNorm, gradNorm } from '../../lib/nn/optim.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { uniform } from '../helpers/random.js';
import { adamStepRef, clipGradNormRef, polyakRef, sumSquaresRef, type AdamHyper } from '../reference/optim.js';

// 4,932,704: the parameter count of the 5M model (SPEC §2), one flat buffer.
const SIZES = [1, 7, 129, 4_932_704];

/** Bit-for-bit equality of two float arrays (vitest's toEqual is far too slow at 5M elements). */
function expectSameBits(actual: Float32Array, expected: Float32Array, label = ''): void {
  const same = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(
    Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
  );
  if (!same) {
    const i = actual.findIndex((x, k) => !Object.is(x, expected[k]));
    throw new Error(`${label} differs first at [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Gradients of step s: different every step, some tiny and some large. */
function grads(n: number, s: number): Float32Array {
  const g = uniform(n, 100 + s, -1, 1);
  for (let i = 0; i < n; i += 5) g[i]! *= 1e-3;
  return g;
}

describe.each(backendCases)('optim on $title', ({ device, skip }) => {
  test.skipIf(skip).each(SIZES)('Adam matches the float64 reference over 6 steps (n = %i)', (n) => {
    const p0 = uniform(n, 1, -1, 1);
    const P = Tensor.from(p0, [n], device);
    const G = Tensor.zeros([n], device);
    const M = Tensor.zeros([n], device);
    const V = Tensor.zeros([n], device);
    const p = Float64Array.from(p0);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    for (let t = 1; t <= 6; t++) {
      const g = grads(n, t);
      G.write(g);
      const h: AdamHyper = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: t, gradScale: 1 };
      adamStep(P, G, M, V, h.lr, h.beta1, h.beta2, h.eps, t);
      adamStepRef(p, g, m, v, h);
      expectSameBits(G.toArray(), g, 'grad'); // the gradient is read only
    }
    // float32 state vs float64: ~1e-7 relative per operation; a bias-correction or moment error
    // would show at the scale of lr = 1e-2.
    expectClose(M.toArray(), m, { atol: 1e-7, rtol: 1e-5, label: 'm' });
    expectClose(V.toArray(), v, { atol: 1e-10, rtol: 1e-5, label: 'v' });
    expectClose(P.toArray(), p, { atol: 1e-6, rtol: 1e-6, label: 'param' });
    for (const x of [P, G, M, V]) x.dispose();
  });

  test.skipIf(skip)('Adam with a large eps, small gradients and a late step (eps outside the sqrt, bias corrections)', () => {
    const n = 129;
    const p0 = uniform(n, 2);
    const P = Tensor.from(p0, [n], device);
    const M = Tensor.from(uniform(n, 3, -1e-3, 1e-3), [n], device);
    const V = Tensor.from(uniform(n, 4, 0, 1e-6), [n], device);
    const p = Float64Array.from(p0);
    const m = Float64Array.from(M.toArray());
    const v = Float64Array.from(V.toArray());
    const g = uniform(n, 5, -1e-3, 1e-3);
    const G = Tensor.from(g, [n], device);
    for (const step of [7, 8, 1000]) {
      const h: AdamHyper = { lr: 3e-1, beta1: 0.8, beta2: 0.95, eps: 1e-3, step, gradScale: 1 };
      adamStep(P, G, M, V, h.lr, h.beta1, h.beta2, h.eps, step);
      adamStepRef(p, g, m, v, h);
    }
    expectClose(P.toArray(), p, { atol: 1e-6, rtol: 1e-6, label: 'param' });
    expectClose(M.toArray(), m, { atol: 1e-10, rtol: 1e-5, label: 'm' });
  });

  test.skipIf(skip)('Adam gradScale equals scaling the gradient first, bit for bit, and leaves grad unchanged', () => {
    const n = 1031;
    const g = uniform(n, 6, -3, 3);
    const fused = [Tensor.from(uniform(n, 7), [n], device), Tensor.zeros([n], device), Tensor.zeros([n], device)] as const;
    const plain = [Tensor.from(uniform(n, 7), [n], device), Tensor.zeros([n], device), Tensor.zeros([n], device)] as const;
    const G = Tensor.from(g, [n], device);
    const Gs = Tensor.from(g, [n], device);
    for (let t = 1; t <= 3; t++) {
      const s = 0.37 * t;
      adamStep(fused[0], G, fused[1], fused[2], 1e-3, 0.9, 0.999, 1e-8, t, s);
      Gs.write(g);
      scale(Gs, s);
      adamStep(plain[0], Gs, plain[1], plain[2], 1e-3, 0.9, 0.999, 1e-8, t, 1);
    }
    expect(G.toArray()).toEqual(g);
    for (let k = 0; k < 3; k++) expect(fused[k].toArray()).toEqual(plain[k].toArray());
    // and against the reference with the scale applied inside
    const p = Float64Array.from(uniform(n, 7));
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    for (let t = 1; t <= 3; t++) adamStepRef(p, g, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: t, gradScale: Math.fround(0.37 * t) });
    expectClose(fused[0].toArray(), p, { atol: 1e-6, rtol: 1e-6 });
  });

  test.skipIf(skip)('Adam with zeroGrad: the same step, and the gradient is 0 afterwards', () => {
    const n = 1031;
    const g = uniform(n, 8, -3, 3);
    const fused = [Tensor.from(uniform(n, 9), [n], device), Tensor.zeros([n], device), Tensor.zeros([n], device)] as const;
    const plain = [Tensor.from(uniform(n, 9), [n], device), Tensor.zeros([n], device), Tensor.zeros([n], device)] as const;
    const G = Tensor.zeros([n], device);
    const Gp = Tensor.from(g, [n], device);
    for (let t = 1; t <= 3; t++) {
      G.write(g);
      adamStep(fused[0], G, fused[1], fused[2], 1e-3, 0.9, 0.999, 1e-8, t, 0.5, true);
      expect(G.toArray().every((x) => x === 0)).toBe(true);
      adamStep(plain[0], Gp, plain[1], plain[2], 1e-3, 0.9, 0.999, 1e-8, t, 0.5);
    }
    expect(Gp.toArray()).toEqual(g);
    for (let k = 0; k < 3; k++) expect(fused[k].toArray()).toEqual(plain[k].toArray());
  });

  test.skipIf(skip).each(SIZES)('sumSquares equals the float64 sum (n = %i)', (n) => {
    const x = uniform(n, 8 + n, -2, 2);
    x[0] = 1e4; // one large element: float32 accumulation would lose the small ones
    const X = Tensor.from(x, [n], device);
    const want = sumSquaresRef(x);
    expect(Math.abs(sumSquares(X) - want) / want).toBeLessThan(1e-9);
  });

  test.skipIf(skip)('sumSquares of an empty tensor is 0; NaN and Inf propagate', () => {
    expect(sumSquares(Tensor.zeros([0], device))).toBe(0);
    expect(sumSquares(Tensor.from([1, Number.NaN, 2], [3], device))).toBeNaN();
    expect(sumSquares(Tensor.from([1, -Infinity], [2], device))).toBe(Infinity);
  });

  test.skipIf(skip)('clipGradNorm below the max leaves the gradients as they are and returns the norm', () => {
    const a = uniform(7, 9);
    const b = uniform(129, 10);
    const A = Tensor.from(a, [7], device);
    const B = Tensor.from(b, [129], device);
    const ref = clipGradNormRef([a, b], 20);
    const total = clipGradNorm([A, B], 20);
    expect(Math.abs(total - ref.total) / ref.total).toBeLessThan(1e-12);
    expect(A.toArray()).toEqual(a);
    expect(B.toArray()).toEqual(b);
  });

  test.skipIf(skip)('clipGradNorm above the max scales every gradient by max/(norm + 1e-6)', () => {
    const a = uniform(7, 11, -40, 40);
    const b = uniform(4_932_704, 12, -1, 1);
    const A = Tensor.from(a, [7], device);
    const B = Tensor.from(b, [4_932_704], device);
    const ref = clipGradNormRef([a, b], 20);
    expect(ref.total).toBeGreaterThan(1000);
    const total = clipGradNorm([A, B], 20);
    expect(Math.abs(total - ref.total) / ref.total).toBeLessThan(1e-9);
    expectClose(A.toArray(), ref.clipped[0]!, { atol: 0, rtol: 1e-6, label: 'A' });
    expectClose(B.toArray(), ref.clipped[1]!, { atol: 0, rtol: 1e-6, label: 'B' });
    const after = gradNorm([A, B]);
    expect(after).toBeLessThanOrEqual(20 * (1 + 1e-6));
    expect(after).toBeGreaterThan(20 * (1 - 1e-6));
  });

  test.skipIf(skip).each([1, 7, 129, 4_932_704])('Polyak update matches the reference (n = %i)', (n) => {
    const tgt = uniform(n, 13);
    const onl = uniform(n, 14);
    const T = Tensor.from(tgt, [n], device);
    const O = Tensor.from(onl, [n], device);
    polyakUpdate(T, O, 0.01);
    expectClose(T.toArray(), polyakRef(tgt, onl, 0.01), { atol: 1e-7, rtol: 1e-6 });
    expectSameBits(O.toArray(), onl, 'online');
  });

  test.skipIf(skip)('Polyak with torch lerp rounding: τ = 0 keeps the target, τ = 1 gives the online values exactly', () => {
    const tgt = uniform(129, 15, -1e3, 1e3);
    const onl = uniform(129, 16, -1e-3, 1e-3);
    const T = Tensor.from(tgt, [129], device);
    const O = Tensor.from(onl, [129], device);
    polyakUpdate(T, O, 0);
    expect(T.toArray()).toEqual(tgt);
    polyakUpdate(T, O, 1);
    expect(T.toArray()).toEqual(onl);
    polyakUpdate(T, O, 0.75); // the w ≥ 0.5 branch
    expect(T.toArray()).toEqual(onl);
  });

  test.skipIf(skip)('Adam class: two groups with their own lr and eps, against the reference', () => {
    const enc = { p: uniform(7, 17), g: uniform(7, 18) };
    const dyn = { p: uniform(129, 19), g: uniform(129, 20) };
    const groups = [
      { params: Tensor.from(enc.p, [7], device), grads: Tensor.from(enc.g, [7], device), lr: 3e-4 * 0.3, eps: 1e-8, name: 'encoder' },
      { params: Tensor.from(dyn.p, [129], device), grads: Tensor.from(dyn.g, [129], device), lr: 3e-4, eps: 1e-5, name: 'dynamics' },
    ];
    const opt = new Adam(groups);
    const refs = [enc, dyn].map((x) => ({ p: Float64Array.from(x.p), m: new Float64Array(x.p.length), v: new Float64Array(x.p.length), g: x.g }));
    for (let t = 1; t <= 4; t++) {
      const coef = t === 3 ? 0.25 : 1;
      opt.step(coef);
      refs.forEach((r, i) =>
        adamStepRef(r.p, r.g, r.m, r.v, { lr: groups[i]!.lr, beta1: 0.9, beta2: 0.999, eps: groups[i]!.eps, step: t, gradScale: coef }),
      );
    }
    expect(opt.stepCount).toBe(4);
    refs.forEach((r, i) => expectClose(groups[i]!.params.toArray(), r.p, { atol: 1e-7, rtol: 1e-6, label: groups[i]!.name }));
    opt.zeroGrad();
    for (const g of groups) expect(g.grads.toArray().every((x) => x === 0)).toBe(true);
  });

  test.skipIf(skip)('Adam class: state() / loadState() resume bit for bit', () => {
    const n = 257;
    const p0 = uniform(n, 21);
    const g0 = uniform(n, 22);
    const make = () => {
      const group = { params: Tensor.from(p0, [n], device), grads: Tensor.from(g0, [n], device), lr: 1e-2, eps: 1e-8 };
      return { group, opt: new Adam([group], { betas: [0.85, 0.99] }) };
    };
    const a = make();
    for (let t = 0; t < 3; t++) a.opt.step();
    const saved = a.opt.state();
    const params = a.group.params.toArray();
    for (let t = 0; t < 2; t++) a.opt.step(0.5);
    const b = make();
    b.group.params.write(params);
    b.opt.loadState(saved);
    expect(b.opt.stepCount).toBe(3);
    for (let t = 0; t < 2; t++) b.opt.step(0.5);
    expect(b.group.params.toArray()).toEqual(a.group.params.toArray());
    expect(b.opt.state()).toEqual(a.opt.state());
  });

  test.skipIf(skip)('Adam converges on an ill-conditioned quadratic', () => {
    // f(p) = ½ Σ c_i (p_i − p*_i)², c from 0.01 to 100; ∇f = c ⊙ (p − p*).
    const n = 16;
    const c = Float32Array.from({ length: n }, (_, i) => 0.01 * 10_000 ** (i / (n - 1)));
    const target = uniform(n, 23, -3, 3);
    const group = { params: Tensor.zeros([n], device), grads: Tensor.zeros([n], device), lr: 0.05, eps: 1e-8 };
    const opt = new Adam([group]);
    const g = new Float32Array(n);
    const p = new Float32Array(n);
    for (let t = 0; t < 1500; t++) {
      group.params.toArray(p);
      for (let i = 0; i < n; i++) g[i] = c[i]! * (p[i]! - target[i]!);
      group.grads.write(g);
      opt.step();
    }
    group.params.toArray(p);
    for (let i = 0; i < n; i++) expect(Math.abs(p[i]! - target[i]!)).toBeLessThan(1e-2);
  });
});

describe('optim arguments', () => {
  const P = Tensor.zeros([7]);
  const G = Tensor.zeros([7]);
  const M = Tensor.zeros([7]);
  const V = Tensor.zeros([7]);
  test('hyperparameter ranges name the argument', () => {
    expect(() => adamStep(P, G, M, V, -1, 0.9, 0.999, 1e-8, 1)).toThrow(/adamStep: lr: expected a finite number in \[0, inf\), got -1/);
    expect(() => adamStep(P, G, M, V, 1e-3, 1, 0.999, 1e-8, 1)).toThrow(/adamStep: beta1: expected a finite number in \[0, 1\), got 1/);
    expect(() => adamStep(P, G, M, V, 1e-3, 0.9, 0.999, 1e-8, 0)).toThrow(/adamStep: step: expected an integer in \[1, /);
    expect(() => adamStep(P, G, M, V, 1e-3, 0.9, 0.999, 1e-8, 1, Number.NaN)).toThrow(/adamStep: gradScale/);
    expect(() => adamStep(P, G, M, V, 1e-3, 0.9, 0.999, 1e-8, 1, 1, 'yes' as unknown as boolean)).toThrow(/adamStep: zeroGrad: expected a boolean/);
    expect(() => polyakUpdate(P, G, 1.5)).toThrow(/polyakUpdate: tau: expected a finite number in \[0, 1\]/);
  });
  test('shapes and aliasing', () => {
    expect(() => adamStep(P, Tensor.zeros([8]), M, V, 1e-3, 0.9, 0.999, 1e-8, 1)).toThrow(
      'adamStep: grad: expected shape [7] (the shape of param), got [8]',
    );
    expect(() => adamStep(P, G, M, M, 1e-3, 0.9, 0.999, 1e-8, 1)).toThrow(/adamStep: outputs m and v share memory/);
    expect(() => adamStep(P, P, M, V, 1e-3, 0.9, 0.999, 1e-8, 1)).toThrow(/adamStep: output param shares memory with input grad/);
    const buf = Tensor.zeros([14]);
    expect(() => polyakUpdate(buf.view([7], 0), buf.view([7], 3), 0.5)).toThrow(/shares memory/);
  });
  test('the Adam class validates its groups and refuses a non-finite gradScale without updating', () => {
    expect(() => new Adam([])).toThrow(TypeError);
    expect(() => new Adam([{ params: P, grads: Tensor.zeros([6]), lr: 1, eps: 0 }])).toThrow(RangeError);
    expect(() => new Adam([{ params: P, grads: G, lr: -1, eps: 0 }])).toThrow(/lr/);
    expect(() => new Adam([{ params: P, grads: G, lr: 1, eps: 0 }], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
    const opt = new Adam([{ params: P, grads: G.fill(1), lr: 1, eps: 0 }]);
    expect(() => opt.step(Number.NaN)).toThrow(RangeError);
    expect(opt.stepCount).toBe(0);
    expect(P.toArray().every((x) => x === 0)).toBe(true);
    expect(() => opt.loadState({ step: 1, m: [new Float32Array(6)], v: [new Float32Array(7)] })).toThrow(/m\[0\]/);
  });
  test('clipCoefficient is torch clip_grad_norm_ rule', () => {
    expect(clipCoefficient(10, 20)).toBe(1);
    expect(clipCoefficient(40, 20)).toBe(20 / (40 + 1e-6));
    expect(clipCoefficient(Number.NaN, 20)).toBeNaN();
  });
});
