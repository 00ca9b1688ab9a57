import { beforeAll, describe, expect, test } from 'vitest';
import { loadMujoco, makeEnv, makeVectorEnv } from '../../lib/envs/index.js';
import { Rng } from '../../lib/envs/rng.js';

beforeAll(async () => {
  await loadMujoco();
});

/** Deterministic batched actions in [-1.2, 1.2] (some clipped). */
function actionStream(count: number, seed: number): () => Float32Array {
  const rng = new Rng(seed);
  return () => Float32Array.from({ length: count }, () => rng.uniform(-1.2, 1.2));
}

describe('VectorEnv', () => {
  test.each(['walker-walk', 'reacher-hard', 'finger-spin'])(
    '%s: copy i matches makeEnv(name, { seed: seed + i }) bit for bit, across an autoreset',
    (task) => {
      const n = 3;
      const vector = makeVectorEnv(task, n, { seed: 40 });
      const singles = Array.from({ length: n }, (_, i) => makeEnv(task, { seed: 40 + i }));
      try {
        const obsSize = vector.singleObservationSpace.shape[0]!;
        const actSize = vector.singleActionSpace.shape[0]!;
        expect(vector.observationSpace.shape).toEqual([n, obsSize]);
        expect(vector.actionSpace.shape).toEqual([n, actSize]);
        expect(vector.actionSpace.low.length).toBe(n * actSize);
        const next = actionStream(n * actSize, 5);
        const expectRows = (batched: Float32Array, rows: Float32Array[]) =>
          rows.forEach((row, i) => expect(Array.from(batched.subarray(i * obsSize, (i + 1) * obsSize))).toEqual(Array.from(row)));

        expectRows(vector.reset().obs, singles.map((env) => env.reset().obs));
        for (let t = 0; t < vector.maxEpisodeSteps; t++) {
          const actions = next();
          const batch = vector.step(actions);
          const results = singles.map((env, i) => env.step(actions.subarray(i * actSize, (i + 1) * actSize)));
          expectRows(batch.obs, results.map((r) => r.obs));
          expect(Array.from(batch.rewards)).toEqual(results.map((r) => r.reward));
          expect(Array.from(batch.truncated)).toEqual(results.map((r) => (r.truncated ? 1 : 0)));
          expect(Array.from(batch.terminated)).toEqual([0, 0, 0]);
          expect(Array.from(batch.info.elapsedSteps)).toEqual(new Array(n).fill(t + 1));
        }
        // Next step: every copy autoresets (its action is ignored), reward 0, flags clear, and
        // the new episode is the one a single env's reset() (stream continued) starts.
        const after = vector.step(next());
        expectRows(after.obs, singles.map((env) => env.reset().obs));
        expect(Array.from(after.rewards)).toEqual([0, 0, 0]);
        expect(Array.from(after.truncated)).toEqual([0, 0, 0]);
        expect(Array.from(after.info.elapsedSteps)).toEqual([0, 0, 0]);
        const actions = next();
        const batch = vector.step(actions);
        const results = singles.map((env, i) => env.step(actions.subarray(i * actSize, (i + 1) * actSize)));
        expectRows(batch.obs, results.map((r) => r.obs));
      } finally {
        vector.close();
        singles.forEach((env) => env.close());
      }
    },
  );

  test('reset({ seed }) seeds copy i with seed + i', () => {
    const vector = makeVectorEnv('cartpole-swingup', 4, { seed: 0 });
    const single = makeEnv('cartpole-swingup', { seed: 0 });
    const obs = vector.reset({ seed: 100 }).obs;
    for (let i = 0; i < 4; i++) expect(Array.from(obs.subarray(5 * i, 5 * i + 5))).toEqual(Array.from(single.reset({ seed: 100 + i }).obs));
    vector.close();
    single.close();
  });

  test('only copies that ended autoreset; the others keep stepping', () => {
    const vector = makeVectorEnv('pendulum-swingup', 2, { seed: 3 });
    vector.reset();
    const states = vector.getState();
    // Put copy 1 one decision before the time limit.
    const single = makeEnv('pendulum-swingup', { seed: 9 });
    single.reset();
    for (let t = 0; t < 499; t++) single.step([0.1]);
    vector.setState([states[0]!, single.getState()]);
    let result = vector.step([0.2, 0.2]);
    expect(Array.from(result.truncated)).toEqual([0, 1]);
    expect(Array.from(result.info.elapsedSteps)).toEqual([1, 500]);
    result = vector.step([0.2, 0.2]);
    expect(Array.from(result.truncated)).toEqual([0, 0]);
    expect(Array.from(result.info.elapsedSteps)).toEqual([2, 0]);
    expect(result.rewards[1]).toBe(0);
    vector.close();
    single.close();
  });

  test('bad actions throw naming the batch layout and step nothing', () => {
    const vector = makeVectorEnv('walker-run', 4, { seed: 1 });
    expect(() => vector.step(new Float32Array(24))).toThrow(/walker-run×4\.step: call reset\(\) before the first step/);
    vector.reset();
    const before = vector.getState();
    expect(() => vector.step(new Float32Array(23))).toThrow(/walker-run×4\.step: actions: expected length 24 \(4 envs × 6\), got 23/);
    const bad = new Float32Array(24);
    bad[13] = NaN;
    expect(() => vector.step(bad)).toThrow(/actions\[13\]: expected a finite number, got NaN/);
    expect(() => vector.step('x' as never)).toThrow(TypeError);
    expect(vector.getState()).toEqual(before);
    expect(() => vector.render(4)).toThrow(/index: expected an integer in \[0, 3\], got 4/);
    expect(() => vector.setState(before.slice(1))).toThrow(RangeError);
    vector.close();
    vector.close();
    expect(() => vector.reset()).toThrow(/closed/);
  });

  test('makeVectorEnv checks its arguments', () => {
    expect(() => makeVectorEnv('cartpole-swingup', 0)).toThrow(/makeVectorEnv: numEnvs: expected an integer in \[1, 4096\], got 0/);
    expect(() => makeVectorEnv('cartpole-swingup', 2.5)).toThrow(RangeError);
    expect(() => makeVectorEnv('cartpole-swingupp', 2)).toThrow(/makeVectorEnv: unknown task "cartpole-swingupp"; did you mean "cartpole-swingup"/);
  });
});
