// The step-wise API for people who own the loop: observe() assembles episodes into the replay
// buffer exactly as addEpisode would, update() samples it, bad transitions are refused without
// changing anything, and agent.world gives plain-array access to the world model.
import { describe, expect, test } from 'vitest';

import { ReplayBuffer, TDMPC2 } from '../../lib/index.js';
import { PointLineEnv } from '../helpers/point-line-env.js';

const TINY = { obsDim: 2, actionDim: 1, episodeLength: 40, mpc: false, latentDim: 32, mlpDim: 64, encDim: 32, numQ: 2, batchSize: 16, device: 'cpu' } as const;

/** One episode of the env acted by the agent, observed step by step; returns its entries. */
function playEpisode(agent: TDMPC2, env: PointLineEnv, seed?: number, envId = 0) {
  let obs: Float32Array = Float32Array.from(env.reset(seed === undefined ? undefined : { seed }).obs);
  const entries = { obs: [...obs], action: [NaN], reward: [NaN] };
  let first = true;
  for (;;) {
    const action = agent.act(obs, { firstStep: first });
    first = false;
    const r = env.step(action);
    const res = agent.observe({ obs, action, reward: r.reward, nextObs: r.obs, truncated: r.truncated, env: envId });
    entries.obs.push(...r.obs);
    entries.action.push(...action);
    entries.reward.push(Math.fround(r.reward));
    expect(res.episodeEnded).toBe(r.truncated);
    obs = r.obs;
    if (r.truncated) return { res, entries };
  }
}

