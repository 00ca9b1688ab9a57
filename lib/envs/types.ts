/** Public types of the environment API (Gymnasium-like, DESIGN.md "Env"). */

/** A box of float32 values: every element lies in [low, high] (bounds may be infinite). */
export interface Box {
  /** Shape; `[n]` for every task here. */
  readonly shape: readonly number[];
  /** Lower bound per element. */
  readonly low: Float32Array;
  /** Upper bound per element. */
  readonly high: Float32Array;
  readonly dtype: 'float32';
}

/** Options of {@link Env.reset}. */
export interface ResetOptions {
  /**
   * Restarts the environment's random stream from this seed (a non-negative safe integer);
   * without it the stream continues, so consecutive episodes differ.
   */
  seed?: number;
}

/** Extra per-step facts. */
export interface EnvInfo {
  /** Decisions taken in this episode so far (0 after reset). */
  readonly elapsedSteps: number;
}

/** What {@link DmcEnv.reset} returns. */
export interface ResetResult {
  /** First observation of the episode. A fresh array the caller may keep. */
  readonly obs: Float32Array;
  readonly info: EnvInfo;
}

/** What {@link DmcEnv.step} returns. */
export interface StepResult {
  /** Observation after the step. A fresh array the caller may keep. */
  readonly obs: Float32Array;
  /** Sum of DMC's per-control-step rewards over the action repeat: in [0, actionRepeat]. */
  readonly reward: number;
  /** True when the task ended the episode; never for the DMC tasks here (they have no terminal states). */
  readonly terminated: boolean;
  /** True when the time limit ({@link Env.maxEpisodeSteps} decisions) is reached. */
  readonly truncated: boolean;
  readonly info: EnvInfo;
}

/**
 * A snapshot of everything that determines a DMC environment's future: MuJoCo's
 * `mjSTATE_INTEGRATION` state, the task parameters, the random stream and the episode clock.
 * Restoring it with {@link DmcEnv.setState} makes later steps bit-identical to the original ones.
 */
export interface EnvState {
  /** Task the state belongs to; `setState` rejects a state from another task. */
  readonly task: string;
  /** `mj_getState(..., mjSTATE_INTEGRATION)`. */
  readonly physics: Float64Array;
  /** Per-episode task parameters (e.g. the reacher's target position). */
  readonly taskParameters: Float64Array;
  /** State of the initial-state random generator. */
  readonly rng: Uint32Array;
  /** Decisions taken in the episode. */
  readonly elapsedSteps: number;
  /** The observation the environment last returned (some are stale sensor readings, as in DMC). */
  readonly observation: Float32Array;
}

/**
 * The environment contract (Gymnasium-like) that the {@link Trainer}, {@link evaluateAgent} and
 * the agent rely on. The built-in tasks ({@link makeEnv}) implement it; so can any object of
 * yours: a game, a robot bridge, a simulator written in TS.
 *
 * The contract, checked at run time by the trainer and evaluation (a broken env gets an error
 * naming the env, the call and the value, never silent garbage):
 * - Observations are flat float vectors of `observationSpace.shape[0]` finite values (a
 *   Float32Array, a Float64Array or a number[]; the caller copies them, so you may reuse yours).
 * - Actions are Float32Arrays of `actionSpace.shape[0]` values in [-1, 1], so `actionSpace.low`
 *   must be all −1 and `high` all +1. An env whose controls have other ranges: wrap it with
 *   {@link rescaleAction}, which maps [-1, 1] onto its bounds.
 * - `reward` is a finite number.
 * - `truncated`: the episode was cut by a time limit (the agent bootstraps through it);
 *   `terminated`: the task reached a terminal state. Training is non-episodic (SPEC §10; HEAD's
 *   `episodic=false`), so a `terminated` episode is refused with an error, as HEAD refuses it.
 *   An episode must end (truncate) within `maxEpisodeSteps` steps; after it ends the caller
 *   calls `reset` before stepping again.
 * - Seeding: `reset({ seed })` restarts the env's randomness from `seed`; `reset()` continues
 *   it. The trainer seeds copy i with `seed + i` at its first reset only.
 * - `getState`/`setState` (optional) snapshot and restore everything that determines the env's
 *   future; with them a resumed training run continues exactly, without them it starts a fresh
 *   episode at the checkpoint (checkpoints are taken at episode boundaries).
 */
export interface Env<State = unknown> {
  /** A name for logs and errors (and the default run directory). @defaultValue `'env'` */
  readonly name?: string;
  /** Observations: shape `[n]`. Bounds are informative only (they may be infinite). */
  readonly observationSpace: Box;
  /** Actions: shape `[n]`, bounds exactly [-1, 1] (see {@link rescaleAction}). */
  readonly actionSpace: Box;
  /** The most decisions an episode takes; by then the env must report `truncated`. */
  readonly maxEpisodeSteps: number;
  /** Starts an episode (seeded when `options.seed` is given). */
  reset(options?: ResetOptions): { readonly obs: ArrayLike<number>; readonly info?: unknown };
  /** Applies one action. */
  step(action: Float32Array): {
    readonly obs: ArrayLike<number>;
    readonly reward: number;
    readonly terminated: boolean;
    readonly truncated: boolean;
    readonly info?: unknown;
  };
  /** Optional: a snapshot of everything that determines the env's future (JSON-serialisable for resumable runs). */
  getState?(): State;
  /** Optional: restores a snapshot from {@link Env.getState}. */
  setState?(state: State): unknown;
  /** Optional: frees resources; the trainer calls it for envs it made from a factory. */
  close?(): void;
}

/** Makes environment copy `index` (0-based); the trainer and evaluation call it for every copy they need. */
export type EnvFactory = (index: number) => Env;

/**
 * N environments stepped together with flat row-major arrays ({@link makeVectorEnv}'s DMC copies,
 * {@link SyncVectorEnv} over your own {@link Env}s, or your own implementation).
 *
 * Autoreset follows Gymnasium's default ("next step"): the step that ends a copy's episode returns
 * its last observation with the flag set; on the following `step` that copy ignores its action,
 * resets and returns the first observation of a new episode with reward 0 and both flags 0.
 */
export interface VectorEnv<State = unknown> {
  /** A name for logs and errors. @defaultValue `'env'` */
  readonly name?: string;
  readonly numEnvs: number;
  /** One copy's observation space, shape `[n]`. */
  readonly singleObservationSpace: Box;
  /** One copy's action space, shape `[n]`, bounds exactly [-1, 1]. */
  readonly singleActionSpace: Box;
  readonly maxEpisodeSteps: number;
  /** Starts an episode in every copy; with `seed`, copy i is seeded `seed + i`. */
  reset(options?: ResetOptions): { readonly obs: ArrayLike<number> };
  /** Steps every copy with its row of `actions` (`numEnvs × actionSize`). */
  step(actions: Float32Array): {
    readonly obs: ArrayLike<number>;
    readonly rewards: ArrayLike<number>;
    readonly terminated: ArrayLike<number | boolean>;
    readonly truncated: ArrayLike<number | boolean>;
  };
  /** Optional: every copy's snapshot (see {@link Env.getState}). */
  getState?(): State[];
  /** Optional: restores snapshots from {@link VectorEnv.getState}. */
  setState?(states: readonly State[]): void;
  close?(): void;
}

/** Options of {@link DmcEnv.render}. */
export interface RenderOptions {
  /** Image width in pixels. @defaultValue `320` */
  width?: number;
  /** Image height in pixels. @defaultValue `240` */
  height?: number;
}
