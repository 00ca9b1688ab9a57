// The MPPI planner (SPEC §8) as a TypeScript class over the native planner
// (native/include/tdmpc2/planner.h, docs/planner.md): one native call plans for B environments,
// reading the world model's parameter buffers in place; the warm-start means and each
// environment's Philox address live in the native object between calls.
import type { ResolvedConfig } from '../config.js';
import type { WorldModel } from '../model/world-model.js';
import { addon, type TensorHandle } from '../native.js';
import { deviceId } from '../nn/device.js';
import type { RngState } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';

/** An opaque native planner handle (a type-tagged N-API external). */
export interface PlannerHandle {
  readonly __tdmpc2PlannerHandle: unique symbol;
}

/** Per-layer element offsets of a network's flat parameter buffer, as the native side computes them. */
export interface NativeLayerLayout {
  in: number;
  out: number;
  /** 0 none, 1 LayerNorm+Mish, 2 LayerNorm+SimNorm. */
  epilogue: number;
  weight: number;
  bias: number;
  /** −1 for the plain output layer. */
  lnWeight: number;
  lnBias: number;
}

export interface NativeMlpLayout {
  members: number;
  size: number;
  layers: NativeLayerLayout[];
}

/** Block offsets of one plan call's Philox draws, relative to the env's offset (docs/planner.md). */
export interface PlannerDrawLayout {
  piTraj0: number;
  piTrajStep: number;
  iter0: number;
  iterStep: number;
  samples: number;
  terminal: number;
  qPair: number;
  choice: number;
  explore: number;
  /** Blocks per call: how far each env's offset advances. */
  total: number;
}

export interface PlannerLayout {
  batch: number;
  /** Environments per GEMM chunk. */
  chunk: number;
  nets: Record<'encoder' | 'dynamics' | 'reward' | 'pi' | 'qs', NativeMlpLayout>;
  draws: PlannerDrawLayout;
}

/** The native functions of the planner (native/binding/planner.cc, planner_state.cc). */
export interface PlannerNative {
  plannerCreate(...args: (number | boolean | Float32Array)[]): PlannerHandle;
  plannerPlan(
    planner: PlannerHandle,
    encoder: TensorHandle,
    dynamics: TensorHandle,
    reward: TensorHandle,
    pi: TensorHandle,
    qs: TensorHandle,
    obs: TensorHandle,
    firstStep: Uint8Array,
    evalMode: boolean,
    actions: TensorHandle,
    taskEmb: TensorHandle | null,
    actionMasks: TensorHandle | null,
    tasks: Int32Array | null,
  ): void;
  plannerPlanAsync(...args: Parameters<PlannerNative['plannerPlan']>): Promise<void>;
  plannerDispose(planner: PlannerHandle): void;
  plannerReadMean(planner: PlannerHandle, out: Float32Array): void;
  plannerReadStd(planner: PlannerHandle, out: Float32Array): void;
  plannerWriteMean(planner: PlannerHandle, data: Float32Array): void;
  plannerReset(planner: PlannerHandle, env: number): void;
  plannerRngState(planner: PlannerHandle): number[];
  plannerSetRngState(planner: PlannerHandle, state: number[]): void;
  plannerLayout(planner: PlannerHandle): PlannerLayout;
  fmaPeak(seconds: number): number;
}

const native = () => addon() as unknown as PlannerNative;

/**
 * Env b acts on Philox stream PLANNER_STREAM_BASE + b by default; the agent's other consumers
 * (world-model STREAMS) use streams below it.
 */
export const PLANNER_STREAM_BASE = 1 << 16;

export interface PlannerOptions {
  /** Environments planned per call. @defaultValue 1 */
  batch?: number;
  /** Philox key of every env's draws. @defaultValue cfg.seed */
  seed?: number;
  /** Env b starts on stream streamBase + b, offset 0. @defaultValue PLANNER_STREAM_BASE */
  streamBase?: number;
  /**
   * Evaluate every Q member for the bootstrap and then pick the sampled pair (the official code's
   * cost) instead of only the two sampled members; the results are identical. @defaultValue false
   */
  fullEnsemble?: boolean;
  /**
   * Rows (envs × numSamples) per GEMM chunk; 0 = the native default (2048 on the CPU, 65536 on
   * CUDA). @defaultValue 0
   */
  maxChunkRows?: number;
}

