/**
 * What a DMC task contributes to an environment: its model, its timing, and how it starts an
 * episode, observes and rewards. The episode loop itself (action repeat, time limit, state)
 * lives in {@link ./episode.ts} and is the same for every task.
 */
import type { CompiledModel } from './model.js';
import type { RenderView } from './render/svg.js';
import type { Rng } from './rng.js';
import type { Simulation } from './simulation.js';

/** A task, before it is bound to a compiled model. */
export interface TaskDefinition {
  /** `domain-task`, e.g. `cartpole-swingup` (the suite's `ball_in_cup` domain is `cup`). */
  readonly name: string;
  /** MJCF of the domain, with DMC's physical parameters. */
  readonly xml: string;
  /** DMC's control timestep in seconds: the physics timestep × DMC's `n_sub_steps`. */
  readonly controlTimestep: number;
  /** DMC's episode length in seconds (`_DEFAULT_TIME_LIMIT`). */
  readonly timeLimit: number;
  /** Length of the concatenated observation vector. */
  readonly observationSize: number;
  /**
   * Per-episode task parameters kept outside MuJoCo, where DMC edits the model instead (the
   * reacher's target position); 0 for most tasks. They are part of the saved env state.
   */
  readonly parameterCount: number;
  /** How {@link ./render/svg.ts} frames the scene. */
  readonly view: RenderView;
  /** Resolves names to ids once per compiled model. */
  bind(model: CompiledModel): BoundTask;
}

/** A task bound to a compiled model; stateless apart from what it is passed. */
export interface BoundTask {
  /**
   * Sets the initial state (DMC `initialize_episode`). Called on freshly reset data; may step
   * the physics. `params` receives the episode's task parameters.
   */
  initializeEpisode(sim: Simulation, rng: Rng, params: Float64Array): void;
  /** Writes the observation (DMC `get_observation`, entries concatenated in order) at `out[offset..]`. */
  observe(sim: Simulation, params: Float64Array, out: Float32Array, offset: number): void;
  /** DMC `get_reward` for the current state, in [0, 1]. */
  reward(sim: Simulation, params: Float64Array): number;
  /**
   * World positions of geoms whose placement is a task parameter (drawn there instead of
   * where the shared model puts them), or undefined.
   */
  geomPositions?(params: Float64Array): ReadonlyMap<number, readonly [number, number, number]>;
}
