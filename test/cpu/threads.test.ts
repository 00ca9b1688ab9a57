// The CPU thread pool: the thread count is settable and reported, results do not depend on it
// (bit for bit: each output element is one dot product in a fixed order), and two threads
// submitting GEMMs at once (a worker thread next to the main thread) neither deadlock nor
// disturb each other's results.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

import { afterAll, describe, expect, test } from 'vitest';

import { backends, setNumThreads, Tensor } from '../../lib/index.js';
import { denseBackward, denseForward, linearBackward, linearForward } from '../../lib/nn/ops.js';
import { threadPoolStats } from '../../lib/bench/thread-pool.js';
import { uniform } from '../helpers/random.js';

const initial = backends().cpu.threads;

/** Bit-for-bit equality (fast on large arrays; vitest's toEqual walks them element by element). */
function expectSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  const i = actual.findIndex((v, k) => !Object.is(v, expected[k]));
  expect.fail(`${label}: differs (length ${actual.length} vs ${expected.length}), first at ${i}: ${actual[i]} vs ${expected[i]}`);
}
afterAll(() => setNumThreads(initial));

describe('setNumThreads', () => {
  test('sets the count that backends() reports', () => {
    expect(setNumThreads(3)).toBe(3);
    expect(backends().cpu.threads).toBe(3);
    expect(setNumThreads(1)).toBe(1);
    expect(backends().cpu.threads).toBe(1);
  });

  test('rejects what is not an integer in [1, 256]', () => {
    expect(() => setNumThreads(0)).toThrow(RangeError);
    expect(() => setNumThreads(257)).toThrow(/setNumThreads: n: expected an integer in \[1, 256\], got 257/);
    expect(() => setNumThreads(1.5)).toThrow(RangeError);
    expect(() => setNumThreads('2' as unknown as number)).toThrow(TypeError);
  });
});

/** Runs fn at 1, 2 and 4 threads and returns the outputs of each. */
function atThreadCounts(fn: () => Float32Array[]): Float32Array[][] {
  return [1, 2, 4].map((n) => {
    setNumThreads(n);
    return fn();
  });
}

describe('results do not depend on the thread count', () => {
  test('linear forward and backward, 536×512→512', () => {
    const [M, K, N] = [536, 512, 512];
    const X = Tensor.from(uniform(M * K, 1), [M, K]);
    const W = Tensor.from(uniform(N * K, 2), [N, K]);
    const b = Tensor.from(uniform(N, 3), [N]);
    const dY = Tensor.from(uniform(M * N, 4), [M, N]);
    const runs = atThreadCounts(() => {
      const Y = Tensor.zeros([M, N]);
      const dX = Tensor.zeros([M, K]);
      const dW = Tensor.zeros([N, K]);
      const db = Tensor.zeros([N]);
      linearForward(X, W, b, Y);
      linearBackward(X, W, dY, dX, dW, db);
      const out = [Y, dX, dW, db].map((t) => t.toArray());
      for (const t of [Y, dX, dW, db]) t.dispose();
      return out;
    });
    runs.slice(1).forEach((run, r) => run.forEach((a, i) => expectSameBits(a, runs[0]![i]!, `run ${r + 1} output ${i}`)));
    for (const t of [X, W, b, dY]) t.dispose();
  });

  test.each(['ln_mish', 'ln_simnorm'] as const)('dense %s, Q-ensemble shape 5×536×518→512, dropout', (epilogue) => {
    const [E, M, K, N] = [5, 536, 518, 512];
    const X = Tensor.from(uniform(M * K, 5), [M, K]);
    const params = {
      W: Tensor.from(uniform(E * N * K, 6, -0.05, 0.05), [E, N, K]),
      b: Tensor.from(uniform(E * N, 7), [E, N]),
      gamma: Tensor.from(uniform(E * N, 8, 0.5, 1.5), [E, N]),
      beta: Tensor.from(uniform(E * N, 9), [E, N]),
    };
    const dY = Tensor.from(uniform(E * M * N, 10), [E, M, N]);
    const opts = { epilogue, dropout: { p: 0.01, seed: 3, stream: 1, offset: 5 } };
    const runs = atThreadCounts(() => {
      const Y = Tensor.zeros([E, M, N]);
      const saved = { H: Tensor.zeros([E, M, N]), stats: Tensor.zeros([E, M, 2]) };
      denseForward(X, params, Y, opts, saved);
      const grads = {
        dH: Tensor.zeros([E, M, N]),
        dX: Tensor.zeros([M, K]),
        dW: Tensor.zeros([E, N, K]),
        db: Tensor.zeros([E, N]),
        dgamma: Tensor.zeros([E, N]),
        dbeta: Tensor.zeros([E, N]),
      };
      denseBackward(X, params, saved, dY, grads, opts);
      const all = [Y, saved.H, saved.stats, ...Object.values(grads)];
      const out = all.map((t) => t.toArray());
      for (const t of all) t.dispose();
      return out;
    });
    runs.slice(1).forEach((run, r) => run.forEach((a, i) => expectSameBits(a, runs[0]![i]!, `run ${r + 1} output ${i}`)));
    for (const t of [X, dY, ...Object.values(params)]) t.dispose();
  });
});

