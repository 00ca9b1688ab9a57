/**
 * DeepMind Control Suite tasks on the MuJoCo WebAssembly build, with a Gymnasium-like API.
 *
 * ```ts
 * import { loadMujoco, makeEnv } from './envs/index.js';
 * await loadMujoco();                       // once per process (or worker thread)
 * const env = makeEnv('cartpole-swingup', { seed: 1 });
 * let { obs } = env.reset();
 * const { obs: next, reward, truncated } = env.step(new Float32Array([0.5]));
 * env.close();
 * ```
 */
export { loadMujoco, type Mujoco } from './mujoco.js';
export { listTasks, makeEnv, type MakeEnvOptions } from './registry.js';
export { DmcEnv } from './dmc-env.js';
export {
  makeVectorEnv,
  DmcVectorEnv,
  type VectorInfo,
  type VectorResetResult,
  type VectorStepResult,
} from './vector-env.js';
export { renderEpisode, writeEpisodeSvg, type EpisodeSvgOptions } from './render/episode.js';
export { tolerance, type Sigmoid, type ToleranceOptions } from './rewards.js';
export { SyncVectorEnv, rescaleAction } from './user-env.js';
export { box } from './spaces.js';
export type {
  Box,
  Env,
  EnvFactory,
  VectorEnv,
  EnvInfo,
  EnvState,
  RenderOptions,
  ResetOptions,
  ResetResult,
  StepResult,
} from './types.js';
