/**
 * One `MjData` on a {@link CompiledModel}: the mutable physics state of one environment copy,
 * with typed-array views of the arrays the tasks read and DMC's stepping and reset semantics.
 */
import type { DoubleBuffer, MjData } from '@mujoco/mujoco';
import type { CompiledModel } from './model.js';

/**
 * Views of `MjData` arrays (Float64Array onto wasm memory). Any allocation that grows wasm
 * memory detaches every existing view (its length drops to 0), so they are only reached
 * through {@link Simulation.views}, which re-fetches them when that has happened.
 */
export interface DataViews {
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly ctrl: Float64Array;
  /** Body frame origins, 3 per body. */
  readonly xpos: Float64Array;
  /** Body frame orientations, row-major 3×3 per body. */
  readonly xmat: Float64Array;
  /** Body centres of mass, 3 per body. */
  readonly xipos: Float64Array;
  readonly geomXpos: Float64Array;
  readonly geomXmat: Float64Array;
  readonly siteXpos: Float64Array;
  readonly sensordata: Float64Array;
  /** Centre of mass of each body's subtree, 3 per body. */
  readonly subtreeCom: Float64Array;
}

/** Offsets into a row-major 3×3 rotation matrix, named as DMC names them (`xmat['zz']`). */
export const XX = 0;
export const XZ = 2;
export const ZZ = 8;

/** Owns one `MjData` (and a state buffer); {@link Simulation.delete} frees them. */
export class Simulation {
  readonly compiled: CompiledModel;
  readonly data: MjData;
  /** Scratch for `mj_getState`, which only writes into an embind `DoubleBuffer`. */
  private readonly stateBuffer: DoubleBuffer;
  private cachedViews: DataViews;
  private deleted = false;

  constructor(compiled: CompiledModel) {
    this.compiled = compiled;
    const mj = compiled.mj;
    this.data = new mj.MjData(compiled.model);
    try {
      this.stateBuffer = new mj.DoubleBuffer(compiled.integrationStateSize);
    } catch (error) {
      this.data.delete();
      throw error;
    }
    this.cachedViews = this.fetchViews();
  }

  /** Live views of the data arrays, re-fetched if wasm memory grew since the last call. */
  get views(): DataViews {
    // A detached ArrayBuffer reports byteLength 0; wasm memory itself never does.
    if (this.cachedViews.qpos.buffer.byteLength === 0) this.cachedViews = this.fetchViews();
    return this.cachedViews;
  }

  /** Simulation time in seconds. */
  get time(): number {
    return this.data.time;
  }

  set time(value: number) {
    this.data.time = value;
  }

  /** Number of active contacts (after the last forward or step1). */
  get contactCount(): number {
    return this.data.ncon;
  }

  /** `mj_resetData` then a forward pass with actuation disabled (DMC `Physics.reset`). */
  reset(): void {
    this.compiled.mj.mj_resetData(this.compiled.model, this.data);
    this.forward();
  }

  /**
   * `mj_forward` with actuation disabled (DMC `Physics.after_reset`): brings every derived
   * quantity up to date with qpos/qvel without meaningful controls.
   */
  forward(): void {
    const compiled = this.compiled;
    compiled.setActuationDisabled(true);
    try {
      compiled.mj.mj_forward(compiled.model, this.data);
    } finally {
      compiled.setActuationDisabled(false);
    }
  }

  /**
   * Advances `substeps` physics steps as DMC's legacy `Physics.step` does: for Euler, finish
   * the step begun by the previous `mj_step1` with `mj_step2`; then `mj_step`; and end with
   * `mj_step1` so positions, velocities and position/velocity sensors match the new state.
   */
  step(substeps: number): void {
    const { mj, model, usesRk4 } = this.compiled;
    const data = this.data;
    let remaining = substeps;
    if (!usesRk4) {
      mj.mj_step2(model, data);
      remaining--;
    }
    for (; remaining > 0; remaining--) mj.mj_step(model, data);
    mj.mj_step1(model, data);
  }

  /** A copy of the `mjSTATE_INTEGRATION` state (time, qpos, qvel, act, warmstart, ctrl, ...). */
  getState(): Float64Array {
    const mj = this.compiled.mj;
    mj.mj_getState(this.compiled.model, this.data, this.stateBuffer, mj.mjtState.mjSTATE_INTEGRATION.value);
    return new Float64Array(this.stateBuffer.GetView() as Float64Array);
  }

  /**
   * Restores a state from {@link Simulation.getState}, then recomputes the derived quantities
   * (as after a reset), so the next {@link Simulation.step} continues bit-identically.
   */
  setState(state: Float64Array): void {
    const mj = this.compiled.mj;
    mj.mj_setState(this.compiled.model, this.data, state as unknown as number[], mj.mjtState.mjSTATE_INTEGRATION.value);
    this.forward();
  }

  /** Frees the data. Idempotent. The model belongs to the caller. */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.stateBuffer.delete();
    this.data.delete();
  }

  private fetchViews(): DataViews {
    const d = this.data;
    return {
      qpos: d.qpos,
      qvel: d.qvel,
      ctrl: d.ctrl,
      xpos: d.xpos,
      xmat: d.xmat,
      xipos: d.xipos,
      geomXpos: d.geom_xpos,
      geomXmat: d.geom_xmat,
      siteXpos: d.site_xpos,
      sensordata: d.sensordata,
      subtreeCom: d.subtree_com,
    };
  }
}
