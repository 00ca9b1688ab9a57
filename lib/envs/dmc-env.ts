/** A single DMC task environment: one MjModel and one MjData. */
import { ACTION_REPEAT, Episode } from './episode.js';
import { CompiledModel } from './model.js';
import type { Mujoco } from './mujoco.js';
import { frameSize, resetSeed } from './options.js';
import { box } from './spaces.js';
import type { TaskDefinition } from './task.js';
import type { Box, Env, EnvState, RenderOptions, ResetOptions, ResetResult, StepResult } from './types.js';
import { checkActionVector } from './validate.js';

/**
 * A DMC task as a Gymnasium-like {@link Env}. Create it with {@link makeEnv}.
 *
 * Each decision applies the action for {@link ACTION_REPEAT} DMC control steps and sums their
 * rewards; an episode is DMC's 1000 control steps, so 500 decisions, after which `truncated`
 * is true and `step` requires a `reset`.
 */
export class DmcEnv implements Env<EnvState> {
  readonly name: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  readonly actionRepeat = ACTION_REPEAT;
  private readonly definition: TaskDefinition;
  private compiled: CompiledModel | undefined;
  private episode: Episode | undefined;

  /** @internal Use {@link makeEnv}. */
  constructor(mj: Mujoco, definition: TaskDefinition, seed: number) {
    this.definition = definition;
    this.name = definition.name;
    const compiled = new CompiledModel(mj, definition.xml);
    try {
      this.episode = new Episode(definition, compiled, definition.bind(compiled), seed);
    } catch (error) {
      compiled.delete();
      throw error;
    }
    this.compiled = compiled;
    this.maxEpisodeSteps = this.episode.maxEpisodeSteps;
    this.observationSpace = box(definition.observationSize, -Infinity, Infinity);
    this.actionSpace = box(compiled.nu, -1, 1);
  }

  reset(options?: ResetOptions): ResetResult {
    const episode = this.open('reset');
    const seed = resetSeed(options, `${this.name}.reset`);
    const obs = new Float32Array(this.definition.observationSize);
    episode.reset(seed, obs, 0);
    return { obs, info: { elapsedSteps: 0 } };
  }

  step(action: ArrayLike<number>): StepResult {
    const episode = this.open('step');
    const where = `${this.name}.step`;
    const values = checkActionVector(action, this.actionSpace.shape[0]!, where, 'action');
    if (!episode.isRunning) {
      throw new Error(
        episode.elapsedSteps >= this.maxEpisodeSteps
          ? `${where}: the episode ended at the time limit (${this.maxEpisodeSteps} steps); call reset()`
          : `${where}: no episode is running; call reset() first`,
      );
    }
    const obs = new Float32Array(this.definition.observationSize);
    const reward = episode.step(values, 0, obs, 0);
    return {
      obs,
      reward,
      terminated: false,
      truncated: !episode.isRunning,
      info: { elapsedSteps: episode.elapsedSteps },
    };
  }

  getState(): EnvState {
    return this.open('getState').getState();
  }

  setState(state: EnvState): Float32Array {
    const episode = this.open('setState');
    episode.setState(episode.checkState(state, `${this.name}.setState`));
    const obs = new Float32Array(this.definition.observationSize);
    episode.copyObservation(obs, 0);
    return obs;
  }

  render(options?: RenderOptions): string {
    const episode = this.open('render');
    const size = frameSize(options, `${this.name}.render`);
    return episode.render(size);
  }

  close(): void {
    this.episode?.delete();
    this.compiled?.delete();
    this.episode = undefined;
    this.compiled = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private open(method: string): Episode {
    if (this.episode === undefined) throw new Error(`${this.name}.${method}: the environment is closed`);
    return this.episode;
  }
}