const releaseBackstop = new FinalizationRegistry<PlannerHandle>((h) => {
  try {
    native().plannerDispose(h);
  } catch {
    // busy: the native finalizer frees it once the async plan has settled
  }
});

function flagsInto(op: string, firstStep: readonly boolean[] | Uint8Array, out: Uint8Array): void {
  if (firstStep instanceof Uint8Array) {
    if (firstStep.length !== out.length)
      throw new RangeError(`${op}: firstStep: expected ${out.length} flags (one per environment), got ${firstStep.length}`);
    out.set(firstStep);
    return;
  }
  if (!Array.isArray(firstStep)) throw new TypeError(`${op}: firstStep: expected a boolean[] or Uint8Array, got ${typeof firstStep}`);
  if (firstStep.length !== out.length)
    throw new RangeError(`${op}: firstStep: expected ${out.length} flags (one per environment), got ${firstStep.length}`);
  for (let b = 0; b < out.length; b++) {
    const f = firstStep[b];
    if (typeof f !== 'boolean') throw new TypeError(`${op}: firstStep[${b}]: expected a boolean, got ${typeof f}`);
    out[b] = f ? 1 : 0;
  }
}

/**
 * MPPI over the world model for `batch` environments. `plan` returns the B actions [B·A] (row b
 * for env b); every call advances each env's Philox offset by a fixed amount, so env b's actions
 * depend only on its own (seed, stream, offset), observation and warm-start mean.
 */
export class Planner implements Disposable {
  readonly model: WorldModel;
  readonly cfg: ResolvedConfig;
  readonly batch: number;
  #handle: PlannerHandle | null;
  readonly #obs: Tensor;
  readonly #actions: Tensor;
  readonly #flags: Uint8Array;
  readonly #tasks: Int32Array | null;
  #queue: Promise<unknown> = Promise.resolve();
  #inFlight = false;
  #pending = 0;

