// The TD-MPC2 agent (official tdmpc2.py): acting (planning, or the policy prior with mpc: false),
// one gradient update at a time, and checkpoints. The update lives in update.ts, the networks in
// model/world-model.ts.
import { resolveConfig, type ResolvedConfig, type TdMpc2Options } from '../config.js';
import { resolveDevice, type Device } from '../nn/device.js';
import { Graph } from '../nn/graph.js';
import { EVAL } from '../nn/modules.js';
import { RngStream } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { STREAMS, WorldModel } from '../model/world-model.js';
import { ReplayBuffer } from '../train/replay-buffer.js';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from './checkpoint.js';
import { EpisodeObserver, type ObserveResult, type Transition } from './observer.js';
import { Planner, type PlannerOptions } from './planner.js';
import { Updater, type Batch, type UpdateInfo } from './update.js';
import { AgentWorld } from './world.js';

/** Anything that yields training batches (a ReplayBuffer). */
export interface BatchSource {
  sample(): Batch;
}

export interface ActOptions {
  /** The first step of an episode (no warm start). @defaultValue false */
  firstStep?: boolean;
  /** Evaluation: no exploration noise (planning) / the mean action (policy prior). @defaultValue false */
  evalMode?: boolean;
  /** Multitask agents: the task id (index into cfg.tasks); obs is zero-padded to obsDim. */
  task?: number;
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
  // The step-wise API: observed episodes go to this buffer (the agent's own, made on first use, or yours).
  readonly #observer: EpisodeObserver;
  #buffer: ReplayBuffer | null = null;
  #ownsBuffer = false;
  #world: AgentWorld | null = null;
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
    this.#observer = new EpisodeObserver(this.cfg.obsDim, this.cfg.actionDim);
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
    return this.actBatch(obs, [opts.firstStep ?? false], { evalMode: opts.evalMode, tasks: opts.task === undefined ? null : [opts.task] });
  }

  /**
   * Actions for B observations (one Float32Array of B·obsDim, row-major) → B·actionDim. With MPC
   * (the default) one native call plans for all B environments (SPEC §8); env b's warm start
   * and Philox stream belong to row b of this batch size. With `mpc: false` this is the policy
   * prior: the mean in eval mode, a sample otherwise.
   */
  actBatch(obs: Float32Array, firstSteps: readonly boolean[], opts: { evalMode?: boolean; tasks?: ArrayLike<number> | null } = {}): Float32Array {
    const B = this.#checkAct('TDMPC2.act', obs, firstSteps);
    const evalMode = opts.evalMode ?? false;
    const tasks = opts.tasks ?? null;
    if (this.cfg.mpc) return this.planner(B).plan(obs, firstSteps, evalMode, tasks);
    return this.#actPolicy(obs, B, evalMode, tasks);
  }

  /** `act` off the main thread (planning runs in an N-API AsyncWorker; the event loop stays free). */
  actAsync(obs: Float32Array, opts: ActOptions = {}): Promise<Float32Array> {
    return this.actBatchAsync(obs, [opts.firstStep ?? false], { evalMode: opts.evalMode, tasks: opts.task === undefined ? null : [opts.task] });
  }

  /**
   * `actBatch` off the main thread. Calls for one batch size queue and never overlap; `update`
   * is refused while one is pending (it would change the parameters under the planner). Bad
   * arguments throw synchronously.
   */
  actBatchAsync(obs: Float32Array, firstSteps: readonly boolean[], opts: { evalMode?: boolean; tasks?: ArrayLike<number> | null } = {}): Promise<Float32Array> {
    const B = this.#checkAct('TDMPC2.actAsync', obs, firstSteps);
    const evalMode = opts.evalMode ?? false;
    const tasks = opts.tasks ?? null;
    if (this.cfg.mpc) return this.planner(B).planAsync(obs, firstSteps, evalMode, tasks);
    // The policy prior is one small forward pass: computed now.
    return Promise.resolve(this.#actPolicy(obs, B, evalMode, tasks));
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
  #actPolicy(obs: Float32Array, B: number, evalMode: boolean, tasks: ArrayLike<number> | null): Float32Array {
    const g = this.#actGraph;
    g.reset();
    if (!this.#obsBuf || this.#obsBuf.shape[0] !== B) {
      this.#obsBuf?.dispose();
      this.#obsBuf = Tensor.zeros([B, this.cfg.obsDim], this.device);
    }
    this.#obsBuf.write(obs);
    return g.noGrad(() => {
      if (tasks !== null && tasks.length !== B) throw new RangeError(`TDMPC2.act: tasks: expected ${B} task ids, got ${tasks.length}`);
      const task = this.model.taskRows(g, tasks);
      const z = this.model.encode(g, g.constant(this.#obsBuf!), EVAL, task);
      const pi = this.model.policy(g, z, this.#actRng, EVAL, task);
      return (evalMode ? pi.mean : pi.action.value).toArray();
    });
  }

  /**
   * One gradient update (SPEC §9) from a batch, a batch source (a ReplayBuffer), or by default
   * a batch sampled from {@link TDMPC2.buffer} (what {@link TDMPC2.observe} fills).
   * @throws Error when the buffer has no episode of at least horizon + 1 entries yet.
   */
  update(source?: Batch | BatchSource): UpdateInfo {
    this.#check();
    for (const p of this.#planners.values())
      if (p.busy) throw new Error('TDMPC2.update: an actAsync call is still planning with these parameters; await it first');
    if (source === undefined) {
      const b = this.buffer;
      if (b.numSampleable === 0)
        throw new Error(
          `TDMPC2.update: the replay buffer holds no whole episode of at least ${this.cfg.horizon} steps yet ` +
            `(${b.numEpisodes} episodes added); observe() episodes to their end (truncated: true) first`,
        );
      return this.#updater.update(b.sample());
    }
    if (source === null || typeof source !== 'object') throw new TypeError(`TDMPC2.update: expected a Batch or a ReplayBuffer, got ${String(source)}`);
    const batch = 'sample' in source && typeof source.sample === 'function' ? source.sample() : (source as Batch);
    return this.#updater.update(batch);
  }

  /**
   * Records one environment step for training, for people who own the loop (act, step your env,
   * observe, update when you choose). Transitions are assembled into episodes per `env` and an
   * episode goes into {@link TDMPC2.buffer} when a transition says `truncated: true` (SPEC §10.2
   * stores whole episodes). Nothing is changed when the transition is refused.
   * @throws TypeError/RangeError for wrong shapes, non-finite values, actions outside [-1, 1], a
   *   `terminated` step, or an `obs` that does not continue the env's episode.
   */
  observe(transition: Transition): ObserveResult {
    this.#check();
    return this.#observer.observe(transition, () => this.buffer);
  }

  /** Steps in env `env`'s episode that {@link TDMPC2.observe} is assembling (0: none). */
  episodeLength(env = 0): number {
    return this.#observer.episodeLength(env);
  }

  /**
   * The replay buffer that {@link TDMPC2.observe} fills and `update()` samples: the agent's own
   * (capacity `bufferCapacity`, batch `batchSize`, horizon from the config, made on first use)
   * unless you set yours with {@link TDMPC2.useBuffer}.
   */
  get buffer(): ReplayBuffer {
    this.#check();
    if (!this.#buffer) {
      const c = this.cfg;
      this.#buffer = new ReplayBuffer({ capacity: c.bufferCapacity, obsDim: c.obsDim, actionDim: c.actionDim, horizon: c.horizon, batchSize: c.batchSize, seed: c.seed, device: this.device });
      this.#ownsBuffer = true;
    }
    return this.#buffer;
  }

  /**
   * Uses your ReplayBuffer for observe() and update() (you keep ownership: the agent does not
   * dispose it). Its obsDim, actionDim and horizon must match the agent's. Episodes in progress
   * carry on into the new buffer.
   */
  useBuffer(buffer: ReplayBuffer): void {
    this.#check();
    if (!(buffer instanceof ReplayBuffer)) throw new TypeError(`TDMPC2.useBuffer: buffer: expected a ReplayBuffer, got ${buffer === null ? 'null' : typeof buffer}`);
    const c = this.cfg;
    for (const [k, want] of [['obsDim', c.obsDim], ['actionDim', c.actionDim], ['horizon', c.horizon]] as const)
      if (buffer[k] !== want) throw new RangeError(`TDMPC2.useBuffer: buffer.${k} is ${buffer[k]}, the agent's ${k} is ${want}`);
    if (this.#ownsBuffer) this.#buffer?.dispose();
    this.#buffer = buffer;
    this.#ownsBuffer = false;
  }

  /** The world model with plain arrays, for latent rollouts and research (encode, next, reward, Q, policy). */
  get world(): AgentWorld {
    this.#check();
    this.#world ??= new AgentWorld(this.model, this.cfg.seed, () => this.#check());
    return this.#world;
  }

  /**
   * Writes a checkpoint (safetensors). With `training: true` it also holds both optimisers'
   * moments, the running scale, the RNG positions (update and acting streams) and each planner's
   * warm-start means and per-environment Philox addresses, so training can resume exactly.
   */
  async save(path: string, opts: { training?: boolean; extra?: Record<string, unknown> } = {}): Promise<void> {
    this.#check();
    const planners = [...this.#planners.values()];
    if (opts.training && planners.some((p) => p.busy))
      throw new Error('TDMPC2.save: an actAsync call is still planning (its warm-start means and draws are part of a training checkpoint); await it first');
    await writeCheckpoint(path, this.#options, this.model, opts.training ? this.#updater : null, opts.extra ?? {}, { act: this.#actRng }, planners);
  }

  /** An agent restored from a checkpoint (with its training state when the file has one). */
  static async load(path: string, overrides: Partial<TdMpc2Options> = {}): Promise<TDMPC2> {
    const c = await readCheckpoint(path);
    const agent = new TDMPC2({ ...c.options, ...overrides } as TdMpc2Options);
    restoreCheckpoint(path, c, agent.model, c.training ? agent.#updater : null, { act: agent.#actRng }, (B) => agent.planner(B));
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
    this.#world?.dispose();
    if (this.#ownsBuffer) this.#buffer?.dispose();
    this.#buffer = null;
    this.model.dispose();
  }
}
