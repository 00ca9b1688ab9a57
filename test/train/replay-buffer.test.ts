// ReplayBuffer (SPEC §10.3): slice distribution (torchrl SliceSampler: episode uniform, then start
// uniform), FIFO eviction per entry, NaN first entries never read as actions or rewards,
// reproducibility from the seed and across snapshot/restore, no allocation after warm-up.
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, test } from 'vitest';

import { ReplayBuffer, type EpisodeData } from '../../lib/train/replay-buffer.js';

const [O, A, H] = [2, 1, 3];

/** An episode whose entry t has obs (id, t), action 100·id + t, reward id + t/1000 (entry 0: NaN). */
function episode(id: number, entries: number): EpisodeData {
  const obs = new Float32Array(entries * O);
  const action = new Float32Array(entries * A);
  const reward = new Float32Array(entries);
  for (let t = 0; t < entries; t++) {
    obs[t * O] = id;
    obs[t * O + 1] = t;
    action[t] = t === 0 ? NaN : 100 * id + t;
    reward[t] = t === 0 ? NaN : id + t / 1000;
  }
  return { obs, action, reward };
}

/** The (episode, start) of every slice of a batch, checking the slice is consecutive and aligned. */
function slices(buf: ReplayBuffer): Array<[number, number]> {
  const B = buf.batchSize;
  const { obs, action, reward } = buf.sample();
  const o = obs.toArray();
  const a = action.toArray();
  const r = reward.toArray();
  const out: Array<[number, number]> = [];
  let bad = 0; // plain comparisons: an expect() per element would dominate the test's time
  for (let b = 0; b < B; b++) {
    const id = o[b * O]!;
    const s = o[b * O + 1]!;
    for (let t = 0; t <= H; t++) {
      if (o[(t * B + b) * O] !== id || o[(t * B + b) * O + 1] !== s + t) bad++;
      // action[t−1] is the action taken at obs[t−1], stored with entry s+t.
      if (t > 0 && (a[(t - 1) * B + b] !== 100 * id + s + t || r[(t - 1) * B + b] !== Math.fround(id + (s + t) / 1000))) bad++;
    }
    out.push([id, s]);
  }
  expect(bad).toBe(0);
  return out;
}

