/**
 * N copies of one task stepped together, for a batched agent: one MuJoCo module, one MjModel,
 * N MjData. Observations and actions are flat Float32Arrays, row i belonging to copy i.
 *
 * Autoreset follows Gymnasium's default ("next step"): the step that ends an episode returns
 * its last observation with `truncated` set; on the following `step` that copy ignores its
 * action, resets, and returns the first observation of a new episode with reward 0 and both
 * flags false.
 */
import { ACTION_REPEAT, Episode } from './episode.js';
import { CompiledModel } from './model.js';
import { requireMujoco } from './mujoco.js';
import { frameSize, resetSeed, seedOption } from './options.js';
import { taskDefinition, type MakeEnvOptions } from './registry.js';
import { batchedBox, box } from './spaces.js';
import type { TaskDefinition } from './task.js';
import type { Box, EnvState, RenderOptions, ResetOptions, VectorEnv } from './types.js';
import { checkActionVector, describeType } from './validate.js';

/** Per-copy facts of a vector step. */
export interface VectorInfo {
  /** Decisions taken in each copy's current episode. */
  readonly elapsedSteps: Int32Array;
}

/** What {@link DmcVectorEnv.reset} returns. */
export interface VectorResetResult {
  /** `numEnvs × observationSize` first observations, row-major. */
  readonly obs: Float32Array;
  readonly info: VectorInfo;
}

/** What {@link DmcVectorEnv.step} returns. All arrays are fresh and may be kept. */
export interface VectorStepResult {
  /** `numEnvs × observationSize` observations, row-major. */
  readonly obs: Float32Array;
  /** Per-copy reward (summed over the action repeat); 0 for a copy that autoreset. */
  readonly rewards: Float64Array;
  /** Per-copy 1/0; always 0 for the DMC tasks (no terminal states). */
  readonly terminated: Uint8Array;
  /** Per-copy 1 when this step reached the time limit. */
  readonly truncated: Uint8Array;
  readonly info: VectorInfo;
}

const MAX_COPIES = 4096;

/** `numEnvs` copies of a DMC task ({@link VectorEnv}). Create it with {@link makeVectorEnv}. */
export class DmcVectorEnv implements VectorEnv<EnvState> {
  readonly name: string;
  readonly numEnvs: number;
  /** Space of one copy's observation, shape `[observationSize]`. */
  readonly singleObservationSpace: Box;
  /** Space of one copy's action, shape `[actionSize]`, in [-1, 1]. */
  readonly singleActionSpace: Box;
  /** Batched observation space, shape `[numEnvs, observationSize]`, bounds flattened row-major. */
  readonly observationSpace: Box;
  /** Batched action space, shape `[numEnvs, actionSize]`, bounds flattened row-major. */
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  readonly actionRepeat = ACTION_REPEAT;
  private readonly observationSize: number;
  private readonly actionSize: number;
  private compiled: CompiledModel | undefined;
  private episodes: Episode[] = [];
  private started = false;

  /** @internal Use {@link makeVectorEnv}. */
  constructor(definition: TaskDefinition, numEnvs: number, seed: number) {
    const mj = requireMujoco('makeVectorEnv');
    this.name = definition.name;
    this.numEnvs = numEnvs;
    const compiled = new CompiledModel(mj, definition.xml);
    try {
      const task = definition.bind(compiled);
      for (let i = 0; i < numEnvs; i++) this.episodes.push(new Episode(definition, compiled, task, seed + i));
    } catch (error) {
      for (const episode of this.episodes) episode.delete();
      compiled.delete();
      throw error;
    }
    this.compiled = compiled;
    this.observationSize = definition.observationSize;
    this.actionSize = compiled.nu;
    this.maxEpisodeSteps = this.episodes[0]!.maxEpisodeSteps;
    this.singleObservationSpace = box(this.observationSize, -Infinity, Infinity);
    this.singleActionSpace = box(this.actionSize, -1, 1);
    this.observationSpace = batchedBox(numEnvs, this.observationSize, -Infinity, Infinity);
    this.actionSpace = batchedBox(numEnvs, this.actionSize, -1, 1);
  }

  /**
   * Starts an episode in every copy. With `seed`, copy i restarts its random stream from
   * `seed + i`; without, every stream continues.
   */
  reset(options?: ResetOptions): VectorResetResult {
    const episodes = this.open('reset');
    const seed = resetSeed(options, `${this.name}×${this.numEnvs}.reset`);
    const obs = new Float32Array(this.numEnvs * this.observationSize);
    episodes.forEach((episode, i) => episode.reset(seed === undefined ? undefined : seed + i, obs, i * this.observationSize));
    this.started = true;
    return { obs, info: { elapsedSteps: new Int32Array(this.numEnvs) } };
  }

