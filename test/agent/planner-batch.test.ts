// A batched plan call equals B single-environment calls with the same Philox addresses and
// warm-start means (bit for bit, whatever the chunking); only the two sampled Q heads or the full
// ensemble give identical results; the warm start follows SPEC §8 step 3.
import { describe, expect, test } from 'vitest';

import { Planner } from '../../lib/agent/planner.js';
import type { WorldModel } from '../../lib/model/world-model.js';
import { backendCases } from '../helpers/backends.js';
import { makeModel, randomObs, smallConfig } from './helpers.js';

interface CallResult {
  actions: Float32Array;
  mean: Float32Array;
  std: Float32Array;
  offsets: number[];
}

function call(p: Planner, obs: Float32Array, first: boolean[], evalMode: boolean): CallResult {
  const actions = p.plan(obs, first, evalMode);
  return { actions, mean: p.mean(), std: p.std(), offsets: p.rngState().map((s) => s.offset) };
}

const B = 5;
const STEPS: [boolean[], boolean][] = [
  [[true, true, true, true, true], false],
  [[false, true, false, false, true], false],
  [[false, false, false, true, false], true],
];

function batchedRun(model: WorldModel, opts: ConstructorParameters<typeof Planner>[1]): CallResult[] {
  const p = new Planner(model, { batch: B, seed: 3, ...opts });
  const out = STEPS.map(([first, evalMode], s) => call(p, randomObs(B * model.cfg.obsDim, 40 + s), first, evalMode));
  p.dispose();
  return out;
}

describe.each(backendCases)('batched == B single calls with the same streams, $title', ({ device, skip }) => {
  const cfg = smallConfig({ numSamples: 37, numElites: 6, numPiTrajs: 4, numQ: 4, device });
  // Built only where the backend runs (a CUDA model cannot exist without a device).
  const model = skip ? (null as unknown as WorldModel) : makeModel(cfg, 21);
  const { obsDim: O, actionDim: A, horizon: H } = cfg;
  const HA = H * A;

  test.skipIf(skip)('bitwise: actions, final mean/std and offsets, across chunkings and warm-started steps', () => {
    const whole = batchedRun(model, {});
    const chunked = batchedRun(model, { maxChunkRows: 2 * cfg.numSamples }); // chunks of 2, 2, 1
    // Single planners holding env b's stream (the batched planner's env b starts at streamBase + b).
    const base = new Planner(model, { batch: B, seed: 3 });
    const initial = base.rngState();
    base.dispose();
    const singles = initial.map((state) => {
      const p = new Planner(model, { batch: 1, seed: 3 });
      p.setRngState([state]);
      return p;
    });
    STEPS.forEach(([first, evalMode], s) => {
      const obs = randomObs(B * O, 40 + s);
      expect(chunked[s]).toEqual(whole[s]);
      for (let b = 0; b < B; b++) {
        const one = call(singles[b]!, obs.slice(b * O, (b + 1) * O), [first[b]!], evalMode);
        expect(one.actions, `step ${s} env ${b}`).toEqual(whole[s]!.actions.slice(b * A, (b + 1) * A));
        expect(one.mean).toEqual(whole[s]!.mean.slice(b * HA, (b + 1) * HA));
        expect(one.std).toEqual(whole[s]!.std.slice(b * HA, (b + 1) * HA));
        expect(one.offsets).toEqual([whole[s]!.offsets[b]]);
      }
    });
    for (const p of singles) p.dispose();
    // The batch's envs really differ (distinct streams and observations).
    expect(whole[0]!.actions.slice(0, A)).not.toEqual(whole[0]!.actions.slice(A, 2 * A));
  });

  test.skipIf(skip)('an env keeps its results when moved to another position: its address is its own', () => {
    const p = new Planner(model, { batch: B, seed: 3 });
    const states = p.rngState();
    const obs = randomObs(B * O, 77);
    const a = p.plan(obs, Array(B).fill(true), false);
    // Reverse the envs: states and observations.
    const q = new Planner(model, { batch: B, seed: 3 });
    q.setRngState([...states].reverse());
    const rev = new Float32Array(B * O);
    for (let b = 0; b < B; b++) rev.set(obs.subarray(b * O, (b + 1) * O), (B - 1 - b) * O);
    const r = q.plan(rev, Array(B).fill(true), false);
    for (let b = 0; b < B; b++) expect(r.slice((B - 1 - b) * A, (B - b) * A)).toEqual(a.slice(b * A, (b + 1) * A));
    p.dispose();
    q.dispose();
  });

  test.skipIf(skip)('fullEnsemble (every Q member evaluated) gives identical results to the two sampled heads', () => {
    expect(batchedRun(model, { fullEnsemble: true })).toEqual(batchedRun(model, {}));
    expect(batchedRun(model, { fullEnsemble: true, maxChunkRows: 1 })).toEqual(batchedRun(model, {}));
  });

  test.skipIf(skip)('every call advances each env by the same number of blocks', () => {
    const p = new Planner(model, { batch: B, seed: 3 });
    const total = p.layout().draws.total;
    const runs = batchedRun(model, {});
    runs.forEach((r, s) => expect(r.offsets).toEqual(Array(B).fill((s + 1) * total)));
    p.dispose();
  });
});