describe('agent.observe / update', () => {
  test('observed episodes land in the buffer exactly as addEpisode stores them; update() then trains', () => {
    const agent = new TDMPC2(TINY);
    const twin = new ReplayBuffer({ capacity: 10_000, obsDim: 2, actionDim: 1, horizon: agent.cfg.horizon, batchSize: 16, seed: 9 });
    const mine = new ReplayBuffer({ capacity: 10_000, obsDim: 2, actionDim: 1, horizon: agent.cfg.horizon, batchSize: 16, seed: 9 });
    try {
      expect(() => agent.update()).toThrow(/holds no whole episode of at least 3 steps yet \(0 episodes added\); observe\(\) episodes to their end/);
      agent.useBuffer(mine);
      const env = new PointLineEnv();
      for (let e = 0; e < 3; e++) {
        const { res, entries } = playEpisode(agent, env, e === 0 ? 5 : undefined);
        expect(res.episodes).toBe(e + 1);
        expect(res.episodeLength).toBe(entries.reward.length - 1);
        twin.addEpisode({ obs: Float32Array.from(entries.obs), action: Float32Array.from(entries.action), reward: Float32Array.from(entries.reward) });
      }
      expect(agent.buffer).toBe(mine);
      const a = mine.sample();
      const [ao, aa, ar] = [a.obs.toArray(), a.action.toArray(), a.reward.toArray()];
      const b = twin.sample();
      expect(ao).toEqual(b.obs.toArray());
      expect(aa).toEqual(b.action.toArray());
      expect(ar).toEqual(b.reward.toArray());
      const info = agent.update();
      expect(Number.isFinite(info.totalLoss)).toBe(true);
    } finally {
      agent.dispose();
      twin.dispose();
      mine.dispose();
    }
  });

  test("the agent's own buffer: made on first use, episodes of several envs kept apart", () => {
    const agent = new TDMPC2(TINY);
    try {
      const envs = [new PointLineEnv(), new PointLineEnv()];
      const obs: Float32Array[] = envs.map((e, i) => Float32Array.from(e.reset({ seed: i }).obs));
      let ended = 0;
      // Interleave the two envs' steps.
      while (ended < 2) {
        for (let i = 0; i < 2; i++) {
          const action = agent.act(obs[i]!);
          const r = envs[i]!.step(action);
          const res = agent.observe({ obs: obs[i]!, action, reward: r.reward, nextObs: r.obs, truncated: r.truncated, env: i });
          obs[i] = r.obs;
          if (res.episodeEnded) {
            ended += 1;
            obs[i] = Float32Array.from(envs[i]!.reset().obs);
          }
        }
      }
      expect(agent.buffer.numEpisodes).toBe(2);
      expect(agent.buffer.capacity).toBe(agent.cfg.bufferCapacity);
      expect(Number.isFinite(agent.update().valueLoss)).toBe(true);
    } finally {
      agent.dispose();
    }
  });

  test('bad transitions are refused with the op, argument and value, and change nothing', () => {
    const agent = new TDMPC2(TINY);
    try {
      const ok = { obs: [0.1, 0.2], action: [0.5], reward: 1, nextObs: [0.3, 0.2] };
      agent.observe(ok);
      expect(agent.episodeLength()).toBe(1);
      const bad: [Record<string, unknown>, RegExp][] = [
        [{ ...ok, obs: [0.3, 0.2, 1] }, /TDMPC2.observe: obs: expected length 2, got 3/],
        [{ ...ok, obs: [0.3, 0.2], nextObs: [NaN, 0] }, /TDMPC2.observe: nextObs\[0\]: expected a finite number, got NaN/],
        [{ ...ok, obs: [0.3, 0.2], action: [1.5] }, /TDMPC2.observe: action\[0\] is 1.5, outside \[-1, 1\]/],
        [{ ...ok, obs: [0.3, 0.2], reward: Infinity }, /TDMPC2.observe: reward: expected a finite number, got Infinity/],
        [{ ...ok, obs: [0.3, 0.2], terminated: true }, /terminated: terminal states need episodic training/],
        [{ ...ok, obs: [0.3, 0.2], truncated: 'yes' }, /TDMPC2.observe: truncated: expected a boolean, got string/],
        [{ ...ok, obs: [0.9, 0.2] }, /obs\[0\] is 0.8999999761581421, but env 0's episode continues from nextObs\[0\] = 0.30000001192092896; end the previous episode with truncated: true/],
        [{ ...ok, obs: 'x' }, /TDMPC2.observe: obs: expected a Float32Array, Float64Array or number\[\] of length 2, got string/],
        [{ ...ok, env: -1 }, /TDMPC2.observe: env: expected an integer ≥ 0, got -1/],
      ];
      for (const [t, msg] of bad) expect(() => agent.observe(t as never)).toThrow(msg);
      expect(agent.episodeLength()).toBe(1);
      agent.observe({ ...ok, obs: [0.3, 0.2], truncated: true });
      expect(agent.episodeLength()).toBe(0);
      expect(agent.buffer.numEpisodes).toBe(1);
      const other = new ReplayBuffer({ capacity: 100, obsDim: 3, actionDim: 1, horizon: 3, batchSize: 4 });
      expect(() => agent.useBuffer(other)).toThrow(/TDMPC2.useBuffer: buffer.obsDim is 3, the agent's obsDim is 2/);
      other.dispose();
      expect(() => agent.update({} as never)).toThrow();
    } finally {
      agent.dispose();
    }
    expect(() => agent.observe({ obs: [0, 0], action: [0], reward: 0, nextObs: [0, 0] })).toThrow(/disposed/);
  });
});

describe('agent.world', () => {
  test('encode / next / reward / Q / policy: shapes, SimNorm latents, batch = rows, and act() agrees', () => {
    const agent = new TDMPC2({ ...TINY, numQ: 3 });
    try {
      // A few updates, so the zero-initialised reward and Q output layers give non-zero values.
      const env = new PointLineEnv();
      playEpisode(agent, env, 3);
      for (let k = 0; k < 5; k++) agent.update();
      const w = agent.world;
      const obs = Float32Array.of(0.5, -1, 1.5, 0.25, -0.75, 0.1);
      const z = w.encode(obs);
      expect(z.length).toBe(3 * 32);
      for (let g = 0; g < 3 * 32; g += 8) expect(z.subarray(g, g + 8).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const a = Float32Array.of(0.3, -0.9, 0);
      const z1 = w.next(z, a);
      expect(z1.length).toBe(3 * 32);
      expect(w.reward(z, a).length).toBe(3);
      const all = w.Q(z, a);
      expect(all.length).toBe(3 * 3);
      expect(all.some((q) => q !== 0)).toBe(true);
      expect(new Set(all).size).toBeGreaterThan(3);
      const mean = w.Q(z, a, { reduce: 'mean' });
      const min = w.Q(z, a, { reduce: 'min' });
      for (let b = 0; b < 3; b++) {
        const heads = [all[b]!, all[3 + b]!, all[6 + b]!];
        expect(mean[b]).toBeCloseTo(heads.reduce((x, y) => x + y, 0) / 3, 6);
        expect(min[b]).toBe(Math.fround(Math.min(...heads)));
      }
      const target = w.Q(z, a, { target: true }); // the EMA copy: moved only by τ per update
      expect(target.length).toBe(9);
      expect(target).not.toEqual(all);
      // A batch equals its rows one at a time.
      const row1 = w.next(z.subarray(32, 64), a.subarray(1, 2));
      expect(Array.from(row1)).toEqual(Array.from(z1.subarray(32, 64)));
      // The policy mean at encode(obs) is what act() returns in eval mode without MPC.
      const act = agent.actBatch(obs, [true, true, true], { evalMode: true });
      expect(Array.from(w.policy(z, { evalMode: true }))).toEqual(Array.from(act));
      expect(() => w.next(z, Float32Array.of(0))).toThrow(/AgentWorld.next: a: expected 3 rows \(z has 3 × 32\), got 1 × 1/);
      expect(() => w.encode(Float32Array.of(1, 2, 3))).toThrow(/AgentWorld.encode: obs: expected B × 2 values, got 3/);
      expect(() => w.Q(z, a, { reduce: 'avg' as never })).toThrow(/options.reduce: expected 'none', 'mean' or 'min', got avg/);
    } finally {
      agent.dispose();
    }
  });
});
