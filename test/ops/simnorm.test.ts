// SimNorm as a standalone op: every backend against the float64 reference, groups summing to 1,
// large logits, and the reference backward against finite differences.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { simnormBackward, simnormForward } from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { uniform } from '../helpers/random.js';
import { simnormBackwardRef, simnormRef } from '../reference/simnorm.js';

// [shape, V]: one group, odd row counts, the 512 latent at batch 536, V ≠ 8, a 3-D batch.
const CASES: [number[], number][] = [
  [[1, 8], 8],
  [[7, 128], 8],
  [[536, 512], 8],
  [[3, 12], 4],
  [[2, 3, 16], 8],
  [[5, 6], 1],
  [[129, 8], 8],
];

describe.each(backendCases)('simnorm on $title', ({ device, skip }) => {
  test.skipIf(skip).each(CASES)('shape %j V=%i', (shape, V) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = uniform(n, n + V, -4, 4);
    const g = uniform(n, n + 1);
    const X = Tensor.from(x, shape, device);
    const Y = Tensor.zeros(shape, device).fill(Number.NaN);
    simnormForward(X, Y, V);
    const y = Y.toArray();
    expectClose(y, simnormRef(x, V), { atol: 1e-7, rtol: 1e-5, label: 'Y' });
    for (let i = 0; i < n; i += V) {
      let s = 0;
      for (let j = 0; j < V; j++) s += y[i + j]!;
      expect(Math.abs(s - 1)).toBeLessThan(2e-6);
    }
    const dY = Tensor.from(g, shape, device);
    const dX = Tensor.zeros(shape, device).fill(Number.NaN); // overwritten
    simnormBackward(Y, dY, dX, V);
    expectClose(dX.toArray(), simnormBackwardRef(x, g, V), { atol: 1e-6, rtol: 1e-5, label: 'dX' });
    for (const t of [X, Y, dY, dX]) t.dispose();
  });

  test.skipIf(skip)('large logits: the max is subtracted, nothing overflows', () => {
    const x = Float32Array.from([1000, 999, -1000, 0, 88, 89, 90, 500, -300, -301, -302, -303, -304, -305, -306, -307]);
    const X = Tensor.from(x, [2, 8], device);
    const Y = Tensor.zeros([2, 8], device);
    simnormForward(X, Y, 8);
    expectClose(Y.toArray(), simnormRef(x, 8), { atol: 1e-7, rtol: 1e-5 });
  });
});

test('the reference backward against central finite differences (float64)', () => {
  const V = 4;
  const x = Float64Array.from(uniform(12, 5, -2, 2));
  const g = uniform(12, 6);
  const loss = () => simnormRef(x, V).reduce((s, y, i) => s + y * g[i]!, 0);
  const h = 1e-6;
  const fd = x.map((v, i) => {
    x[i] = v + h;
    const lp = loss();
    x[i] = v - h;
    const lm = loss();
    x[i] = v;
    return (lp - lm) / (2 * h);
  });
  expectClose(simnormBackwardRef(x, g, V), fd, { atol: 1e-8, rtol: 1e-6 });
});

describe('simnorm errors', () => {
  test('V must divide the last dimension; shapes must match', () => {
    const X = Tensor.zeros([2, 12]);
    expect(() => simnormForward(X, Tensor.zeros([2, 12]), 8)).toThrow(
      'simnormForward: V: the group size must divide the last dimension 12 of shape [2, 12], got 8',
    );
    expect(() => simnormForward(X, Tensor.zeros([3, 12]), 4)).toThrow(RangeError);
    expect(() => simnormBackward(X, X, X, 4)).toThrow(/dX shares memory/);
  });
});
