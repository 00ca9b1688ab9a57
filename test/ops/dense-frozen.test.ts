// Frozen spans (withFrozenWeights): inside one, a dense layer whose W lies in a declared tensor is
// packed for the GEMM once and reused. The results must be bit for bit those of the same calls
// outside a span; weights outside the declared tensors, and any weight after the span, must be
// read afresh; the span must close on a throw; and the cache must not keep copies forever.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import type { Device } from '../../lib/nn/device.js';
import {
  denseBackward,
  denseForward,
  frozenWeightPacks,
  withFrozenWeights,
  type DenseOptions,
} from '../../lib/nn/ops.js';
import { backendCases } from '../helpers/backends.js';
import { uniform } from '../helpers/random.js';

const E = 3, M = 37, K = 70, N = 56; // N: one full AVX-512 panel of 32 and a tail of 24
const OPTS: DenseOptions = { epilogue: 'ln_mish', dropout: { p: 0.1, seed: 5, stream: 2, offset: 0 } };

const LAYER_SIZE = E * N * K + 3 * E * N;

/** An ensemble layer whose parameters are views into one flat tensor, as in a ParamGroup. */
function layer(device: Device, seed: number | Float32Array) {
  const data = typeof seed === 'number' ? uniform(LAYER_SIZE, seed, -0.5, 0.5) : seed;
  const flat = Tensor.from(data, [LAYER_SIZE], device);
  let at = 0;
  const view = (shape: number[]) => {
    const v = flat.view(shape, at);
    at += shape.reduce((a, b) => a * b);
    return v;
  };
  const W = view([E, N, K]);
  const params = { W, b: view([E, N]), gamma: view([E, N]), beta: view([E, N]) };
  return { flat, params };
}

/** Forward then backward on X [E,M,K]; every output read back. */
function run(device: Device, p: ReturnType<typeof layer>['params'], X: Tensor, dYData: Float32Array) {
  const Y = Tensor.zeros([E, M, N], device);
  const saved = { H: Tensor.zeros([E, M, N], device), stats: Tensor.zeros([E, M, 2], device) };
  denseForward(X, p, Y, OPTS, saved);
  const dY = Tensor.from(dYData, [E, M, N], device);
  const grads = {
    dH: Tensor.zeros([E, M, N], device),
    dX: Tensor.zeros([E, M, K], device),
    dW: Tensor.zeros([E, N, K], device),
    db: Tensor.zeros([E, N], device),
    dgamma: Tensor.zeros([E, N], device),
    dbeta: Tensor.zeros([E, N], device),
  };
  denseBackward(X, p, saved, dY, grads, OPTS);
  const out = {
    Y: Y.toArray(),
    dX: grads.dX.toArray(),
    dW: grads.dW.toArray(),
    db: grads.db.toArray(),
    dgamma: grads.dgamma.toArray(),
  };
  for (const t of [Y, saved.H, saved.stats, dY, ...Object.values(grads)]) t.dispose();
  return out;
}

