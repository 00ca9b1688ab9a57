// linear: every backend against the float64 TypeScript reference, accumulate/overwrite semantics,
// and gradients by central finite differences.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { linearBackward, linearForward } from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { uniform } from '../helpers/random.js';
import { linearBackwardRef, linearForwardRef } from '../reference/linear.js';

// (M, K, N): 1-row, 1-column, 1-deep, odd sizes, the 101-bin heads and the agent's 536×512×512.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 129],
  [7, 1, 5],
  [129, 7, 1],
  [4, 129, 101],
  [33, 64, 17],
  [536, 37, 101],
  [536, 512, 512],
];

// float32 accumulation over K terms of size ≤ 1 against a float64 reference.
const tol = (K: number) => ({ atol: 2e-6 * Math.sqrt(K) + 1e-6, rtol: 1e-5 });

describe.each(backendCases)('linear on $title', ({ device, skip }) => {
  test.skipIf(skip).each(SHAPES)('forward and backward M=%i K=%i N=%i', (M, K, N) => {
    const x = uniform(M * K, 1 + M);
    const w = uniform(N * K, 2 + K);
    const b = uniform(N, 3 + N);
    const g = uniform(M * N, 4);
    const X = Tensor.from(x, [M, K], device);
    const W = Tensor.from(w, [N, K], device);
    const B = Tensor.from(b, [N], device);
    const Y = Tensor.zeros([M, N], device).fill(Number.NaN); // overwritten, NaN must not leak
    linearForward(X, W, B, Y);
    expectClose(Y.toArray(), linearForwardRef(x, w, b, M, K, N), { ...tol(K), label: 'Y' });

    const dY = Tensor.from(g, [M, N], device);
    const dX = Tensor.zeros([M, K], device).fill(Number.NaN); // overwritten
    const dW = Tensor.zeros([N, K], device).fill(0.5); // accumulated onto 0.5
    const db = Tensor.zeros([N], device).fill(-0.25); // accumulated onto −0.25
    linearBackward(X, W, dY, dX, dW, db);
    const ref = linearBackwardRef(x, w, g, M, K, N);
    expectClose(dX.toArray(), ref.dX, { ...tol(N), label: 'dX' });
    expectClose(dW.toArray(), ref.dW.map((v) => v + 0.5), { ...tol(M), label: 'dW' });
    expectClose(db.toArray(), ref.db.map((v) => v - 0.25), { ...tol(M), label: 'db' });
    for (const t of [X, W, B, Y, dY, dX, dW, db]) t.dispose();
  });

  test.skipIf(skip)('no bias, and null gradients are skipped', () => {
    const [M, K, N] = [5, 3, 4];
    const x = uniform(M * K, 11);
    const w = uniform(N * K, 12);
    const X = Tensor.from(x, [M, K], device);
    const W = Tensor.from(w, [N, K], device);
    const Y = Tensor.zeros([M, N], device);
    linearForward(X, W, null, Y);
    expectClose(Y.toArray(), linearForwardRef(x, w, null, M, K, N), { atol: 1e-6, rtol: 1e-6 });
    const g = uniform(M * N, 13);
    const dY = Tensor.from(g, [M, N], device);
    const dW = Tensor.zeros([N, K], device);
    linearBackward(X, W, dY, null, dW, null);
    expectClose(dW.toArray(), linearBackwardRef(x, w, g, M, K, N).dW, { atol: 1e-6, rtol: 1e-6 });
  });

  test.skipIf(skip)('works on views (row slices of a larger buffer)', () => {
    const [M, K, N] = [3, 4, 2];
    const buf = uniform(2 * M * K, 21);
    const all = Tensor.from(buf, [2 * M, K], device);
    const second = all.view([M, K], M * K);
    const w = uniform(N * K, 22);
    const W = Tensor.from(w, [N, K], device);
    const Y = Tensor.zeros([M, N], device);
    linearForward(second, W, null, Y);
    expectClose(Y.toArray(), linearForwardRef(buf.subarray(M * K), w, null, M, K, N), { atol: 1e-6, rtol: 1e-6 });
  });
});

describe('linear gradients by central finite differences (cpu)', () => {
  // L = Σ G ⊙ (X·Wᵀ + b); the backward pass with dY = G must give ∂L/∂X, ∂L/∂W, ∂L/∂b.
  test.each([
    [1, 1, 1],
    [3, 5, 4],
    [7, 2, 9],
  ])('M=%i K=%i N=%i', (M, K, N) => {
    const x = uniform(M * K, 31);
    const w = uniform(N * K, 32);
    const b = uniform(N, 33);
    const g = uniform(M * N, 34);
    const loss = (xs: Float32Array, ws: Float32Array, bs: Float32Array): number => {
      const X = Tensor.from(xs, [M, K]);
      const W = Tensor.from(ws, [N, K]);
      const B = Tensor.from(bs, [N]);
      const Y = Tensor.zeros([M, N]);
      linearForward(X, W, B, Y);
      const y = Y.toArray();
      let s = 0;
      for (let i = 0; i < y.length; i++) s += g[i]! * y[i]!;
      return s;
    };
    const X = Tensor.from(x, [M, K]);
    const W = Tensor.from(w, [N, K]);
    const dX = Tensor.zeros([M, K]);
    const dW = Tensor.zeros([N, K]);
    const db = Tensor.zeros([N]);
    linearBackward(X, W, Tensor.from(g, [M, N]), dX, dW, db);
    const h = 1e-2;
    const fd = (arr: Float32Array, which: 0 | 1 | 2): Float64Array => {
      const out = new Float64Array(arr.length);
      for (let i = 0; i < arr.length; i++) {
        const p = arr.slice();
        const m = arr.slice();
        p[i] += h;
        m[i] -= h;
        const args = (v: Float32Array): [Float32Array, Float32Array, Float32Array] =>
          which === 0 ? [v, w, b] : which === 1 ? [x, v, b] : [x, w, v];
        out[i] = (loss(...args(p)) - loss(...args(m))) / (2 * h);
      }
      return out;
    };
    expectClose(dX.toArray(), fd(x, 0), { atol: 1e-3, rtol: 1e-3, label: 'dX' });
    expectClose(dW.toArray(), fd(w, 1), { atol: 1e-3, rtol: 1e-3, label: 'dW' });
    expectClose(db.toArray(), fd(b, 2), { atol: 1e-3, rtol: 1e-3, label: 'db' });
  });
});

describe('linear errors name the op, the argument and the shapes', () => {
  test('mismatched K', () => {
    const X = Tensor.zeros([2, 3]);
    const W = Tensor.zeros([4, 5]);
    const Y = Tensor.zeros([2, 4]);
    expect(() => linearForward(X, W, null, Y)).toThrow(RangeError);
    expect(() => linearForward(X, W, null, Y)).toThrow('linearForward: W: expected shape [4, 3], got [4, 5]');
  });
  test('output aliasing an input', () => {
    const X = Tensor.zeros([2, 2]);
    const W = Tensor.zeros([2, 2]);
    expect(() => linearForward(X, W, null, X)).toThrow(/Y shares memory with input X/);
  });
  test('a non-tensor argument', () => {
    const X = Tensor.zeros([2, 2]);
    expect(() => linearForward(X, [1, 2] as unknown as Tensor, null, X)).toThrow(TypeError);
  });
});
