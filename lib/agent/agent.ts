// The TD-MPC2 agent (official tdmpc2.py): acting (planning, or the policy prior with mpc: false),
// one gradient update at a time, and checkpoints. The update lives in update.ts, the networks in
// model/world-model.ts.
import { resolveConfig, type ResolvedConfig, type TdMpc2Options } from '../config.js';
import { resolveDevice, type Device } from '../nn/device.js';
import { Graph } from '../nn/graph.js';
import { RngStream } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { STREAMS, WorldModel } from '../model/world-model.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from './checkpoint.js';
import { Planner, type PlannerOptions } from './planner.js';
import { Updater, type Batch, type UpdateInfo } from './update.js';

/** Anything that yields training batches (a ReplayBuffer). */
export interface BatchSource {
  sample(): Batch;
}

export interface ActOptions {
  /** The first step of an episode (no warm start). @defaultValue false */
  firstStep?: boolean;
  /** Evaluation: no exploration noise (planning) / the mean action (policy prior). @defaultValue false */
  evalMode?: boolean;
}

export class TDMPC2 {
  readonly cfg: ResolvedConfig;
  readonly device: Device;
  readonly model: WorldModel;
  readonly #options: TdMpc2Options;
  readonly #updater: Updater;
  readonly #actGraph: Graph;
  readonly #actRng: RngStream;
  #obsBuf: Tensor | null = null;
  /** MPPI planners by batch size (workspaces are sized for one B). */
  readonly #planners = new Map<number, Planner>();
  #disposed = false;

  /** Builds an agent; every SPEC default can be overridden (see TdMpc2Config). */
  constructor(options: TdMpc2Options) {
    this.cfg = resolveConfig(options);
    this.#options = { ...options };
    this.device = resolveDevice(this.cfg.device);
    this.model = new WorldModel(this.cfg, this.device);
    this.model.initialize(this.cfg.seed);
    this.#updater = new Updater(this.model, this.cfg.seed);
    this.#actGraph = new Graph(this.device);
    this.#actRng = new RngStream(this.cfg.seed, STREAMS.plannerChoice);
  }

