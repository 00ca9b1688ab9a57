// The TD-MPC2 implicit world model (SPEC §4, official common/world_model.py): encoder h,
// latent dynamics d, reward R, policy prior π and the Q ensemble with its EMA target copy.
// Every method takes the Graph it records into and rows flattened to 2-D ([M, ·]).
import type { ResolvedConfig } from '../config.js';
import type { Device } from '../nn/device.js';
import { concatCols, policySample, type PolicySample } from '../nn/functional.js';
import type { Graph, Var } from '../nn/graph.js';
import { polyakUpdate } from '../nn/kernels/optim.js';
import { EVAL, MLP, type ForwardMode } from '../nn/modules.js';
import { ParamGroup } from '../nn/params.js';
import { RngStream } from '../nn/rng.js';
import { TaskEmbedding, type TaskRows } from './task-embedding.js';

/** Philox streams of the agent's random draws (one sequence per consumer). */
export const STREAMS = Object.freeze({
  policy: 1, // ε of every policy sample
  dropout: 2, // Q dropout masks
  qPair: 3, // the two Q members of min/avg
  plannerNoise: 4, // MPPI samples
  plannerChoice: 5, // elite choice and exploration noise
  replay: 6, // replay sampling
  init: 7, // parameter initialisation
  seedActions: 8, // the trainer's uniform actions of the seeding phase
});

export class WorldModel {
  readonly cfg: ResolvedConfig;
  readonly device: Device;
  readonly encoder: MLP;
  readonly dynamics: MLP;
  readonly reward: MLP;
  readonly pi: MLP;
  readonly qs: MLP;
  /** The EMA copy of the Q ensemble's parameters (never trained by gradients). */
  readonly targetQs: ParamGroup;
  /** Multitask only (cfg.tasks set): task embeddings and action masks (SPEC §11). */
  readonly tasks: TaskEmbedding | null;

  constructor(cfg: ResolvedConfig, device: Device) {
    this.cfg = cfg;
    this.device = device;
    const { obsDim: O, actionDim: A, latentDim: L, mlpDim: M, encDim: E, numBins, numQ, simnormDim } = cfg;
    const K = Math.max(numBins, 1);
    const common = { device, simnormDim };
    // Multitask: the embedding joins every input (encoder [obs, e], dynamics/reward/Q [z, e, a],
    // policy [z, e]); single-task models have T = 0 and no task parameters at all.
    const T = cfg.tasks ? cfg.taskDim : 0;
    this.tasks = cfg.tasks ? new TaskEmbedding(cfg.tasks.map((t) => t.actionDim), T, A, device) : null;
    this.encoder = new MLP('encoder', O + T, Array(Math.max(cfg.numEncLayers - 1, 1)).fill(E), L, { ...common, outEpilogue: 'ln_simnorm' });
    this.dynamics = new MLP('dynamics', L + T + A, [M, M], L, { ...common, outEpilogue: 'ln_simnorm' });
    this.reward = new MLP('reward', L + T + A, [M, M], K, { ...common, zeroOutputWeight: true });
    this.pi = new MLP('pi', L + T, [M, M], 2 * A, common);
    this.qs = new MLP('qs', L + T + A, [M, M], K, { ...common, members: numQ, dropout: cfg.dropout, zeroOutputWeight: true });
    this.targetQs = new ParamGroup(
      'target_qs',
      this.qs.params.params.map((p) => ({ name: p.name, shape: p.shape, init: { kind: 'constant', value: 0 } as const })),
      device,
      false,
    );
  }

  /** SPEC §3 initialisation from the seed; the target Qs start as a copy of the online Qs. */
  initialize(seed: number): void {
    const rng = new RngStream(seed, STREAMS.init);
    for (const net of this.nets) net.params.initialize(rng);
    this.tasks?.params.initialize(rng);
    this.targetQs.copyFrom(this.qs.params);
  }

  /** Every trainable parameter group: the networks, then the task embedding (multitask). */
  get paramGroups(): ParamGroup[] {
    const groups = this.nets.map((n) => n.params);
    if (this.tasks) groups.push(this.tasks.params);
    return groups;
  }

