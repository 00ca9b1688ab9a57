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
import type { Tensor } from '../nn/tensor.js';

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

  constructor(cfg: ResolvedConfig, device: Device) {
    this.cfg = cfg;
    this.device = device;
    const { obsDim: O, actionDim: A, latentDim: L, mlpDim: M, encDim: E, numBins, numQ, simnormDim } = cfg;
    const K = Math.max(numBins, 1);
    const common = { device, simnormDim };
    this.encoder = new MLP('encoder', O, Array(Math.max(cfg.numEncLayers - 1, 1)).fill(E), L, { ...common, outEpilogue: 'ln_simnorm' });
    this.dynamics = new MLP('dynamics', L + A, [M, M], L, { ...common, outEpilogue: 'ln_simnorm' });
    this.reward = new MLP('reward', L + A, [M, M], K, { ...common, zeroOutputWeight: true });
    this.pi = new MLP('pi', L, [M, M], 2 * A, common);
    this.qs = new MLP('qs', L + A, [M, M], K, { ...common, members: numQ, dropout: cfg.dropout, zeroOutputWeight: true });
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
    this.targetQs.copyFrom(this.qs.params);
  }

  /** The trainable networks, in optimiser order. */
  get nets(): MLP[] {
    return [this.encoder, this.dynamics, this.reward, this.qs, this.pi];
  }

  /** Learnable parameters (the target copy excluded), as SPEC §2 counts them. */
  get numParams(): number {
    return this.nets.reduce((s, n) => s + n.params.numel, 0);
  }

  encode(g: Graph, obs: Var, mode: ForwardMode = EVAL): Var {
    return this.encoder.forward(g, obs, mode);
  }

  next(g: Graph, z: Var, a: Var, mode: ForwardMode = EVAL): Var {
    return this.dynamics.forward(g, concatCols(g, z, a), mode);
  }

  rewardLogits(g: Graph, z: Var, a: Var, mode: ForwardMode = EVAL): Var {
    return this.reward.forward(g, concatCols(g, z, a), mode);
  }

  /** A policy-prior sample at z with noise from `rng` (SPEC §6). */
  policy(g: Graph, z: Var, rng: RngStream, mode: ForwardMode = EVAL, mask: Tensor | null = null): PolicySample {
    const raw = this.pi.forward(g, z, mode);
    const eps = g.tensor([z.shape[0]!, this.cfg.actionDim]);
    rng.normal(eps);
    return policySample(g, raw, eps, mask, this.cfg);
  }

  /** All Q logits [numQ, M, K] of the online ensemble, or of the target copy. */
  qLogits(g: Graph, z: Var, a: Var, mode: ForwardMode, target = false): Var {
    const x = concatCols(g, z, a);
    return target ? this.qs.forward(g, x, { params: 'constant', dropout: null }, this.targetQs) : this.qs.forward(g, x, mode);
  }

  /**
   * The logits [M, K] of the Q members `heads` only (online or target), each as the whole
   * ensemble would give it (same values and dropout masks): HEAD's min/avg over a random pair
   * needs two of the numQ heads, so the TD target and the policy loss compute just those.
   */
  qHeadLogits(g: Graph, z: Var, a: Var, heads: readonly number[], mode: ForwardMode, target = false): Var[] {
    const x = concatCols(g, z, a);
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
    this.targetQs.dispose();
  }
}
