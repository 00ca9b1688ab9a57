/**
 * The episode loop of one environment copy, shared by {@link ./dmc-env.ts} and
 * {@link ./vector-env.ts}: DMC's `control.Environment` (control steps of `n_sub_steps`
 * physics steps, the time limit) with TD-MPC2's action repeat on top.
 */
import type { CompiledModel } from './model.js';
import { renderSvg, type FrameSize } from './render/svg.js';
import { Rng } from './rng.js';
import { Simulation } from './simulation.js';
import type { BoundTask, TaskDefinition } from './task.js';
import type { EnvState } from './types.js';
import { checkEnvState } from './validate.js';

/** Control steps per decision, with the reward summed over them (TD-MPC2's DMC setting). */
export const ACTION_REPEAT = 2;

/**
 * Physics steps per control step (DMC `compute_n_steps`).
 * @throws RangeError when the control timestep is not a whole multiple of the physics timestep.
 */
export function substepsPerControlStep(controlTimestep: number, physicsTimestep: number): number {
  const ratio = controlTimestep / physicsTimestep;
  const rounded = Math.round(ratio);
  if (rounded < 1 || Math.abs(ratio - rounded) > 1e-8) {
    throw new RangeError(
      `control timestep ${controlTimestep} is not a positive whole multiple of the physics timestep ${physicsTimestep}`,
    );
  }
  return rounded;
}

/** Decisions per episode: DMC's control steps per episode divided by the action repeat. */
export function decisionsPerEpisode(definition: TaskDefinition): number {
  return Math.round(definition.timeLimit / definition.controlTimestep / ACTION_REPEAT);
}

/** One environment copy: an `MjData`, its task parameters, random stream and episode clock. */
export class Episode {
  readonly definition: TaskDefinition;
  readonly sim: Simulation;
  private readonly task: BoundTask;
  private readonly rng: Rng;
  private readonly parameters: Float64Array;
  /** Observation last returned; kept for {@link Episode.getState}. */
  private readonly observation: Float32Array;
  /** Centre and half-width of each actuator's control range, for rescaling [-1, 1]. */
  private readonly ctrlCentre: Float64Array;
  private readonly ctrlHalfRange: Float64Array;
  private readonly substeps: number;
  readonly maxEpisodeSteps: number;
  private elapsed = 0;
  private running = false;

  constructor(definition: TaskDefinition, compiled: CompiledModel, task: BoundTask, seed: number) {
    this.definition = definition;
    this.task = task;
    this.substeps = substepsPerControlStep(definition.controlTimestep, compiled.timestep);
    this.maxEpisodeSteps = decisionsPerEpisode(definition);
    this.rng = new Rng(seed);
    this.parameters = new Float64Array(definition.parameterCount);
    this.observation = new Float32Array(definition.observationSize);
    this.ctrlCentre = new Float64Array(compiled.nu);
    this.ctrlHalfRange = new Float64Array(compiled.nu);
    for (let i = 0; i < compiled.nu; i++) {
      const low = compiled.ctrlRange[2 * i]!;
      const high = compiled.ctrlRange[2 * i + 1]!;
      // centre + a·half maps [-1, 1] onto [low, high] and is exact (ctrl == a) for [-1, 1].
      this.ctrlCentre[i] = (low + high) / 2;
      this.ctrlHalfRange[i] = (high - low) / 2;
    }
    this.sim = new Simulation(compiled);
  }

  /** Decisions taken in this episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  /** True between a reset and the time limit. */
  get isRunning(): boolean {
    return this.running;
  }

  /** An SVG frame of the current scene, framed as the task's view says. */
  render(size: FrameSize): string {
    return renderSvg(this.sim, this.definition.view, size, this.task.geomPositions?.(this.parameters));
  }

  /**
   * Starts an episode as DMC's `Environment.reset` does: reset data, `initialize_episode`,
   * then a forward pass; `seed` restarts the random stream first.
   * Writes the first observation at `out[offset..]`.
   */
  reset(seed: number | undefined, out: Float32Array, offset: number): void {
    if (seed !== undefined) this.rng.reseed(seed);
    this.parameters.fill(0);
    this.sim.reset();
    this.task.initializeEpisode(this.sim, this.rng, this.parameters);
    this.sim.forward();
    this.elapsed = 0;
    this.running = true;
    this.observe(out, offset);
  }

  /**
   * Applies an already validated action (finite values, right length) for the action repeat
   * and writes the new observation at `out[offset..]`.
   * @returns the summed reward.
   */
  step(action: ArrayLike<number>, actionOffset: number, out: Float32Array, offset: number): number {
    const ctrl = this.sim.views.ctrl;
    for (let i = 0; i < ctrl.length; i++) {
      const a = Math.min(1, Math.max(-1, action[actionOffset + i]!));
      ctrl[i] = this.ctrlCentre[i]! + a * this.ctrlHalfRange[i]!;
    }
    let reward = 0;
    for (let repeat = 0; repeat < ACTION_REPEAT; repeat++) {
      this.sim.step(this.substeps);
      reward += this.task.reward(this.sim, this.parameters);
    }
    this.elapsed++;
    if (this.elapsed >= this.maxEpisodeSteps) this.running = false;
    this.observe(out, offset);
    return reward;
  }

  /** A copy of everything that determines the future of this copy. */
  getState(): EnvState {
    return {
      task: this.definition.name,
      physics: this.sim.getState(),
      taskParameters: this.parameters.slice(),
      rng: this.rng.getState(),
      elapsedSteps: this.elapsed,
      observation: this.observation.slice(),
    };
  }

  /**
   * Checks that `state` is an {@link EnvState} of this task with the right sizes.
   * @throws TypeError or RangeError naming the field, without changing anything.
   */
  checkState(state: unknown, where: string): EnvState {
    return checkEnvState(
      state,
      {
        task: this.definition.name,
        physicsLength: this.sim.compiled.integrationStateSize,
        parameterCount: this.definition.parameterCount,
        observationSize: this.definition.observationSize,
        maxEpisodeSteps: this.maxEpisodeSteps,
      },
      where,
    );
  }

  /** Restores a state that passed {@link Episode.checkState}. */
  setState(state: EnvState): void {
    this.sim.setState(state.physics);
    this.parameters.set(state.taskParameters);
    this.rng.setState(state.rng);
    this.elapsed = state.elapsedSteps;
    this.running = state.elapsedSteps < this.maxEpisodeSteps;
    this.observation.set(state.observation);
  }

  /** Copies the last observation to `out[offset..]`. */
  copyObservation(out: Float32Array, offset: number): void {
    out.set(this.observation, offset);
  }

  /** Frees the `MjData`. */
  delete(): void {
    this.sim.delete();
  }

  private observe(out: Float32Array, offset: number): void {
    this.task.observe(this.sim, this.parameters, this.observation, 0);
    out.set(this.observation, offset);
  }
}