/** Pearson χ² of counts against equal expectations. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((x, y) => x + y, 0);
  const e = total / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}

describe('ReplayBuffer', () => {
  test('slices are H+1 consecutive entries of one episode, uniform over (episode, start) for equal lengths', () => {
    const buf = new ReplayBuffer({ capacity: 1000, obsDim: O, actionDim: A, horizon: H, batchSize: 256, seed: 3 });
    const L = 11; // 8 valid starts each
    for (let id = 0; id < 3; id++) buf.addEpisode(episode(id, L));
    const counts = new Array(3 * (L - H)).fill(0);
    for (let i = 0; i < 200; i++) for (const [id, s] of slices(buf)) counts[id * (L - H) + s]++;
    // 24 cells, 23 degrees of freedom: P(χ² > 49.7) = 0.001.
    expect(chiSquare(counts)).toBeLessThan(49.7);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    buf.dispose();
  });

  test('episodes are drawn uniformly whatever their length (torchrl SliceSampler), starts uniformly within', () => {
    const buf = new ReplayBuffer({ capacity: 1000, obsDim: O, actionDim: A, horizon: H, batchSize: 256, seed: 4 });
    buf.addEpisode(episode(0, 5)); // 2 valid starts
    buf.addEpisode(episode(1, 41)); // 38 valid starts
    buf.addEpisode(episode(2, 3)); // shorter than H+1: stored, never sampled
    expect(buf.numSampleable).toBe(2);
    const perEpisode = [0, 0, 0];
    const starts0 = [0, 0];
    const starts1 = new Array(38).fill(0);
    for (let i = 0; i < 100; i++)
      for (const [id, s] of slices(buf)) {
        perEpisode[id]++;
        if (id === 0) starts0[s]++;
        else starts1[s]++;
      }
    expect(perEpisode[2]).toBe(0);
    // Uniform over valid starts would give episode 0 a share of 2/40; per-episode uniform gives 1/2.
    const share = perEpisode[0]! / 25600;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.02); // sd ≈ 0.003
    expect(chiSquare(starts0)).toBeLessThan(10.8); // 1 dof, p = 0.001
    expect(chiSquare(starts1)).toBeLessThan(69.3); // 37 dof, p = 0.001
    buf.dispose();
  });

  test('FIFO: the oldest entries are overwritten one by one; an episode leaves once fewer than H+1 remain', () => {
    const buf = new ReplayBuffer({ capacity: 30, obsDim: O, actionDim: A, horizon: H, batchSize: 128, seed: 5 });
    for (let id = 0; id < 2; id++) buf.addEpisode(episode(id, 11));
    buf.addEpisode(episode(2, 11)); // 33 written: episode 0 lost entries 0..2
    expect(buf.size).toBe(30);
    expect(buf.numSampleable).toBe(3);
    const seen0 = new Set<number>();
    const per = [0, 0, 0];
    for (let i = 0; i < 60; i++)
      for (const [id, s] of slices(buf)) {
        per[id]++;
        if (id === 0) seen0.add(s);
      }
    expect([...seen0].sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7]); // entries 3..10 remain
    for (const c of per) expect(Math.abs(c / 7680 - 1 / 3)).toBeLessThan(0.03);
    buf.addEpisode(episode(3, 5)); // 38 written: episode 0 keeps entries 8..10 (< H+1)
    expect(buf.numSampleable).toBe(3);
    for (let i = 0; i < 20; i++) for (const [id] of slices(buf)) expect(id).not.toBe(0);
    buf.dispose();
  });

  test('an episode longer than the capacity keeps its last entries (torchrl overwrites its head)', () => {
    const buf = new ReplayBuffer({ capacity: 10, obsDim: O, actionDim: A, horizon: H, batchSize: 64, seed: 2 });
    buf.addEpisode(episode(0, 13)); // entries 3..12 remain: starts 3..9
    expect(buf.size).toBe(10);
    const starts = new Set<number>();
    for (let i = 0; i < 20; i++) for (const [, s] of slices(buf)) starts.add(s);
    expect([...starts].sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    buf.dispose();
  });

  test('the NaN action/reward of first entries are never sampled', () => {
    const buf = new ReplayBuffer({ capacity: 64, obsDim: O, actionDim: A, horizon: H, batchSize: 256, seed: 6 });
    for (let id = 0; id < 20; id++) {
      buf.addEpisode(episode(id, 4 + (id % 7)));
      const { action, reward } = buf.sample();
      for (const v of action.toArray()) expect(Number.isFinite(v)).toBe(true);
      for (const v of reward.toArray()) expect(Number.isFinite(v)).toBe(true);
    }
    buf.dispose();
  });

  test('reproducible from the seed; snapshot/restore continues identically (sampling and eviction)', () => {
    const make = (seed: number) => new ReplayBuffer({ capacity: 40, obsDim: O, actionDim: A, horizon: H, batchSize: 32, seed });
    const a = make(7);
    const b = make(7);
    const c = make(8);
    for (let id = 0; id < 4; id++) for (const buf of [a, b, c]) buf.addEpisode(episode(id, 9 + id));
    const sa = a.sample().obs.toArray();
    expect(b.sample().obs.toArray()).toEqual(sa);
    expect(c.sample().obs.toArray()).not.toEqual(sa);

    const { tensors, meta } = a.snapshot();
    const r = make(99);
    r.restore(tensors, JSON.parse(JSON.stringify(meta)));
    expect(r.size).toBe(a.size);
    for (let id = 4; id < 9; id++) {
      for (const buf of [a, r]) buf.addEpisode(episode(id, 6 + (id % 3)));
      expect(r.numSampleable).toBe(a.numSampleable);
      expect(r.sample().obs.toArray()).toEqual(a.sample().obs.toArray());
      expect(r.sample().action.toArray()).toEqual(a.sample().action.toArray());
    }
    for (const buf of [a, b, c, r]) buf.dispose();
  });

  test('sample() reuses its tensors and allocates nothing after warm-up', async () => {
    const buf = new ReplayBuffer({ capacity: 5000, obsDim: 5, actionDim: 1, horizon: H, batchSize: 256, seed: 9 });
    const ep = { obs: new Float32Array(501 * 5).fill(0.5), action: new Float32Array(501).fill(0.1), reward: new Float32Array(501).fill(1) };
    ep.action[0] = NaN;
    ep.reward[0] = NaN;
    for (let i = 0; i < 5; i++) buf.addEpisode(ep);
    const first = buf.sample();
    expect(buf.sample()).toBe(first);
    // Warm-up until the optimising compiler has the loop: interpreted code boxes doubles.
    for (let i = 0; i < 10_000; i++) buf.sample();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    await new Promise((r) => setTimeout(r, 10));
    // Any allocation would show as heap growth, or (past the young generation) as a collection.
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    const { heapUsed: before } = process.memoryUsage();
    for (let i = 0; i < 2000; i++) buf.sample();
    const { heapUsed: after } = process.memoryUsage();
    await new Promise((r) => setTimeout(r, 50)); // deliver the gc entries
    observer.disconnect();
    expect(collections).toBe(0);
    // 2000 samples of a 4×256×5 batch would need > 40 MB if anything were allocated per
    // sample; allow a few KB of noise (the heap statistics call itself).
    expect(after - before).toBeLessThan(64 * 1024);
    buf.dispose();
  });

  test('bad input throws naming the argument', () => {
    const buf = new ReplayBuffer({ capacity: 50, obsDim: O, actionDim: A, horizon: H, batchSize: 4 });
    expect(() => buf.sample()).toThrow(/no episode with at least 4 entries/);
    const ep = episode(0, 6);
    expect(() => buf.addEpisode({ ...ep, obs: ep.obs.subarray(1) })).toThrow(/obs: expected 6 entries × 2 = 12 values, got 11/);
    expect(() => buf.addEpisode({ ...ep, action: new Float32Array(6) })).toThrow(/entry 0 must carry NaN/);
    const bad = episode(0, 6);
    bad.reward[3] = NaN;
    expect(() => buf.addEpisode(bad)).toThrow(/reward: value NaN at index 3/);
    expect(() => buf.addEpisode({ ...ep, obs: [1, 2] as unknown as Float32Array })).toThrow(TypeError);
    expect(() => new ReplayBuffer({ capacity: 3, obsDim: O, actionDim: A, horizon: H, batchSize: 4 })).toThrow(/capacity: expected an integer ≥ 4/);
    buf.dispose();
    expect(() => buf.sample()).toThrow(/disposed/);
  });
});