describe("the pool's record (threadPoolStats)", () => {
  test('counts the loops helpers could join, and setNumThreads starts it afresh', () => {
    const [M, K, N] = [256, 512, 512];
    const X = Tensor.from(uniform(M * K, 13), [M, K]);
    const W = Tensor.from(uniform(N * K, 14), [N, K]);
    const Y = Tensor.zeros([M, N]);
    setNumThreads(1);
    for (let i = 0; i < 3; i++) linearForward(X, W, null, Y);
    expect(threadPoolStats()).toEqual({ loops: 0, helped: 0, backoff: 0, serialMs: 0 });
    setNumThreads(2);
    // Each product runs its 22 row panels as one parallel loop (B's pack as another): a helper
    // may or may not join a given one, but every such loop is counted.
    for (let i = 0; i < 5; i++) linearForward(X, W, null, Y);
    const s = threadPoolStats();
    expect(s.loops).toBeGreaterThanOrEqual(5);
    expect(s.helped).toBeGreaterThanOrEqual(0);
    expect(s.helped).toBeLessThanOrEqual(s.loops);
    expect(s.backoff).toBeGreaterThanOrEqual(0);
    expect(s.serialMs).toBeGreaterThanOrEqual(0);
    expect(s.serialMs).toBeLessThan(1100); // the longest serial spell, 8 ms × 2⁷
    setNumThreads(2); // the same count: still a fresh record, the stall guard's state included
    expect(threadPoolStats()).toEqual({ loops: 0, helped: 0, backoff: 0, serialMs: 0 });
    for (const t of [X, W, Y]) t.dispose();
  });
});

describe('concurrent submitters', () => {
  test('a worker thread and the main thread multiply at once: no deadlock, same results', async () => {
    setNumThreads(2);
    const [M, K, N, rounds] = [256, 512, 512, 40];
    const x = uniform(M * K, 11);
    const w = uniform(N * K, 12);
    const X = Tensor.from(x, [M, K]);
    const W = Tensor.from(w, [N, K]);
    const Y = Tensor.zeros([M, N]);
    linearForward(X, W, null, Y);
    const expected = Y.toArray();
    const worker = new Worker(new URL('./gemm-worker.mjs', import.meta.url), {
      workerData: { addonPath: backends().binary.path, M, K, N, x: Array.from(x), w: Array.from(w), rounds },
    });
    // Messages are delivered by the event loop, which the synchronous loop below blocks, so the
    // result cannot arrive before once() listens for it.
    expect((await once(worker, 'message'))[0]).toBe('ready');
    for (let r = 0; r < rounds; r++) {
      linearForward(X, W, null, Y);
      expectSameBits(Y.toArray(), expected, `main round ${r}`);
    }
    const [outs] = (await once(worker, 'message')) as [Float32Array[]];
    await worker.terminate();
    expect(outs.length).toBe(rounds);
    outs.forEach((o, r) => expectSameBits(o, expected, `worker round ${r}`));
    for (const t of [X, W, Y]) t.dispose();
  });
});