  /**
   * Steps every copy with its row of `actions` (values outside [-1, 1] are clipped); copies
   * whose episode ended on the previous step reset instead.
   * @param actions `numEnvs × actionSize` values, row-major: a Float32Array, Float64Array or number[]
   * @throws TypeError or RangeError (naming the copy and index) for bad actions; nothing is stepped then.
   */
  step(actions: ArrayLike<number>): VectorStepResult {
    const episodes = this.open('step');
    const where = `${this.name}×${this.numEnvs}.step`;
    const values = checkActionVector(
      actions,
      this.numEnvs * this.actionSize,
      where,
      'actions',
      `${this.numEnvs} envs × ${this.actionSize}`,
    );
    if (!this.started) throw new Error(`${where}: call reset() before the first step`);
    const obs = new Float32Array(this.numEnvs * this.observationSize);
    const rewards = new Float64Array(this.numEnvs);
    const truncated = new Uint8Array(this.numEnvs);
    const elapsedSteps = new Int32Array(this.numEnvs);
    episodes.forEach((episode, i) => {
      const offset = i * this.observationSize;
      if (!episode.isRunning) {
        episode.reset(undefined, obs, offset);
      } else {
        rewards[i] = episode.step(values, i * this.actionSize, obs, offset);
        truncated[i] = episode.isRunning ? 0 : 1;
      }
      elapsedSteps[i] = episode.elapsedSteps;
    });
    return { obs, rewards, terminated: new Uint8Array(this.numEnvs), truncated, info: { elapsedSteps } };
  }

  /** Copies of every copy's state (see {@link DmcEnv.getState}). */
  getState(): EnvState[] {
    return this.open('getState').map((episode) => episode.getState());
  }

  /**
   * Restores states from {@link DmcVectorEnv.getState} (or single envs of the same task); copies
   * at the time limit autoreset on the next step.
   */
  setState(states: readonly EnvState[]): void {
    const episodes = this.open('setState');
    const where = `${this.name}×${this.numEnvs}.setState`;
    if (!Array.isArray(states) || states.length !== this.numEnvs) {
      throw new RangeError(`${where}: states: expected an array of ${this.numEnvs} EnvStates, got ${describeType(states)}`);
    }
    const checked = states.map((state, i) => episodes[i]!.checkState(state, `${where}: states[${i}]`));
    checked.forEach((state, i) => episodes[i]!.setState(state));
    this.started = true;
  }

  /** An SVG image of copy `index`'s scene. */
  render(index = 0, options?: RenderOptions): string {
    const episodes = this.open('render');
    const where = `${this.name}×${this.numEnvs}.render`;
    if (!Number.isInteger(index) || index < 0 || index >= this.numEnvs) {
      throw new RangeError(`${where}: index: expected an integer in [0, ${this.numEnvs - 1}], got ${String(index)}`);
    }
    return episodes[index]!.render(frameSize(options, where));
  }

  /** Frees every MjData and the model. Idempotent; any other call afterwards throws. */
  close(): void {
    for (const episode of this.episodes) episode.delete();
    this.episodes = [];
    this.compiled?.delete();
    this.compiled = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private open(method: string): Episode[] {
    if (this.compiled === undefined) throw new Error(`${this.name}×${this.numEnvs}.${method}: the vector environment is closed`);
    return this.episodes;
  }
}

/**
 * Creates `numEnvs` copies of a task sharing one model. Copy i uses seed `seed + i`, so it
 * matches `makeEnv(name, { seed: seed + i })`. Synchronous: `await loadMujoco()` once before.
 * @throws RangeError when `numEnvs` is not an integer in [1, 4096]; as {@link makeEnv} otherwise.
 */
export function makeVectorEnv(name: string, numEnvs: number, options?: MakeEnvOptions): DmcVectorEnv {
  const definition = taskDefinition(name, 'makeVectorEnv');
  if (!Number.isInteger(numEnvs) || numEnvs < 1 || numEnvs > MAX_COPIES) {
    throw new RangeError(`makeVectorEnv: numEnvs: expected an integer in [1, ${MAX_COPIES}], got ${String(numEnvs)}`);
  }
  const seed = seedOption(options, 'makeVectorEnv');
  return new DmcVectorEnv(definition, numEnvs, seed);
}