  constructor(model: WorldModel, opts: PlannerOptions = {}) {
    const cfg = model.cfg;
    const batch = opts.batch ?? 1;
    if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`Planner: batch: expected a positive integer, got ${batch}`);
    this.model = model;
    this.cfg = cfg;
    this.batch = batch;
    this.#handle = native().plannerCreate(
      deviceId(model.device),
      batch,
      cfg.obsDim,
      cfg.actionDim,
      cfg.latentDim,
      cfg.encDim,
      cfg.numEncLayers,
      cfg.mlpDim,
      cfg.numBins,
      cfg.vmin,
      cfg.vmax,
      cfg.numQ,
      cfg.simnormDim,
      cfg.horizon,
      cfg.iterations,
      cfg.numSamples,
      cfg.numElites,
      cfg.numPiTrajs,
      cfg.minStd,
      cfg.maxStd,
      cfg.temperature,
      cfg.discount,
      cfg.logStdMin,
      cfg.logStdMax,
      opts.fullEnsemble ?? false,
      opts.seed ?? cfg.seed,
      opts.streamBase ?? PLANNER_STREAM_BASE,
      opts.maxChunkRows ?? 0,
      model.tasks ? cfg.taskDim : 0,
      cfg.numTasks,
      Float32Array.from(cfg.discounts),
    );
    releaseBackstop.register(this, this.#handle, this);
    this.#obs = Tensor.zeros([batch, cfg.obsDim], model.device);
    this.#actions = Tensor.zeros([batch, cfg.actionDim], model.device);
    this.#flags = new Uint8Array(batch);
    this.#tasks = model.tasks ? new Int32Array(batch) : null;
  }

  /**
   * Multitask: validates the per-env task ids into `out` and applies the embedding's max-norm
   * renormalisation to the rows they read (as the model's lookup does before planning).
   */
  #tasksInto(op: string, tasks: ArrayLike<number> | null | undefined, out: Int32Array | null): void {
    const t = this.model.tasks;
    if (!t || !out) {
      if (tasks != null) throw new RangeError(`${op}: tasks: this is a single-task planner; expected none, got ${tasks.length} ids`);
      return;
    }
    if (tasks == null || typeof tasks !== 'object' || typeof tasks.length !== 'number')
      throw new TypeError(`${op}: tasks: expected ${this.batch} task ids (a multitask planner), got ${tasks === null ? 'null' : typeof tasks}`);
    if (tasks.length !== this.batch) throw new RangeError(`${op}: tasks: expected ${this.batch} task ids (one per environment), got ${tasks.length}`);
    for (let b = 0; b < this.batch; b++) {
      const id = tasks[b]!;
      if (!Number.isInteger(id) || id < 0 || id >= t.numTasks)
        throw new RangeError(`${op}: tasks[${b}]: expected a task id in [0, ${t.numTasks - 1}], got ${id}`);
      out[b] = id;
    }
    t.renorm(out);
  }

  get #h(): PlannerHandle {
    if (this.#handle === null) throw new Error('Planner: disposed');
    return this.#handle;
  }

  #obsTensor(op: string, obs: Float32Array | Tensor): Tensor {
    const { batch: B } = this;
    const O = this.cfg.obsDim;
    if (obs instanceof Tensor) {
      if (obs.shape.length !== 2 || obs.shape[0] !== B || obs.shape[1] !== O)
        throw new RangeError(`${op}: obs: expected shape [${B}, ${O}], got [${obs.shape.join(', ')}]`);
      return obs;
    }
    if (!(obs instanceof Float32Array)) throw new TypeError(`${op}: obs: expected a Float32Array or a Tensor [${B}, ${O}], got ${typeof obs}`);
    if (obs.length !== B * O) throw new RangeError(`${op}: obs: expected ${B * O} values ([${B}, ${O}]), got ${obs.length}`);
    return this.#obs.write(obs);
  }

  #args(obs: Tensor): Parameters<PlannerNative['plannerPlan']> {
    const m = this.model;
    return [
      this.#h,
      m.encoder.params.data.handle,
      m.dynamics.params.data.handle,
      m.reward.params.data.handle,
      m.pi.params.data.handle,
      m.qs.params.data.handle,
      obs.handle,
      this.#flags,
      false,
      this.#actions.handle,
      m.tasks ? m.tasks.params.get('weight').value.handle : null,
      m.tasks ? m.tasks.masks.handle : null,
      this.#tasks,
    ];
  }

  /**
   * Plans one action per environment. obs [B, O] (a Float32Array or a Tensor on the model's
   * device); firstStep[b] marks the first step of env b's episode (no warm start); evalMode
   * drops the final exploration noise. Multitask models: `tasks[b]` is env b's task id (its
   * embedding, action mask and discount); masked action dims come back exactly 0. Returns [B·A]
   * actions in [−1, 1].
   */
  plan(obs: Float32Array | Tensor, firstStep: readonly boolean[] | Uint8Array, evalMode: boolean, tasks: ArrayLike<number> | null = null): Float32Array {
    const op = 'Planner.plan';
    if (this.#inFlight) throw new Error(`${op}: a planAsync call is running on this planner; await it first (calls never overlap)`);
    if (typeof evalMode !== 'boolean') throw new TypeError(`${op}: evalMode: expected a boolean, got ${typeof evalMode}`);
    const x = this.#obsTensor(op, obs);
    flagsInto(op, firstStep, this.#flags);
    this.#tasksInto(op, tasks, this.#tasks);
    const args = this.#args(x);
    args[8] = evalMode;
    native().plannerPlan(...args);
    return this.#actions.toArray();
  }

  /**
   * `plan` off the main thread (an N-API AsyncWorker): the event loop keeps running meanwhile.
   * Calls on one planner are queued and never overlap; the inputs are copied (a Float32Array)
   * or pinned (a Tensor: dispose is refused until the call settles) when the call starts.
   */
  planAsync(obs: Float32Array | Tensor, firstStep: readonly boolean[] | Uint8Array, evalMode: boolean, tasks: ArrayLike<number> | null = null): Promise<Float32Array> {
    const op = 'Planner.planAsync';
    if (typeof evalMode !== 'boolean') throw new TypeError(`${op}: evalMode: expected a boolean, got ${typeof evalMode}`);
    // Validate now (errors throw synchronously) and snapshot what the caller may change.
    const B = this.batch;
    const flags = new Uint8Array(B);
    flagsInto(op, firstStep, flags);
    const taskIds = this.#tasks ? new Int32Array(B) : null;
    if (this.#tasks) this.#tasksInto(op, tasks, taskIds);
    else this.#tasksInto(op, tasks, null);
    let snapshot: Float32Array | Tensor;
    if (obs instanceof Tensor) snapshot = this.#obsTensor(op, obs);
    else {
      if (!(obs instanceof Float32Array)) throw new TypeError(`${op}: obs: expected a Float32Array or a Tensor [${B}, ${this.cfg.obsDim}], got ${typeof obs}`);
      if (obs.length !== B * this.cfg.obsDim) throw new RangeError(`${op}: obs: expected ${B * this.cfg.obsDim} values ([${B}, ${this.cfg.obsDim}]), got ${obs.length}`);
      snapshot = obs.slice();
    }
    const run = async (): Promise<Float32Array> => {
      const x = snapshot instanceof Tensor ? snapshot : this.#obs.write(snapshot);
      this.#flags.set(flags);
      if (taskIds) {
        this.#tasks!.set(taskIds);
        this.model.tasks!.renorm(taskIds); // the table may have been stepped since the call was made
      }
      const args = this.#args(x);
      args[8] = evalMode;
      this.#inFlight = true;
      try {
        await native().plannerPlanAsync(...args);
      } finally {
        this.#inFlight = false;
      }
      return this.#actions.toArray();
    };
    this.#pending++;
    const result = this.#queue.then(run, run).finally(() => this.#pending--);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Zeroes the warm-start mean of env `env` (all envs when omitted): its next call starts as a first step. */
  reset(env = -1): void {
    native().plannerReset(this.#h, env);
  }

  /** The warm-start means [B·H·A]: each env's final MPPI mean of its last call. */
  mean(): Float32Array {
    const out = new Float32Array(this.batch * this.cfg.horizon * this.cfg.actionDim);
    native().plannerReadMean(this.#h, out);
    return out;
  }

  /** The final MPPI std [B·H·A] of each env's last call. */
  std(): Float32Array {
    const out = new Float32Array(this.batch * this.cfg.horizon * this.cfg.actionDim);
    native().plannerReadStd(this.#h, out);
    return out;
  }

  /** Restores the warm-start means [B·H·A] (checkpoints, tests). */
  setMean(mean: Float32Array): void {
    native().plannerWriteMean(this.#h, mean);
  }

  /** Every env's Philox address (checkpoints). */
  rngState(): RngState[] {
    const flat = native().plannerRngState(this.#h);
    const out: RngState[] = [];
    for (let b = 0; b < this.batch; b++) out.push({ seed: flat[3 * b]!, stream: flat[3 * b + 1]!, offset: flat[3 * b + 2]! });
    return out;
  }

  /** Restores every env's Philox address: the next calls repeat those made after rngState(). */
  setRngState(states: readonly RngState[]): void {
    if (!Array.isArray(states)) throw new TypeError(`Planner.setRngState: expected an array of { seed, stream, offset }, got ${typeof states}`);
    if (states.length !== this.batch) throw new RangeError(`Planner.setRngState: expected ${this.batch} states, got ${states.length}`);
    native().plannerSetRngState(
      this.#h,
      states.flatMap((s) => [s.seed, s.stream, s.offset]),
    );
  }

  /** The native parameter and draw layouts (tests compare them with the TS views and docs). */
  layout(): PlannerLayout {
    return native().plannerLayout(this.#h);
  }

  get disposed(): boolean {
    return this.#handle === null;
  }

  /** A planAsync call is queued or running (it reads the model's parameters until it settles). */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** Frees the native planner and its workspaces; refused while a planAsync call runs. */
  dispose(): void {
    if (this.#handle === null) return;
    if (this.#inFlight) throw new Error('Planner.dispose: a planAsync call is running; await it first');
    native().plannerDispose(this.#handle);
    releaseBackstop.unregister(this);
    this.#handle = null;
    this.#obs.dispose();
    this.#actions.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** The measured single-thread FMA ceiling of this CPU, GFLOP/s (benchmarks). */
export function cpuFmaPeak(milliseconds = 300): number {
  return native().fmaPeak(milliseconds / 1000);
}
