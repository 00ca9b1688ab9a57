// One TD-MPC2 gradient update (SPEC §9; official tdmpc2.py `_update` and `update_pi`), in the
// same order with the same section names. Draws come from the agent's Philox streams, so a run is
// reproducible from its seed and the golden test can replay them in PyTorch.
import type { ResolvedConfig } from '../config.js';
import { hostLoss, member, mseLoss, rows, softCeLoss, stackRows, twoHotInv } from '../nn/functional.js';
import { Graph, type Var } from '../nn/graph.js';
import { Adam, clipCoefficient, gradNorm } from '../nn/optim.js';
import { RngStream } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { STREAMS, type WorldModel } from '../model/world-model.js';
import { EVAL } from '../nn/modules.js';
import { withFrozenWeights } from '../nn/kernels/dense.js';
import { RunningScale } from './running-scale.js';

/** A training batch, time-major (SPEC §9.1). */
export interface Batch {
  /** [H+1, B, O] */
  obs: Tensor;
  /** [H, B, A]: the action taken at obs[t]. */
  action: Tensor;
  /** [H, B]: the reward received for it. */
  reward: Tensor;
  /** [B] task id of each sub-sequence (multitask only, SPEC §9.1). */
  task?: Int32Array | null;
}

/** The constants the world-model losses regress on (SPEC §9.2). */
export interface Targets {
  /** [H·B, L] encoded next observations. */
  nextZ: Tensor;
  /** [H·B] TD targets. */
  td: Tensor;
}

/** What one update reports (the official agent's info dict). */
export interface UpdateInfo {
  consistencyLoss: number;
  rewardLoss: number;
  valueLoss: number;
  totalLoss: number;
  /** World-model gradient norm before clipping. */
  gradNorm: number;
  piLoss: number;
  /** Policy gradient norm before clipping. */
  piGradNorm: number;
  /** Mean policy entropy (−log-prob) over the H+1 latents. */
  piEntropy: number;
  /** The running Q scale after this update. */
  piScale: number;
}

/** What the policy update reports (part of UpdateInfo). */
type PiInfo = Pick<UpdateInfo, 'piLoss' | 'piGradNorm' | 'piEntropy' | 'piScale'>;

/** Random streams of the update, checkpointed with the agent. */
export interface UpdaterRng {
  policy: RngStream;
  dropout: RngStream;
  qPair: RngStream;
}

export class Updater {
  readonly model: WorldModel;
  readonly cfg: ResolvedConfig;
  readonly graph: Graph;
  readonly optim: Adam;
  readonly piOptim: Adam;
  readonly scale: RunningScale;
  readonly rng: UpdaterRng;
  readonly #pairBuf: Tensor;
  readonly #idBufs = new Map<number, Int32Array>();

  constructor(model: WorldModel, seed: number) {
    this.model = model;
    this.cfg = model.cfg;
    this.graph = new Graph(model.device);
    const { lr, encLrScale } = this.cfg;
    const group = (net: WorldModel['encoder'], rate: number, eps: number) => ({
      name: net.name,
      params: net.params.data,
      grads: net.params.grad!,
      lr: rate,
      eps,
    });
    const groups = [
      group(model.encoder, lr * encLrScale, 1e-8),
      group(model.dynamics, lr, 1e-8),
      group(model.reward, lr, 1e-8),
      group(model.qs, lr, 1e-8),
    ];
    // Multitask: the task embedding is the world-model optimiser's last group (SPEC §9.4).
    if (model.tasks) groups.push({ name: 'task_emb', params: model.tasks.params.data, grads: model.tasks.params.grad!, lr, eps: 1e-8 });
    this.optim = new Adam(groups);
    this.piOptim = new Adam([group(model.pi, lr, 1e-5)]);
    this.scale = new RunningScale(this.cfg.tau);
    this.rng = {
      policy: new RngStream(seed, STREAMS.policy),
      dropout: new RngStream(seed, STREAMS.dropout),
      qPair: new RngStream(seed, STREAMS.qPair),
    };
    this.#pairBuf = Tensor.zeros([2]);
  }

  /** Two distinct Q members, uniformly (SPEC §7: the first two of a random permutation). */
  qPair(): [number, number] {
    const Q = this.cfg.numQ;
    const u = this.rng.qPair.uniform(this.#pairBuf).toArray();
    const i = Math.min(Math.floor(u[0]! * Q), Q - 1);
    let j = Math.min(Math.floor(u[1]! * (Q - 1)), Q - 2);
    if (j >= i) j += 1;
    return [i, j];
  }

  /**
   * Task ids of `times` stacked copies of the batch's B rows (time-major rows t·B + b), in a
   * buffer kept per size (the update allocates no id arrays after the first call).
   */
  #taskIds(batch: Batch, times: number): Int32Array | null {
    const task = batch.task;
    if (!task) return null;
    const n = times * task.length;
    let out = this.#idBufs.get(n);
    if (!out) this.#idBufs.set(n, (out = new Int32Array(n)));
    for (let t = 0; t < times; t++) out.set(task, t * task.length);
    return out;
  }