  /** The options this agent was built from (what a checkpoint stores). */
  get options(): TdMpc2Options {
    return { ...this.#options };
  }

  /** The update's optimisers, scale and RNG streams (for the trainer and checkpoints). */
  get updater(): Updater {
    return this.#updater;
  }

  #check(): void {
    if (this.#disposed) throw new Error('TDMPC2: the agent was disposed');
  }

  /** One action for one observation (Float32Array of obsDim) → Float32Array of actionDim. */
  act(obs: Float32Array, opts: ActOptions = {}): Float32Array {
    return this.actBatch(obs, [opts.firstStep ?? false], { evalMode: opts.evalMode });
  }

  /**
   * Actions for B observations (one Float32Array of B·obsDim, row-major) → B·actionDim. With MPC
   * (the default) one native call plans for all B environments (SPEC §8); env b's warm start
   * and Philox stream belong to row b of this batch size. With `mpc: false` this is the policy
   * prior: the mean in eval mode, a sample otherwise.
   */
  actBatch(obs: Float32Array, firstSteps: readonly boolean[], opts: { evalMode?: boolean } = {}): Float32Array {
    const B = this.#checkAct('TDMPC2.act', obs, firstSteps);
    const evalMode = opts.evalMode ?? false;
    if (this.cfg.mpc) return this.planner(B).plan(obs, firstSteps, evalMode);
    return this.#actPolicy(obs, B, evalMode);
  }

  /** `act` off the main thread (planning runs in an N-API AsyncWorker; the event loop stays free). */
  actAsync(obs: Float32Array, opts: ActOptions = {}): Promise<Float32Array> {
    return this.actBatchAsync(obs, [opts.firstStep ?? false], { evalMode: opts.evalMode });
  }

  /**
   * `actBatch` off the main thread. Calls for one batch size queue and never overlap; `update`
   * is refused while one is pending (it would change the parameters under the planner). Bad
   * arguments throw synchronously.
   */
  actBatchAsync(obs: Float32Array, firstSteps: readonly boolean[], opts: { evalMode?: boolean } = {}): Promise<Float32Array> {
    const B = this.#checkAct('TDMPC2.actAsync', obs, firstSteps);
    const evalMode = opts.evalMode ?? false;
    if (this.cfg.mpc) return this.planner(B).planAsync(obs, firstSteps, evalMode);
    // The policy prior is one small forward pass: computed now.
    return Promise.resolve(this.#actPolicy(obs, B, evalMode));
  }

  /**
   * The MPPI planner for batch size B (made on first use; options apply then). Its warm-start
   * means and Philox addresses can be read and restored (checkpoints, tests).
   */
  planner(B: number, options: Omit<PlannerOptions, 'batch'> = {}): Planner {
    this.#check();
    let p = this.#planners.get(B);
    if (!p) {
      p = new Planner(this.model, { seed: this.cfg.seed, ...options, batch: B });
      this.#planners.set(B, p);
    }
    return p;
  }

  /** Validates act arguments; returns B. */
  #checkAct(op: string, obs: Float32Array, firstSteps: readonly boolean[]): number {
    this.#check();
    const O = this.cfg.obsDim;
    if (!(obs instanceof Float32Array)) throw new TypeError(`${op}: obs: expected a Float32Array, got ${typeof obs}`);
    if (obs.length === 0 || obs.length % O !== 0)
      throw new RangeError(`${op}: obs: expected a multiple of obsDim ${O} values, got ${obs.length}`);
    const B = obs.length / O;
    if (!Array.isArray(firstSteps)) throw new TypeError(`${op}: firstSteps: expected a boolean[], got ${typeof firstSteps}`);
    if (firstSteps.length !== B) throw new RangeError(`${op}: firstSteps: expected ${B} flags, got ${firstSteps.length}`);
    for (let i = 0; i < obs.length; i++)
      if (!Number.isFinite(obs[i])) throw new RangeError(`${op}: obs: value ${obs[i]} at index ${i} is not finite`);
    return B;
  }

  // SPEC §8 note: acting without MPC uses the policy prior (eval → mean, train → sample).
  #actPolicy(obs: Float32Array, B: number, evalMode: boolean): Float32Array {
    const g = this.#actGraph;
    g.reset();
    if (!this.#obsBuf || this.#obsBuf.shape[0] !== B) {
      this.#obsBuf?.dispose();
      this.#obsBuf = Tensor.zeros([B, this.cfg.obsDim], this.device);
    }
    this.#obsBuf.write(obs);
    return g.noGrad(() => {
      const z = this.model.encode(g, g.constant(this.#obsBuf!));
      const pi = this.model.policy(g, z, this.#actRng);
      return (evalMode ? pi.mean : pi.action.value).toArray();
    });
  }

  /** One gradient update from a batch or a batch source (a ReplayBuffer). */
  update(source: Batch | BatchSource): UpdateInfo {
    this.#check();
    for (const p of this.#planners.values())
      if (p.busy) throw new Error('TDMPC2.update: an actAsync call is still planning with these parameters; await it first');
    const batch = 'sample' in source && typeof source.sample === 'function' ? source.sample() : (source as Batch);
    return this.#updater.update(batch);
  }

  /**
   * Writes a checkpoint (safetensors). With `training: true` it also holds both optimisers'
   * moments, the running scale and the RNG positions (update and acting streams), so training
   * can resume exactly.
   */
  async save(path: string, opts: { training?: boolean; extra?: Record<string, unknown> } = {}): Promise<void> {
    this.#check();
    await writeCheckpoint(path, this.#options, this.model, opts.training ? this.#updater : null, opts.extra ?? {}, { act: this.#actRng });
  }

  /** An agent restored from a checkpoint (with its training state when the file has one). */
  static async load(path: string, overrides: Partial<TdMpc2Options> = {}): Promise<TDMPC2> {
    const c = await readCheckpoint(path);
    const agent = new TDMPC2({ ...c.options, ...overrides } as TdMpc2Options);
    restoreCheckpoint(path, c, agent.model, c.training ? agent.#updater : null, { act: agent.#actRng });
    return agent;
  }

  dispose(): void {
    if (this.#disposed) return;
    for (const p of this.#planners.values())
      if (p.busy) throw new Error('TDMPC2.dispose: an actAsync call is still running; await it first');
    this.#disposed = true;
    for (const p of this.#planners.values()) p.dispose();
    this.#planners.clear();
    this.#updater.dispose();
    this.#actGraph.dispose();
    this.#obsBuf?.dispose();
    this.model.dispose();
  }
}