  /**
   * The task inputs of rows whose task ids are `ids` (multitask): embeddings looked up with
   * torch's max-norm semantics, and the action masks. Null for a single-task model.
   */
  taskRows(g: Graph, ids: ArrayLike<number> | null | undefined): TaskRows | null {
    if (!this.tasks) {
      if (ids) throw new RangeError('WorldModel: task ids given to a single-task model (no cfg.tasks)');
      return null;
    }
    if (!ids) throw new RangeError(`WorldModel: a multitask model (${this.tasks.numTasks} tasks) needs a task id per row`);
    return this.tasks.lookup(g, ids);
  }

  /** [x, e]: the embedding appended to x (multitask), else x itself. */
  #withTask(g: Graph, x: Var, task: TaskRows | null): Var {
    return task ? concatCols(g, x, task.emb) : x;
  }

  /** The trainable networks, in optimiser order. */
  get nets(): MLP[] {
    return [this.encoder, this.dynamics, this.reward, this.qs, this.pi];
  }

  /** Learnable parameters (the target copy excluded), as SPEC §2 counts them. */
  get numParams(): number {
    return this.paramGroups.reduce((s, p) => s + p.numel, 0);
  }

  // Each method takes the rows' task inputs (multitask, from taskRows) or null (single task).

  encode(g: Graph, obs: Var, mode: ForwardMode = EVAL, task: TaskRows | null = null): Var {
    return this.encoder.forward(g, this.#withTask(g, obs, task), mode);
  }

  next(g: Graph, z: Var, a: Var, mode: ForwardMode = EVAL, task: TaskRows | null = null): Var {
    return this.dynamics.forward(g, concatCols(g, this.#withTask(g, z, task), a), mode);
  }

  rewardLogits(g: Graph, z: Var, a: Var, mode: ForwardMode = EVAL, task: TaskRows | null = null): Var {
    return this.reward.forward(g, concatCols(g, this.#withTask(g, z, task), a), mode);
  }

  /**
   * A policy-prior sample at z with noise from `rng` (SPEC §6). Multitask: the task's action
   * mask multiplies μ, log σ and ε (masked dims come out exactly 0) and the entropy scale is
   * the number of valid dims.
   */
  policy(g: Graph, z: Var, rng: RngStream, mode: ForwardMode = EVAL, task: TaskRows | null = null): PolicySample {
    const raw = this.pi.forward(g, this.#withTask(g, z, task), mode);
    const eps = g.tensor([z.shape[0]!, this.cfg.actionDim]);
    rng.normal(eps);
    return policySample(g, raw, eps, task?.mask ?? null, this.cfg);
  }

  /** All Q logits [numQ, M, K] of the online ensemble, or of the target copy. */
  qLogits(g: Graph, z: Var, a: Var, mode: ForwardMode, target = false, task: TaskRows | null = null): Var {
    const x = concatCols(g, this.#withTask(g, z, task), a);
    return target ? this.qs.forward(g, x, { params: 'constant', dropout: null }, this.targetQs) : this.qs.forward(g, x, mode);
  }

  /**
   * The logits [M, K] of the Q members `heads` only (online or target), each as the whole
   * ensemble would give it (same values and dropout masks): HEAD's min/avg over a random pair
   * needs two of the numQ heads, so the TD target and the policy loss compute just those.
   */
  qHeadLogits(g: Graph, z: Var, a: Var, heads: readonly number[], mode: ForwardMode, target = false, task: TaskRows | null = null): Var[] {
    const x = concatCols(g, this.#withTask(g, z, task), a);
    return target
      ? this.qs.forwardMembers(g, x, heads, { params: 'constant', dropout: null }, this.targetQs)
      : this.qs.forwardMembers(g, x, heads, mode);
  }

  /** θ̄ ← θ̄ + τ(θ − θ̄) over every Q-ensemble parameter (SPEC §9.6). */
  softUpdateTarget(): void {
    polyakUpdate(this.targetQs.data, this.qs.params.data, this.cfg.tau);
  }

  dispose(): void {
    for (const n of this.nets) n.dispose();
    this.tasks?.dispose();
    this.targetQs.dispose();
  }
}
