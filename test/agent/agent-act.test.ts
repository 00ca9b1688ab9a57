// TDMPC2.act / actBatch / actAsync / actBatchAsync over the native planner (mpc: true) and the
// policy prior (mpc: false).
import { describe, expect, test } from 'vitest';

import { TDMPC2 } from '../../lib/agent/agent.js';
import { Planner } from '../../lib/agent/planner.js';
import type { TdMpc2Options } from '../../lib/config.js';
import { countTicks } from '../helpers/ticks.js';
import { randomizeModel, randomObs } from './helpers.js';

const small: TdMpc2Options = {
  obsDim: 5,
  actionDim: 2,
  episodeLength: 500,
  latentDim: 16,
  mlpDim: 24,
  encDim: 20,
  numQ: 3,
  numSamples: 40,
  numElites: 7,
  numPiTrajs: 5,
  iterations: 3,
  device: 'cpu',
  seed: 4,
};

function agent(overrides: Partial<TdMpc2Options> = {}): TDMPC2 {
  const a = new TDMPC2({ ...small, ...overrides });
  randomizeModel(a.model, 12);
  return a;
}

describe('TDMPC2 acting with the planner', () => {
  test('act plans with a one-env planner; actBatch with a B-env planner (same as a Planner on the model)', () => {
    const a = agent();
    const obs = randomObs(3 * 5, 1);
    const ref = new Planner(a.model, { batch: 3, seed: 4 });
    const first = [true, false, true];
    expect(a.actBatch(obs, first, { evalMode: false })).toEqual(ref.plan(obs, first, false));
    expect(a.actBatch(obs, [false, false, false], { evalMode: true })).toEqual(ref.plan(obs, [false, false, false], true));
    const one = new Planner(a.model, { batch: 1, seed: 4 });
    const x = obs.slice(0, 5);
    expect(a.act(x, { firstStep: true })).toEqual(one.plan(x, [true], false));
    expect(a.act(x)).toEqual(one.plan(x, [false], false));
    for (const v of a.act(x, { evalMode: true })) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    ref.dispose();
    one.dispose();
    a.dispose();
  });

  test('actAsync / actBatchAsync equal the sync calls of a twin agent', async () => {
    const a = agent();
    const b = agent();
    const obs = randomObs(2 * 5, 2);
    const got = await Promise.all([a.actBatchAsync(obs, [true, true]), a.actBatchAsync(obs, [false, false], { evalMode: true })]);
    expect(got[0]).toEqual(b.actBatch(obs, [true, true]));
    expect(got[1]).toEqual(b.actBatch(obs, [false, false], { evalMode: true }));
    expect(await a.actAsync(obs.slice(0, 5), { firstStep: true })).toEqual(b.act(obs.slice(0, 5), { firstStep: true }));
    a.dispose();
    b.dispose();
  });

  test('update and dispose are refused while an actAsync call is planning', async () => {
    const a = agent({ numSamples: 512, numElites: 64, mlpDim: 256, latentDim: 128 });
    const pending = a.actAsync(randomObs(5, 3), { firstStep: true });
    expect(() => a.update({} as never)).toThrow(/actAsync call is still planning/);
    expect(() => a.dispose()).toThrow(/actAsync call is still running/);
    await pending;
    a.dispose();
  });

  test('a 1 ms timer keeps ticking during actAsync with the 5M model (≥ 50 % of the idle rate)', async () => {
    const a = new TDMPC2({ obsDim: 5, actionDim: 1, episodeLength: 500, modelSize: 5, device: 'cpu' });
    const obs = randomObs(5, 4);
    a.act(obs, { firstStep: true }); // planner workspaces made, pages touched
    const idle = await countTicks(() => new Promise((r) => setTimeout(r, 300)));
    const busy = await countTicks(() => a.actAsync(obs));
    const expected = (idle.ticks / idle.ms) * busy.ms;
    expect(busy.ticks, `${busy.ticks} ticks in ${busy.ms.toFixed(0)} ms, ${expected.toFixed(0)} expected`).toBeGreaterThanOrEqual(0.5 * expected);
    a.dispose();
  }, 60_000);

  test('mpc: false acts with the policy prior (eval: the mean tanh(μ)); async too', async () => {
    const a = agent({ mpc: false });
    const obs = randomObs(5, 5);
    const mean1 = a.act(obs, { evalMode: true });
    expect(a.act(obs, { evalMode: true })).toEqual(mean1); // deterministic
    expect(await a.actAsync(obs, { evalMode: true })).toEqual(mean1);
    const s1 = a.act(obs);
    const s2 = a.act(obs);
    expect(s1).not.toEqual(s2); // a fresh sample each call
    a.dispose();
  });

  test('bad input names the op and the argument', async () => {
    const a = agent();
    expect(() => a.act(new Float32Array(4))).toThrow(/TDMPC2.act: obs: expected a multiple of obsDim 5/);
    expect(() => a.actBatch(new Float32Array(10), [true])).toThrow(/TDMPC2.act: firstSteps: expected 2 flags, got 1/);
    expect(() => a.actBatchAsync(new Float32Array(10), [true, true], { evalMode: 'yes' as never })).toThrow(/Planner.planAsync: evalMode/);
    expect(() => a.actAsync([1, 2, 3, 4, 5] as never)).toThrow(TypeError);
    const nan = new Float32Array(5);
    nan[2] = Number.NaN;
    expect(() => a.actAsync(nan)).toThrow(/TDMPC2.actAsync: obs: value NaN at index 2/);
    a.dispose();
  });
});
