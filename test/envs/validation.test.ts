/** Boundary checks: bad arguments throw TypeError/RangeError naming the env, the argument, expected and actual, and change nothing. */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadMujoco, makeEnv, type DmcEnv as Env } from '../../lib/envs/index.js';

beforeAll(async () => {
  await loadMujoco();
});

/** Runs `bad` on an env mid-episode and checks the state is the same afterwards and the next good step matches a twin's. */
function expectUnchanged(task: string, bad: (env: Env) => void): void {
  const env = makeEnv(task, { seed: 4 });
  const twin = makeEnv(task, { seed: 4 });
  try {
    const zero = new Float32Array(env.actionSpace.shape[0]!);
    for (const e of [env, twin]) {
      e.reset();
      for (let t = 0; t < 5; t++) e.step(zero.map(() => 0.3));
    }
    const before = env.getState();
    bad(env);
    expect(env.getState()).toEqual(before);
    const a = env.step(zero.fill(-0.5));
    const b = twin.step(zero);
    expect(a).toEqual(b);
  } finally {
    env.close();
    twin.close();
  }
}

describe('step(action) validation', () => {
  test.each([
    ['a string', 'left', /walker-walk\.step: action: expected a Float32Array, Float64Array or number\[\] of length 6, got string "left"/],
    ['a number', 0.5, /action: expected a Float32Array.*got number/],
    ['null', null, /action: expected .*got null/],
    ['undefined', undefined, /action: expected .*got undefined/],
    ['an Int32Array', new Int32Array(6), /action: expected .*got Int32Array\(6\)/],
    ['a plain object', { 0: 1, length: 6 }, /action: expected .*got Object/],
    ['an array holding a string', [0, 0, '1', 0, 0, 0], /walker-walk\.step: action\[2\]: expected a number, got string "1"/],
  ])('%s is a TypeError', (_name, action, message) => {
    expectUnchanged('walker-walk', (env) => {
      expect(() => env.step(action as never)).toThrow(TypeError);
      expect(() => env.step(action as never)).toThrow(message);
    });
  });

  test.each([
    ['too short', new Float32Array(5), /walker-walk\.step: action: expected length 6, got 5/],
    ['too long', [0, 0, 0, 0, 0, 0, 0], /action: expected length 6, got 7/],
    ['empty', new Float64Array(0), /action: expected length 6, got 0/],
    ['NaN', Float32Array.of(0, 0, 0, NaN, 0, 0), /walker-walk\.step: action\[3\]: expected a finite number, got NaN/],
    ['Infinity', [0, -Infinity, 0, 0, 0, 0], /action\[1\]: expected a finite number, got -Infinity/],
  ])('%s is a RangeError', (_name, action, message) => {
    expectUnchanged('walker-walk', (env) => {
      expect(() => env.step(action as never)).toThrow(RangeError);
      expect(() => env.step(action as never)).toThrow(message);
    });
  });

  test('values outside [-1, 1] are clipped, not rejected', () => {
    const a = makeEnv('cartpole-swingup', { seed: 1 });
    const b = makeEnv('cartpole-swingup', { seed: 1 });
    a.reset();
    b.reset();
    expect(a.step([7]).obs).toEqual(b.step([1]).obs);
    expect(a.step(Float64Array.of(-1e9)).obs).toEqual(b.step([-1]).obs);
    a.close();
    b.close();
  });
});

describe('lifecycle', () => {
  test('step before reset and after the time limit throws until reset', () => {
    const env = makeEnv('pendulum-swingup', { seed: 1 });
    expect(() => env.step([0])).toThrow(/pendulum-swingup\.step: no episode is running; call reset\(\) first/);
    env.reset();
    let result;
    for (let t = 0; t < env.maxEpisodeSteps; t++) {
      result = env.step([0]);
      expect(result.truncated).toBe(t === env.maxEpisodeSteps - 1);
      expect(result.terminated).toBe(false);
      expect(result.info.elapsedSteps).toBe(t + 1);
    }
    expect(() => env.step([0])).toThrow(/the episode ended at the time limit \(500 steps\); call reset\(\)/);
    expect(env.reset().info.elapsedSteps).toBe(0);
    expect(env.step([0]).truncated).toBe(false);
    env.close();
  });

  test('every method but close throws after close; close is idempotent', () => {
    const env = makeEnv('cartpole-balance', { seed: 1 });
    env.reset();
    const state = env.getState();
    env.close();
    env.close();
    expect(() => env.reset()).toThrow(/cartpole-balance\.reset: the environment is closed/);
    expect(() => env.step([0])).toThrow(/cartpole-balance\.step: the environment is closed/);
    expect(() => env.getState()).toThrow(/closed/);
    expect(() => env.setState(state)).toThrow(/closed/);
    expect(() => env.render()).toThrow(/closed/);
  });

  test('reset and render reject bad options', () => {
    const env = makeEnv('cartpole-balance', { seed: 1 });
    expect(() => env.reset({ seed: 1.5 })).toThrow(/cartpole-balance\.reset: seed: expected a non-negative safe integer, got 1\.5/);
    expect(() => env.reset(7 as never)).toThrow(TypeError);
    env.reset();
    expect(() => env.render({ width: 0 })).toThrow(/cartpole-balance\.render: options\.width: expected an integer in \[1, 8192\], got 0/);
    env.close();
  });

  test('setState rejects states of another task or size, changing nothing', () => {
    const cartpole = makeEnv('cartpole-balance', { seed: 1 });
    const swingup = makeEnv('cartpole-swingup', { seed: 1 });
    cartpole.reset();
    swingup.reset();
    const state = cartpole.getState();
    expect(() => swingup.setState(state)).toThrow(/cartpole-swingup\.setState: state\.task: expected "cartpole-swingup", got "cartpole-balance"/);
    const before = swingup.getState();
    const own = swingup.getState();
    expect(() => swingup.setState({ ...own, physics: own.physics.subarray(1) })).toThrow(RangeError);
    expect(() => swingup.setState({ ...own, physics: Array.from(own.physics) as never })).toThrow(/state\.physics: expected a Float64Array, got Array/);
    expect(() => swingup.setState({ ...own, elapsedSteps: 501 })).toThrow(/state\.elapsedSteps: expected an integer in \[0, 500\], got 501/);
    expect(() => swingup.setState(null as never)).toThrow(TypeError);
    expect(swingup.getState()).toEqual(before);
    cartpole.close();
    swingup.close();
  });
});
