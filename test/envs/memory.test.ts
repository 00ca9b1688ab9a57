/**
 * Memory discipline: every MuJoCo object an environment creates is freed by close(). WebAssembly
 * memory never shrinks, so a leaked MjModel/MjData (tens to hundreds of KB each) shows up as
 * RSS growth: without the close() calls this loop grows RSS by about 280 MB.
 */
import { beforeAll, expect, test } from 'vitest';
import { loadMujoco, makeEnv, makeVectorEnv } from '../../lib/envs/index.js';

beforeAll(async () => {
  await loadMujoco();
});

const TASKS = ['walker-walk', 'cartpole-swingup', 'finger-spin', 'reacher-easy'];
const CYCLES = 1000;
const WARM_UP = 100;
/** RSS may grow by at most this much over the 1000 measured cycles. */
const MAX_GROWTH_MB = 50;

/** Creates an env (every tenth a 4-copy vector env), uses every method, and closes it. */
function cycle(i: number): void {
  const task = TASKS[i % TASKS.length]!;
  const env = i % 10 === 9 ? makeVectorEnv(task, 4, { seed: i }) : makeEnv(task, { seed: i });
  try {
    env.reset();
    const action = new Float32Array(env.actionSpace.low.length).fill(0.5);
    for (let t = 0; t < 3; t++) env.step(action);
    env.getState();
    env.render();
  } finally {
    env.close();
  }
}

test(`${CYCLES} create/use/close cycles leave RSS flat (growth < ${MAX_GROWTH_MB} MB after warm-up)`, () => {
  for (let i = 0; i < WARM_UP; i++) cycle(i);
  const before = process.memoryUsage().rss;
  for (let i = 0; i < CYCLES; i++) cycle(i);
  const growthMb = (process.memoryUsage().rss - before) / 2 ** 20;
  console.info(`RSS growth over ${CYCLES} env create/close cycles: ${growthMb.toFixed(1)} MB`);
  expect(growthMb).toBeLessThan(MAX_GROWTH_MB);
});

test('an env keeps working after other allocations grow wasm memory (its views are re-fetched)', async () => {
  const mj = await loadMujoco();
  const { CompiledModel } = await import('../../lib/envs/model.js');
  const action = new Float32Array(6).fill(0.3);
  const trajectory = (env: ReturnType<typeof makeEnv>): number[][] => Array.from({ length: 10 }, () => Array.from(env.step(action).obs));

  const reference = makeEnv('walker-walk', { seed: 8 });
  reference.reset();
  const expected = trajectory(reference);
  reference.close();

  const env = makeEnv('walker-walk', { seed: 8 });
  env.reset();
  // A raw view taken now detaches (length 0) once memory grows: the premise of this test.
  const probe = new CompiledModel(mj, '<mujoco><worldbody><body><joint/><geom size="1"/></body></worldbody></mujoco>');
  const probeData = new mj.MjData(probe.model);
  const probeView = probeData.qpos as Float64Array;
  const hogs = [];
  while (probeView.length !== 0 && hogs.length < 200) hogs.push(makeVectorEnv('walker-walk', 16, { seed: 0 }));
  try {
    expect(probeView.length).toBe(0);
    expect(trajectory(env)).toEqual(expected);
  } finally {
    hogs.forEach((hog) => hog.close());
    probeData.delete();
    probe.delete();
    env.close();
  }
});
