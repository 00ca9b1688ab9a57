import { beforeAll, describe, expect, test } from 'vitest';
import { listTasks, loadMujoco, makeEnv } from '../../lib/envs/index.js';

beforeAll(async () => {
  await loadMujoco();
});

/** DMC's observation sizes (sum of the observation dict entries) and actuator counts. */
const DMC_SIZES: Record<string, { obs: number; act: number }> = {
  'cartpole-balance': { obs: 5, act: 1 },
  'cartpole-balance_sparse': { obs: 5, act: 1 },
  'cartpole-swingup': { obs: 5, act: 1 },
  'cartpole-swingup_sparse': { obs: 5, act: 1 },
  'pendulum-swingup': { obs: 3, act: 1 },
  'acrobot-swingup': { obs: 6, act: 1 },
  'point_mass-easy': { obs: 4, act: 2 },
  'reacher-easy': { obs: 6, act: 2 },
  'reacher-hard': { obs: 6, act: 2 },
  'finger-spin': { obs: 9, act: 2 },
  'cup-catch': { obs: 8, act: 2 },
  'cheetah-run': { obs: 17, act: 6 },
  'walker-stand': { obs: 24, act: 6 },
  'walker-walk': { obs: 24, act: 6 },
  'walker-run': { obs: 24, act: 6 },
  'hopper-stand': { obs: 15, act: 4 },
  'hopper-hop': { obs: 15, act: 4 },
};

describe('task registry', () => {
  test('lists exactly the DMC tasks of the suite', () => {
    expect([...listTasks()].sort()).toEqual(Object.keys(DMC_SIZES).sort());
  });

  test.each(Object.entries(DMC_SIZES))('%s has DMC observation and action sizes', (name, sizes) => {
    const env = makeEnv(name, { seed: 0 });
    try {
      expect(env.name).toBe(name);
      expect(env.observationSpace.shape).toEqual([sizes.obs]);
      expect(env.actionSpace.shape).toEqual([sizes.act]);
      expect(env.actionSpace.dtype).toBe('float32');
      expect(Array.from(env.actionSpace.low)).toEqual(new Array(sizes.act).fill(-1));
      expect(Array.from(env.actionSpace.high)).toEqual(new Array(sizes.act).fill(1));
      expect(env.observationSpace.low.every((v) => v === -Infinity)).toBe(true);
      expect(env.maxEpisodeSteps).toBe(500);
      expect(env.actionRepeat).toBe(2);
      const { obs, info } = env.reset();
      expect(obs).toBeInstanceOf(Float32Array);
      expect(obs.length).toBe(sizes.obs);
      expect(obs.every(Number.isFinite)).toBe(true);
      expect(info.elapsedSteps).toBe(0);
    } finally {
      env.close();
    }
  });

  test('an unknown name throws an Error naming the close matches', () => {
    expect(() => makeEnv('cartpole-swingupp')).toThrow(/unknown task "cartpole-swingupp"; did you mean "cartpole-swingup"/);
    expect(() => makeEnv('cartpole_swingup')).toThrow(/did you mean "cartpole-swingup"/);
    expect(() => makeEnv('walker-jog')).toThrow(/"walker-walk"/);
    expect(() => makeEnv('ball_in_cup-catch')).toThrow(/"cup-catch"/);
    expect(() => makeEnv('zzzz')).toThrow(/unknown task "zzzz"; known tasks: cartpole-balance/);
    expect(() => makeEnv(42 as unknown as string)).toThrow(TypeError);
  });

  test('bad options are rejected', () => {
    expect(() => makeEnv('cartpole-balance', { seed: -1 })).toThrow(/makeEnv: seed: expected a non-negative safe integer, got -1/);
    expect(() => makeEnv('cartpole-balance', 'x' as never)).toThrow(TypeError);
  });
});