  /** Multitask: the batch must carry a task id per sub-sequence; single task: none. */
  #checkTask(batch: Batch, B: number): void {
    if (this.model.tasks && !(batch.task instanceof Int32Array && batch.task.length === B))
      throw new RangeError(`Updater.update: batch.task: expected an Int32Array of ${B} task ids (multitask model), got ${batch.task ? `length ${batch.task.length}` : String(batch.task)}`);
    if (!this.model.tasks && batch.task) throw new RangeError('Updater.update: batch.task given to a single-task model');
  }

  update(batch: Batch): UpdateInfo {
    const { model, cfg, graph: g } = this;
    // Layers applied more than once with the same weights are packed for the GEMM once: the
    // encoder (targets and rollout) and the dynamics (H times each way) for the model losses, and
    // the policy, which the TD targets and the policy loss both apply and only its own step, the
    // last of the policy update, changes.
    const { losses, norm, pi } = withFrozenWeights([model.pi.params.data], () => {
      const losses = withFrozenWeights([model.encoder.params.data, model.dynamics.params.data], () => {
        const l = this.modelLosses(batch);
        g.backward();
        return l;
      });

      // Update model
      const modelGrads = this.optim.groups.map((gr) => gr.grads);
      const norm = gradNorm(modelGrads);
      this.optim.step(clipCoefficient(norm, cfg.gradClipNorm), { zeroGrad: true });

      // Update policy: its gradients here, its step after the span
      const pi = this.#policyGradients(g.constant(g.noGrad(() => stackRows(g, losses.zs)).value), losses.B, this.#taskIds(batch, cfg.horizon + 1));
      return { losses, norm, pi };
    });
    this.piOptim.step(clipCoefficient(pi.piGradNorm, cfg.gradClipNorm), { zeroGrad: true });

    // Update target Q-functions
    model.softUpdateTarget();

    const { consistencyLoss, rewardLoss, valueLoss, totalLoss } = losses;
    return { consistencyLoss, rewardLoss, valueLoss, totalLoss, gradNorm: norm, ...pi };
  }

  /**
   * SPEC §9.2 (no grad, eval mode): the encoded next observations z'_t [H·B, L] and the TD
   * targets y_t = r_t + γ·min(Q̄_i, Q̄_j)(z'_t, a'_t) [H·B], in workspace tensors.
   */
  targets(batch: Batch): Targets {
    const { model, cfg, graph: g } = this;
    const H = cfg.horizon;
    const [, B, O] = batch.obs.shape as [number, number, number];
    this.#checkTask(batch, B);
    const nextObs = g.constant(batch.obs.view([H * B, O], B * O));
    const td = g.tensor([H * B]);
    const nextZ = g.noGrad(() => {
      const task = model.taskRows(g, this.#taskIds(batch, H));
      const z = model.encode(g, nextObs, EVAL, task);
      const pi = model.policy(g, z, this.rng.policy, EVAL, task);
      const [li, lj] = model.qHeadLogits(g, z, pi.action, this.qPair(), EVAL, true, task);
      const qi = twoHotInv(g, li!, cfg).value.toArray();
      const qj = twoHotInv(g, lj!, cfg).value.toArray();
      const r = batch.reward.toArray();
      const y = new Float32Array(H * B);
      if (batch.task) {
        // HEAD multitask: discount[task], a float32 tensor, so float32 products throughout.
        const gammas = cfg.discounts.map((d) => Math.fround(d));
        for (let k = 0; k < y.length; k++)
          y[k] = Math.fround(r[k]! + Math.fround(gammas[batch.task[k % B]!]! * Math.min(qi[k]!, qj[k]!)));
      } else for (let k = 0; k < y.length; k++) y[k] = Math.fround(r[k]! + Math.fround(cfg.discount * Math.min(qi[k]!, qj[k]!)));
      td.write(y);
      return z.value;
    });
    return { nextZ, td };
  }

  /**
   * The latent rollout and the world-model losses of SPEC §9.3, recorded on the graph (call
   * graph.backward() for the gradients), against `targets` (computed here when not given; they
   * are constants: no gradient flows into them). Returns the loss values and the latents.
   */
  modelLosses(batch: Batch, given?: Targets): {
    consistencyLoss: number;
    rewardLoss: number;
    valueLoss: number;
    totalLoss: number;
    zs: Var[];
    B: number;
  } {
    const { model, cfg, graph: g } = this;
    const H = cfg.horizon;
    const [, B, O] = batch.obs.shape as [number, number, number];
    const A = cfg.actionDim;
    const bins = cfg;
    g.reset();
    const { nextZ, td: tdTarget } = given ?? this.targets(batch);
    const obs0 = g.constant(batch.obs.view([B, O], 0));
    const actions = g.constant(batch.action.view([H * B, A], 0));
    const task = model.taskRows(g, this.#taskIds(batch, 1));

    // Latent rollout (train mode: Q dropout on)
    const train = { params: 'trainable' as const, dropout: this.rng.dropout };
    const zs: Var[] = [model.encode(g, obs0, train, task)];
    let consistency = 0;
    for (let t = 0; t < H; t++) {
      const a = rows(g, actions, t * B, B);
      const z = model.next(g, zs[t]!, a, train, task);
      const target = nextZ.view([B, cfg.latentDim], t * B * cfg.latentDim);
      consistency += cfg.rho ** t * mseLoss(g, z, target, (cfg.consistencyCoef * cfg.rho ** t) / H);
      target.dispose();
      zs.push(z);
    }

    // Predictions
    const zsHead = stackRows(g, zs.slice(0, H));
    const taskHead = model.taskRows(g, this.#taskIds(batch, H));
    const qs = model.qLogits(g, zsHead, actions, train, false, taskHead); // [Q, H·B, K]
    const rewardPreds = model.rewardLogits(g, zsHead, actions, train, taskHead); // [H·B, K]

    // Compute losses
    let rewardLoss = 0;
    let valueLoss = 0;
    for (let t = 0; t < H; t++) {
      const w = cfg.rho ** t;
      const r = batch.reward.view([B], t * B);
      const td = tdTarget.view([B], t * B);
      rewardLoss += w * softCeLoss(g, rows(g, rewardPreds, t * B, B), r, (cfg.rewardCoef * w) / H, bins);
      for (let q = 0; q < cfg.numQ; q++)
        valueLoss += w * softCeLoss(g, rows(g, member(g, qs, q), t * B, B), td, (cfg.valueCoef * w) / (H * cfg.numQ), bins);
      r.dispose();
      td.dispose();
    }
    consistency /= H;
    rewardLoss /= H;
    valueLoss /= H * cfg.numQ;
    const totalLoss = cfg.consistencyCoef * consistency + cfg.rewardCoef * rewardLoss + cfg.valueCoef * valueLoss;
    return { consistencyLoss: consistency, rewardLoss, valueLoss, totalLoss, zs, B };
  }

  /** SPEC §9.5: the policy step on the rollout latents zs [(H+1)·B, L] (detached). */
  updatePi(zs: Var, B: number, taskIds: Int32Array | null = null): PiInfo {
    const info = this.#policyGradients(zs, B, taskIds);
    this.piOptim.step(clipCoefficient(info.piGradNorm, this.cfg.gradClipNorm), { zeroGrad: true });
    return info;
  }

  /** updatePi up to its step: the policy loss and its gradients in model.pi.params.grad. */
  #policyGradients(zs: Var, B: number, taskIds: Int32Array | null): PiInfo {
    const { model, cfg, graph: g } = this;
    const H = cfg.horizon;
    const task = model.taskRows(g, taskIds);
    const sample = model.policy(g, zs, this.rng.policy, { params: 'trainable', dropout: null }, task);
    // Only the random pair of heads (HEAD computes all numQ and uses two): frozen, dropout on.
    const [li, lj] = model.qHeadLogits(g, zs, sample.action, this.qPair(), { params: 'frozen', dropout: this.rng.dropout }, false, task);
    const qi = twoHotInv(g, li!, cfg);
    const qj = twoHotInv(g, lj!, cfg);
    const steps = H + 1;
    const piLoss = hostLoss(g, [qi, qj, sample.scaledEntropy], ([vi, vj, se]) => {
      const n = vi!.length;
      const q = new Float32Array(n);
      for (let k = 0; k < n; k++) q[k] = Math.fround((vi![k]! + vj![k]!) / 2);
      this.scale.update(q.subarray(0, B));
      const S = this.scale.value;
      const dq = new Float32Array(n);
      const dse = new Float32Array(n);
      let loss = 0;
      for (let t = 0; t < steps; t++) {
        const w = cfg.rho ** t;
        let rowMean = 0;
        for (let b = 0; b < B; b++) {
          const k = t * B + b;
          rowMean += -(cfg.entropyCoef * se![k]! + q[k]! / S);
          dq[k] = -w / (steps * B * S) / 2; // half to each of the two members
          dse[k] = (-w * cfg.entropyCoef) / (steps * B);
        }
        loss += (w * rowMean) / B;
      }
      return { loss: loss / steps, grads: [dq, dq, dse] };
    });
    g.backward();
    const piNorm = gradNorm([model.pi.params.grad!]);
    const lp = sample.logProb.toArray();
    let entropy = 0;
    for (let k = 0; k < lp.length; k++) entropy -= lp[k]!;
    return { piLoss, piGradNorm: piNorm, piEntropy: entropy / lp.length, piScale: this.scale.value };
  }

  dispose(): void {
    this.graph.dispose();
    this.optim.dispose();
    this.piOptim.dispose();
    this.#pairBuf.dispose();
  }
}