for (const bc of backendCases) {
  describe.skipIf(bc.skip)(`dense frozen spans on ${bc.title}`, () => {
    const device = bc.device;
    const X = () => Tensor.from(uniform(E * M * K, 11), [E, M, K], device);
    const dY = uniform(E * M * N, 12);

    test('calls in a span give bit for bit the results outside one, on every reuse', () => {
      const L = layer(device, 1);
      const x = X();
      const outside = run(device, L.params, x, dY);
      const inside = withFrozenWeights([L.flat], () => [run(device, L.params, x, dY), run(device, L.params, x, dY), run(device, L.params, x, dY)]);
      for (const r of inside) expect(r).toEqual(outside);
      // A second span (a new epoch) again.
      expect(withFrozenWeights([L.flat], () => run(device, L.params, x, dY))).toEqual(outside);
      x.dispose();
      L.flat.dispose();
    });

    test('a span sees the weights as they are when it opens', () => {
      const L = layer(device, 2);
      const x = X();
      const before = withFrozenWeights([L.flat], () => run(device, L.params, x, dY));
      L.params.W.write(uniform(E * N * K, 3, -0.5, 0.5)); // between spans: allowed
      const expected = run(device, L.params, x, dY);
      expect(expected.Y).not.toEqual(before.Y);
      expect(withFrozenWeights([L.flat], () => run(device, L.params, x, dY))).toEqual(expected);
      x.dispose();
      L.flat.dispose();
    });

    test('an inner span sees weights changed since an earlier inner span of the same outer one', () => {
      const other = layer(device, 15);
      const L = layer(device, 16);
      const x = X();
      withFrozenWeights([other.flat], () => {
        const before = withFrozenWeights([L.flat], () => run(device, L.params, x, dY));
        L.params.W.write(uniform(E * N * K, 17, -0.5, 0.5)); // L is not frozen here
        const after = withFrozenWeights([L.flat], () => run(device, L.params, x, dY));
        expect(after.Y).not.toEqual(before.Y);
        expect(after).toEqual(withFrozenWeights([], () => run(device, L.params, x, dY)));
      });
      for (const t of [x, other.flat, L.flat]) t.dispose();
    });

    test('weights outside the declared tensors are read at every call', () => {
      const frozen = layer(device, 4);
      const free = layer(device, 5);
      const x = X();
      withFrozenWeights([frozen.flat], () => {
        const first = run(device, free.params, x, dY);
        free.params.W.write(uniform(E * N * K, 6, -0.5, 0.5));
        const second = run(device, free.params, x, dY);
        expect(second.Y).not.toEqual(first.Y);
        expect(second).toEqual(withFrozenWeights([], () => run(device, free.params, x, dY)));
      });
      for (const t of [x, frozen.flat, free.flat]) t.dispose();
    });

    test('a throw inside closes the span', () => {
      const L = layer(device, 7);
      const x = X();
      expect(() =>
        withFrozenWeights([L.flat], () => {
          run(device, L.params, x, dY);
          throw new Error('boom');
        }),
      ).toThrow('boom');
      // No span is open now: a changed W is read by the next call.
      L.params.W.write(uniform(E * N * K, 8, -0.5, 0.5));
      const after = run(device, L.params, x, dY);
      expect(after).toEqual(withFrozenWeights([L.flat], () => run(device, L.params, x, dY)));
      x.dispose();
      L.flat.dispose();
    });

    test('bad arguments: TypeError naming the argument, disposed tensors refused', () => {
      const t = Tensor.zeros([2], device);
      expect(() => withFrozenWeights([{} as Tensor], () => 0)).toThrow(TypeError);
      t.dispose();
      expect(() => withFrozenWeights([t], () => 0)).toThrow(/disposed/);
      // A refused span left nothing open: a nested pair still balances.
      expect(withFrozenWeights([], () => withFrozenWeights([], () => 42))).toBe(42);
    });
  });
}

describe('dense frozen spans: the CPU cache of packed weights', () => {
  test('one entry per weight and form, reused across calls; entries unused for eight spans are freed', () => {
    const L = layer('cpu', 9);
    const x = Tensor.from(uniform(E * M * K, 11), [E, M, K]);
    const dY = uniform(E * M * N, 12);
    // Earlier spans' entries (other tests, other layers) age out first.
    for (let i = 0; i < 9; i++) withFrozenWeights([], () => 0);
    expect(frozenWeightPacks()).toBe(0);
    withFrozenWeights([L.flat], () => {
      run('cpu', L.params, x, dY);
      expect(frozenWeightPacks()).toBe(2); // W read transposed (forward) and as is (dX = dH·W)
      run('cpu', L.params, x, dY);
      run('cpu', L.params, x, dY);
      expect(frozenWeightPacks()).toBe(2);
    });
    // A weight outside the span's tensors gets no entry.
    const other = layer('cpu', 10);
    withFrozenWeights([L.flat], () => run('cpu', other.params, x, dY));
    expect(frozenWeightPacks()).toBe(2);
    for (let i = 0; i < 7; i++) withFrozenWeights([], () => 0);
    expect(frozenWeightPacks()).toBe(2);
    withFrozenWeights([], () => 0);
    expect(frozenWeightPacks()).toBe(0);
    for (const t of [x, L.flat, other.flat]) t.dispose();
  });

  test('a declared tensor disposed inside the span keeps its memory until the span ends', () => {
    // W of 8.4M floats (33.6 MB): glibc maps blocks over 32 MiB on their own, and a new block of
    // the same size is mapped where the last one was unmapped. Were the span's memory freed at the
    // dispose, the next W would sit at the same address and be served the old packed weights.
    const Mb = 4, Kb = 4096, Nb = 2050;
    const x = Tensor.from(uniform(Mb * Kb, 1), [Mb, Kb]);
    const forward = (W: Tensor) => {
      const Y = Tensor.zeros([Mb, Nb]);
      denseForward(x, { W, b: null }, Y, { epilogue: 'none' });
      const out = Y.toArray();
      Y.dispose();
      return out;
    };
    const first = new Float32Array(Nb * Kb).fill(0.5);
    const second = new Float32Array(Nb * Kb).fill(-0.25);
    withFrozenWeights([], () => 0); // a fresh epoch
    const W1 = Tensor.from(first, [Nb, Kb]);
    const got = withFrozenWeights([W1], () => {
      forward(W1); // packs W1
      W1.dispose();
      const W2 = Tensor.from(second, [Nb, Kb]);
      const out = forward(W2);
      W2.dispose();
      return out;
    });
    const W2 = Tensor.from(second, [Nb, Kb]);
    expect(got).toEqual(forward(W2));
    W2.dispose();
    x.dispose();
  });
});
