// planAsync runs off the main thread (the event loop keeps ticking during a 5M-model plan),
// queues calls on one planner instead of overlapping them, and pins its inputs while it runs.
import { describe, expect, test } from 'vitest';

import { Planner } from '../../lib/agent/planner.js';
import { resolveConfig } from '../../lib/config.js';
import { WorldModel } from '../../lib/model/world-model.js';
import { Tensor } from '../../lib/index.js';
import { countTicks } from '../helpers/ticks.js';
import { makeModel, randomObs, smallConfig } from './helpers.js';

describe('planAsync', () => {
  test('a 1 ms timer keeps ticking while a 5M-model plan runs (≥ 50 % of the expected ticks)', async () => {
    const cfg = resolveConfig({ obsDim: 5, actionDim: 1, episodeLength: 500, modelSize: 5, device: 'cpu' });
    const model = new WorldModel(cfg, 'cpu');
    model.initialize(1);
    const planner = new Planner(model);
    const obs = randomObs(cfg.obsDim, 1);
    planner.plan(obs, [true], false); // warm up (page in the workspaces)
    // Expected ticks: what a 1 ms interval gets with an idle event loop, measured just before.
    const idle = await countTicks(() => new Promise((r) => setTimeout(r, 300)));
    let actions: Float32Array = new Float32Array(0);
    const busy = await countTicks(async () => {
      actions = await planner.planAsync(obs, [false], false);
    });
    const expected = (idle.ticks / idle.ms) * busy.ms;
    const msg = `${busy.ticks} ticks in a ${busy.ms.toFixed(0)} ms plan; idle rate ${((idle.ticks / idle.ms) * 1000).toFixed(0)}/s → ${expected.toFixed(0)} expected`;
    console.log(`planAsync timer: ${msg}`);
    expect(actions.length).toBe(1);
    expect(Number.isFinite(actions[0]!)).toBe(true);
    expect(busy.ms).toBeGreaterThan(20); // a real 5M plan (≈ 38 GFLOP), not a no-op
    expect(busy.ticks, msg).toBeGreaterThanOrEqual(0.5 * expected);
    planner.dispose();
    model.dispose();
  }, 60_000);

  test('calls on one planner queue in order and equal the same sequence of sync calls', async () => {
    const cfg = smallConfig();
    const model = makeModel(cfg, 4);
    const B = 3;
    const obs = [randomObs(B * cfg.obsDim, 1), randomObs(B * cfg.obsDim, 2), randomObs(B * cfg.obsDim, 3)];
    const flags = [[true, true, true], [false, true, false], [false, false, false]];
    const sync = new Planner(model, { batch: B });
    const want = obs.map((o, i) => ({ a: sync.plan(o, flags[i]!, i === 2), mean: sync.mean() }));
    const p = new Planner(model, { batch: B });
    const pending = obs.map((o, i) => p.planAsync(o, flags[i]!, i === 2));
    obs[1]!.fill(99); // the call copied its input: later changes do not reach it
    const got = await Promise.all(pending);
    got.forEach((a, i) => expect(a).toEqual(want[i]!.a));
    expect(p.mean()).toEqual(want[2]!.mean);
    sync.dispose();
    p.dispose();
    model.dispose();
  });

  test('while a call runs: sync plan and dispose are refused, input tensors are pinned', async () => {
    const cfg = smallConfig({ numSamples: 512, numElites: 64, mlpDim: 256, latentDim: 128 });
    const model = makeModel(cfg, 5);
    const p = new Planner(model);
    const obs = Tensor.from(randomObs(cfg.obsDim, 1), [1, cfg.obsDim]);
    const running = p.planAsync(obs, [true], false);
    await Promise.resolve(); // the queued call starts in a microtask
    await Promise.resolve();
    expect(() => p.plan(obs, [true], false)).toThrow(/planAsync call is running/);
    expect(() => p.dispose()).toThrow(/planAsync call is running/);
    expect(() => obs.dispose()).toThrow(/in use by a running async operation/);
    expect(() => model.qs.params.data.dispose()).toThrow(/in use by a running async operation/);
    const a = await running;
    expect(a.length).toBe(cfg.actionDim);
    obs.dispose(); // released once settled
    p.dispose();
    model.dispose();
  });

  test('bad arguments throw synchronously, before anything is queued', () => {
    const cfg = smallConfig();
    const model = makeModel(cfg, 4);
    const p = new Planner(model, { batch: 2 });
    expect(() => p.planAsync(new Float32Array(3), [true, true], false)).toThrow(RangeError);
    expect(() => p.planAsync(new Float32Array(2 * cfg.obsDim), [true], false)).toThrow(/firstStep: expected 2 flags/);
    expect(() => p.planAsync(new Float32Array(2 * cfg.obsDim), [true, true], 1 as unknown as boolean)).toThrow(TypeError);
    p.dispose();
    model.dispose();
  });
});