describe('warm start (SPEC §8 step 3)', () => {
  const cfg = smallConfig({ numSamples: 37, numElites: 6, numPiTrajs: 4 });
  const model = makeModel(cfg, 22);
  const { obsDim: O, actionDim: A, horizon: H } = cfg;
  const HA = H * A;
  const obs = randomObs(O, 5);

  /** A single-env planner at a fixed address with a given warm-start mean. */
  function planWith(prev: Float32Array | null, firstStep: boolean, h = cfg): CallResult {
    const m = h === cfg ? model : makeModel(h, 22);
    const p = new Planner(m, { batch: 1, seed: 8 });
    p.setRngState([{ seed: 8, stream: 99, offset: 1234 }]);
    if (prev) p.setMean(prev);
    const r = call(p, h === cfg ? obs : randomObs(h.obsDim, 5), [firstStep], false);
    p.dispose();
    if (m !== model) m.dispose();
    return r;
  }

  const prev = Float32Array.from({ length: HA }, (_, i) => 0.3 * Math.sin(1 + i));

  test('the previous mean is shifted by one step: its first row is dropped', () => {
    const base = planWith(prev, false);
    const row0 = prev.slice();
    for (let i = 0; i < A; i++) row0[i] = -row0[i]! + 0.5;
    expect(planWith(row0, false)).toEqual(base); // row 0 of the previous mean is never used
    const row1 = prev.slice();
    row1[A] = -0.9;
    expect(planWith(row1, false).mean).not.toEqual(base.mean); // row 1 becomes row 0
  });

  test('the last row starts at 0 (horizon 1: the warm start has nothing to carry)', () => {
    const h1 = smallConfig({ numSamples: 37, numElites: 6, numPiTrajs: 4, horizon: 1 });
    const some = Float32Array.from({ length: A }, () => 0.8);
    expect(planWith(some, false, h1)).toEqual(planWith(null, true, h1));
  });

  test('first step ignores the previous mean; a zero mean warm-starts like a first step', () => {
    expect(planWith(prev, true)).toEqual(planWith(null, true));
    expect(planWith(new Float32Array(HA), false)).toEqual(planWith(null, true));
    expect(planWith(prev, false)).not.toEqual(planWith(null, true));
  });

  test('std is not carried over: a planner given only the previous mean and address repeats the next call', () => {
    const p = new Planner(model, { batch: 1, seed: 8 });
    call(p, obs, [true], false);
    const mean = p.mean();
    const state = p.rngState();
    const second = call(p, obs, [false], false);
    const q = new Planner(model, { batch: 1, seed: 8 });
    q.setRngState(state);
    q.setMean(mean);
    expect(call(q, obs, [false], false)).toEqual(second);
    p.dispose();
    q.dispose();
  });

  test('the stored mean is the final MPPI mean, and reset(b) zeroes env b only', () => {
    const p = new Planner(model, { batch: 3, seed: 8 });
    call(p, randomObs(3 * O, 6), [true, true, true], false);
    const mean = p.mean();
    expect(mean.some((v) => v !== 0)).toBe(true);
    p.reset(1);
    const after = p.mean();
    expect(after.slice(HA, 2 * HA)).toEqual(new Float32Array(HA));
    expect(after.slice(0, HA)).toEqual(mean.slice(0, HA));
    expect(after.slice(2 * HA)).toEqual(mean.slice(2 * HA));
    p.reset();
    expect(p.mean()).toEqual(new Float32Array(3 * HA));
    p.dispose();
  });
});
