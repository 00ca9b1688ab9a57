/** Seeded determinism and exact replay through getState/setState, for every task. */
import { beforeAll, describe, expect, test } from 'vitest';
import { listTasks, loadMujoco, makeEnv } from '../../lib/envs/index.js';
import { randomPolicy } from './helpers.js';

beforeAll(async () => {
  await loadMujoco();
});

/** Observations and rewards of `steps` decisions from reset({ seed }) under a seeded random policy. */
function rollout(task: string, seed: number, steps: number): { obs: number[][]; rewards: number[] } {
  const env = makeEnv(task, { seed: 1000 + seed });
  try {
    const policy = randomPolicy(env.actionSpace.shape[0]!, 77);
    let { obs } = env.reset({ seed });
    const record = { obs: [Array.from(obs)], rewards: [] as number[] };
    for (let t = 0; t < steps; t++) {
      const result = env.step(policy(obs, t));
      obs = result.obs;
      record.obs.push(Array.from(obs));
      record.rewards.push(result.reward);
    }
    return record;
  } finally {
    env.close();
  }
}

describe.each(listTasks())('%s', (task) => {
  test('the same seed gives a bit-identical trajectory; another seed does not', () => {
    const a = rollout(task, 5, 60);
    const b = rollout(task, 5, 60);
    expect(b).toEqual(a); // toEqual on numbers compares with Object.is: bit-identical
    const c = rollout(task, 6, 60);
    expect(c.obs[0]).not.toEqual(a.obs[0]);
  });

  test('reset without a seed continues the stream; reset({ seed }) restarts it', () => {
    const env = makeEnv(task, { seed: 9 });
    try {
      const first = Array.from(env.reset().obs);
      const second = Array.from(env.reset().obs);
      expect(second).not.toEqual(first);
      const fresh = makeEnv(task, { seed: 9 });
      expect(Array.from(fresh.reset().obs)).toEqual(first);
      fresh.close();
      expect(Array.from(env.reset({ seed: 9 }).obs)).toEqual(first);
    } finally {
      env.close();
    }
  });

  test('setState replays bit-identically, also in a fresh environment', () => {
    const env = makeEnv(task, { seed: 3 });
    const other = makeEnv(task, { seed: 4 });
    try {
      const policy = randomPolicy(env.actionSpace.shape[0]!, 21);
      let { obs } = env.reset({ seed: 3 });
      for (let t = 0; t < 40; t++) obs = env.step(policy(obs, t)).obs;
      const saved = env.getState();
      const actions = Array.from({ length: 40 }, (_, t) => policy(obs, t));
      const original = actions.map((action) => {
        const r = env.step(action);
        return [Array.from(r.obs), r.reward, r.truncated, r.info.elapsedSteps];
      });
      // Another episode first, so nothing of the original survives in the data.
      env.reset({ seed: 99 });
      for (const target of [env, other]) {
        const restored = target.setState(saved);
        expect(Array.from(restored)).toEqual(Array.from(saved.observation));
        const replay = actions.map((action) => {
          const r = target.step(action);
          return [Array.from(r.obs), r.reward, r.truncated, r.info.elapsedSteps];
        });
        expect(replay).toEqual(original);
        // The random stream is restored too: the next reset matches.
        target.setState(saved);
      }
      expect(Array.from(env.reset().obs)).toEqual(Array.from(other.reset().obs));
    } finally {
      env.close();
      other.close();
    }
  });
});
