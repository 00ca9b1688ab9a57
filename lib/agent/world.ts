// The world model for research use with plain arrays (DESIGN "access to the world model"): encode
// observations, roll latents forward, read rewards, Q values and policy actions, all in eval mode
// (no dropout, no gradient), batched over rows. Shapes are row-major flat Float32Arrays: B rows of
// obsDim, latentDim or actionDim values.
import type { ResolvedConfig } from '../config.js';
import { member, twoHotInv } from '../nn/functional.js';
import { Graph, type Var } from '../nn/graph.js';
import { RngStream } from '../nn/rng.js';
import { STREAMS, type WorldModel } from '../model/world-model.js';

/** How {@link AgentWorld.Q} combines the ensemble's heads. */
export type QReduce = 'none' | 'mean' | 'min';

/** Options of {@link AgentWorld.Q}. */
export interface QOptions {
  /**
   * `none`: every head, member-major (`numQ × B` values); `mean` / `min` over all heads (B values).
   * HEAD's `Q(…, 'avg' | 'min')` uses a random pair of heads: take two rows of `none` for that.
   * @defaultValue 'none'
   */
  reduce?: QReduce;
  /** The EMA target ensemble instead of the online one. @defaultValue false */
  target?: boolean;
}

/** Plain-array access to an agent's world model. Get it as `agent.world`. */
export class AgentWorld {
  readonly #model: WorldModel;
  readonly #cfg: ResolvedConfig;
  readonly #g: Graph;
  readonly #rng: RngStream;
  readonly #check: () => void;

  /** @internal Made by the agent. */
  constructor(model: WorldModel, seed: number, check: () => void) {
    this.#model = model;
    this.#cfg = model.cfg;
    this.#g = new Graph(model.device);
    // Its own policy stream (policy + 2^20), so sampling here never moves the agent's draws.
    this.#rng = new RngStream(seed, STREAMS.policy + 2 ** 20);
    this.#check = check;
  }

  /** Latent size L. */
  get latentDim(): number {
    return this.#cfg.latentDim;
  }

  /** Observations [B, obsDim] → latents [B, L] (SimNorm groups). */
  encode(obs: Float32Array): Float32Array {
    const g = this.#start();
    const B = this.#rows('encode', 'obs', obs, this.#cfg.obsDim);
    return g.noGrad(() => this.#model.encode(g, this.#input(obs, B, this.#cfg.obsDim)).value.toArray());
  }

  /** Latent dynamics: z [B, L], a [B, actionDim] → next latents [B, L]. */
  next(z: Float32Array, a: Float32Array): Float32Array {
    const g = this.#start();
    const [zv, av] = this.#za('next', z, a);
    return g.noGrad(() => this.#model.next(g, zv, av).value.toArray());
  }

  /** Predicted rewards [B] of taking a at z (two-hot expectation, symexp'd). */
  reward(z: Float32Array, a: Float32Array): Float32Array {
    const g = this.#start();
    const [zv, av] = this.#za('reward', z, a);
    return g.noGrad(() => twoHotInv(g, this.#model.rewardLogits(g, zv, av), this.#cfg).value.toArray());
  }

  /** Q values of (z, a): every head ([numQ, B]) or their mean / min ([B]); see {@link QOptions}. */
  Q(z: Float32Array, a: Float32Array, options: QOptions = {}): Float32Array {
    const reduce = options.reduce ?? 'none';
    if (reduce !== 'none' && reduce !== 'mean' && reduce !== 'min')
      throw new RangeError(`AgentWorld.Q: options.reduce: expected 'none', 'mean' or 'min', got ${String(reduce)}`);
    const g = this.#start();
    const [zv, av] = this.#za('Q', z, a);
    const B = zv.shape[0]!;
    const Q = this.#cfg.numQ;
    const all = g.noGrad(() => {
      const logits = this.#model.qLogits(g, zv, av, { params: 'constant', dropout: null }, options.target ?? false);
      const out = new Float32Array(Q * B);
      for (let q = 0; q < Q; q++) out.set(twoHotInv(g, member(g, logits, q), this.#cfg).value.toArray(), q * B);
      return out;
    });
    if (reduce === 'none') return all;
    const out = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      let acc = reduce === 'min' ? Infinity : 0;
      for (let q = 0; q < Q; q++) acc = reduce === 'min' ? Math.min(acc, all[q * B + b]!) : acc + all[q * B + b]!;
      out[b] = reduce === 'min' ? acc : acc / Q;
    }
    return out;
  }

  /** Policy-prior actions [B, actionDim] at z: the mean (`evalMode`) or a sample. */
  policy(z: Float32Array, options: { evalMode?: boolean } = {}): Float32Array {
    const g = this.#start();
    const B = this.#rows('policy', 'z', z, this.#cfg.latentDim);
    return g.noGrad(() => {
      const pi = this.#model.policy(g, this.#input(z, B, this.#cfg.latentDim), this.#rng);
      return ((options.evalMode ?? false) ? pi.mean : pi.action.value).toArray();
    });
  }

  /** Frees the workspaces (the agent calls it on dispose). */
  dispose(): void {
    this.#g.dispose();
  }

  #start(): Graph {
    this.#check();
    this.#g.reset();
    return this.#g;
  }

  /** Checks a flat row-major array of rows of `width` finite values; returns the row count. */
  #rows(op: string, arg: string, x: unknown, width: number): number {
    if (!(x instanceof Float32Array)) throw new TypeError(`AgentWorld.${op}: ${arg}: expected a Float32Array of B × ${width} values, got ${x === null ? 'null' : typeof x}`);
    if (x.length === 0 || x.length % width !== 0) throw new RangeError(`AgentWorld.${op}: ${arg}: expected B × ${width} values, got ${x.length}`);
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) throw new RangeError(`AgentWorld.${op}: ${arg}[${i}] is ${x[i]}, not finite`);
    return x.length / width;
  }

  #za(op: string, z: Float32Array, a: Float32Array): [Var, Var] {
    const { latentDim: L, actionDim: A } = this.#cfg;
    const B = this.#rows(op, 'z', z, L);
    const Ba = this.#rows(op, 'a', a, A);
    if (Ba !== B) throw new RangeError(`AgentWorld.${op}: a: expected ${B} rows (z has ${B} × ${L}), got ${Ba} × ${A}`);
    return [this.#input(z, B, L), this.#input(a, B, A)];
  }

  #input(x: Float32Array, B: number, width: number): Var {
    const t = this.#g.tensor([B, width]);
    t.write(x);
    return this.#g.constant(t);
  }
}
