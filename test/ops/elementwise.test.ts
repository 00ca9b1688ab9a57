// copyCols, axpy and mse on every backend against the TypeScript reference.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { axpy, copyCols, mse } from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { uniform } from '../helpers/random.js';
import { copyColsRef, mseRef } from '../reference/elementwise.js';

describe.each(backendCases)('elementwise on $title', ({ device, skip }) => {
  test.skipIf(skip).each([
    [1, 1, 1, 0, 0, 1],
    [7, 5, 3, 2, 1, 2],
    [129, 518, 512, 6, 0, 512],
    [536, 7, 129, 0, 122, 7],
  ])('copyCols M=%i D=%i S=%i dstCol=%i srcCol=%i cols=%i', (M, D, S, dstCol, srcCol, cols) => {
    const d0 = uniform(M * D, 1);
    const s0 = uniform(M * S, 2);
    for (const accumulate of [false, true]) {
      const dst = Tensor.from(d0, [M, D], device);
      const src = Tensor.from(s0, [M, S], device);
      copyCols(dst, dstCol, src, srcCol, cols, accumulate);
      expectClose(dst.toArray(), copyColsRef(d0, D, dstCol, s0, S, srcCol, M, cols, accumulate), { atol: 1e-7, rtol: 1e-7 });
    }
  });

  test.skipIf(skip)('concatenation [z, a] and its backward split', () => {
    const [B, L, A] = [7, 16, 3];
    const z = uniform(B * L, 3);
    const a = uniform(B * A, 4);
    const za = Tensor.zeros([B, L + A], device);
    copyCols(za, 0, Tensor.from(z, [B, L], device), 0, L);
    copyCols(za, L, Tensor.from(a, [B, A], device), 0, A);
    const out = za.toArray();
    for (let b = 0; b < B; b++) {
      expect(Array.from(out.subarray(b * (L + A), b * (L + A) + L))).toEqual(Array.from(z.subarray(b * L, (b + 1) * L)));
      expect(Array.from(out.subarray(b * (L + A) + L, (b + 1) * (L + A)))).toEqual(Array.from(a.subarray(b * A, (b + 1) * A)));
    }
    const dz = Tensor.zeros([B, L], device).fill(1);
    copyCols(dz, 0, za, 0, L, true); // accumulate the z part of the gradient
    expectClose(dz.toArray(), Float64Array.from(z, (v) => v + 1), { atol: 1e-7, rtol: 1e-7 });
  });

  test.skipIf(skip).each([1, 7, 129, 536 * 512])('axpy n=%i', (n) => {
    const y0 = uniform(n, 5);
    const x0 = uniform(n, 6);
    const y = Tensor.from(y0, [n], device);
    axpy(y, -0.75, Tensor.from(x0, [n], device));
    expectClose(y.toArray(), Float64Array.from(y0, (v, i) => v - 0.75 * x0[i]!), { atol: 1e-6, rtol: 1e-6 });
  });

  test.skipIf(skip).each([1, 7, 129, 256 * 512])('mse n=%i', (n) => {
    const p0 = uniform(n, 7);
    const t0 = uniform(n, 8);
    const grad = Tensor.zeros([n], device).fill(Number.NaN);
    const scale = 20 / n;
    const s = mse(Tensor.from(p0, [n], device), Tensor.from(t0, [n], device), grad, scale);
    const ref = mseRef(p0, t0, scale);
    expect(Math.abs(s - ref.sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, ref.sum));
    expectClose(grad.toArray(), ref.grad, { atol: 1e-7, rtol: 1e-6 });
    expect(mse(Tensor.from(p0, [n], device), Tensor.from(t0, [n], device), null, 1)).toBeCloseTo(ref.sum, 6);
  });
});

describe('elementwise errors', () => {
  test('copyCols out of range names the shapes', () => {
    const dst = Tensor.zeros([2, 4]);
    const src = Tensor.zeros([2, 3]);
    expect(() => copyCols(dst, 2, src, 0, 3)).toThrow('copyCols: cols: columns [2, 5) exceed dst of shape [2, 4]');
    expect(() => copyCols(dst, 0, Tensor.zeros([3, 3]), 0, 1)).toThrow(/row counts must match/);
  });
});
