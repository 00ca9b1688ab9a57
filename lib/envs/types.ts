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

/** What {@link Env.reset} returns. */
export interface ResetResult {
  /** First observation of the episode. A fresh array the caller may keep. */
  readonly obs: Float32Array;
  readonly info: EnvInfo;
}

/** What {@link Env.step} returns. */
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
 * A snapshot of everything that determines an environment's future: MuJoCo's
 * `mjSTATE_INTEGRATION` state, the task parameters, the random stream and the episode clock.
 * Restoring it with {@link Env.setState} makes later steps bit-identical to the original ones.
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

/** A Gymnasium-like environment. */
export interface Env {
  /** Task name, e.g. `cartpole-swingup`. */
  readonly name: string;
  /** Observations: float32 vectors, unbounded. */
  readonly observationSpace: Box;
  /** Actions: float32 vectors in [-1, 1], rescaled to the actuators' control ranges. */
  readonly actionSpace: Box;
  /** Decisions per episode before `truncated` (500 for DMC tasks with action repeat 2). */
  readonly maxEpisodeSteps: number;
  /** Control steps per decision; the reward is summed over them. */
  readonly actionRepeat: number;
  /** Starts an episode. */
  reset(options?: ResetOptions): ResetResult;
  /**
   * Applies `action` for {@link Env.actionRepeat} control steps.
   * Values outside [-1, 1] are clipped.
   * @throws TypeError when `action` is not a Float32Array, Float64Array or array of numbers.
   * @throws RangeError when its length is wrong or a value is not finite. The state is unchanged.
   * @throws Error when no episode is running (call `reset()` first, also after the time limit).
   */
  step(action: ArrayLike<number>): StepResult;
  /** A copy of the current state. */
  getState(): EnvState;
  /** Restores a state from {@link Env.getState}; returns the observation saved with it. */
  setState(state: EnvState): Float32Array;
  /** An SVG image of the current scene. */
  render(options?: RenderOptions): string;
  /** Frees the MuJoCo objects. Idempotent; any other call afterwards throws. */
  close(): void;
}

/** Options of {@link Env.render}. */
export interface RenderOptions {
  /** Image width in pixels. @defaultValue `320` */
  width?: number;
  /** Image height in pixels. @defaultValue `240` */
  height?: number;
}
