// Network building blocks (SPEC §3): NormedLinear (Linear → [Dropout] → LayerNorm → Mish or
// SimNorm), plain Linear, and the MLP of TD-MPC2 — optionally an ensemble of E members evaluated
// in one batched call. Each MLP owns one ParamGroup; layers are views into it.
import { denseBackward, denseForward, type DenseEpilogue } from './kernels/dense.js';
import type { Device } from './device.js';
import { slice } from './functional.js';
import { Var, type Graph } from './graph.js';
import type { Tensor } from './tensor.js';
import { LINEAR_WEIGHT_INIT, ONES, ParamGroup, ZEROS, type Param, type ParamSpec } from './params.js';
import type { RngStream } from './rng.js';

/** How a forward pass uses the parameters and dropout. */
export interface ForwardMode {
  /** 'trainable': gradients flow into the parameters; 'frozen': into the inputs only (HEAD's
   *  detached Q); 'constant': no gradient at all (eval, targets). */
  params: 'trainable' | 'frozen' | 'constant';
  /** Dropout on (train mode) with masks drawn from this stream; null = eval mode. */
  dropout: RngStream | null;
}

export const EVAL: ForwardMode = Object.freeze({ params: 'constant', dropout: null });

interface LayerDef {
  inDim: number;
  outDim: number;
  epilogue: DenseEpilogue;
  dropout: number;
}

/** A layer's parameters as the dense call uses them (a whole ensemble's or one member's views). */
interface LayerParams {
  W: { value: Tensor; grad: Tensor | null };
  b: { value: Tensor; grad: Tensor | null };
  gamma: { value: Tensor; grad: Tensor | null } | null;
  beta: { value: Tensor; grad: Tensor | null } | null;
}

/** One layer of an MLP: its parameter views and the dense kernel call with its backward. */
class Layer {
  readonly def: LayerDef;
  readonly index: number;
  readonly members: number | null; // null: a plain (non-ensemble) layer
  readonly simnormDim: number;
  W!: Param;
  b!: Param;
  gamma: Param | null = null;
  beta: Param | null = null;

  constructor(index: number, def: LayerDef, members: number | null, simnormDim: number) {
    this.index = index;
    this.def = def;
    this.members = members;
    this.simnormDim = simnormDim;
  }

  specs(zeroWeight: boolean): ParamSpec[] {
    const lead = this.members === null ? [] : [this.members];
    const { inDim, outDim } = this.def;
    const out: ParamSpec[] = [
      { name: `${this.index}.weight`, shape: [...lead, outDim, inDim], init: zeroWeight ? ZEROS : LINEAR_WEIGHT_INIT },
      { name: `${this.index}.bias`, shape: [...lead, outDim], init: ZEROS },
    ];
    if (this.def.epilogue !== 'none')
      out.push(
        { name: `${this.index}.ln_weight`, shape: [...lead, outDim], init: ONES },
        { name: `${this.index}.ln_bias`, shape: [...lead, outDim], init: ZEROS },
      );
    return out;
  }

  bind(group: ParamGroup): void {
    this.W = group.get(`${this.index}.weight`);
    this.b = group.get(`${this.index}.bias`);
    if (this.def.epilogue !== 'none') {
      this.gamma = group.get(`${this.index}.ln_weight`);
      this.beta = group.get(`${this.index}.ln_bias`);
    }
  }

  /** The output shape for input x: [M, N] or [E, M, N]. */
  outShape(x: Var): number[] {
    const M = x.shape[x.shape.length - 2]!;
    return this.members === null ? [M, this.def.outDim] : [this.members, M, this.def.outDim];
  }

  /** Views of member e of an ensemble parameter (value and grad), made once per parameter. */
  readonly #memberViews = new WeakMap<Param, { value: Tensor; grad: Tensor | null }[]>();

  #member(p: Param, e: number): { value: Tensor; grad: Tensor | null } {
    let views = this.#memberViews.get(p);
    if (!views) {
      const shape = p.shape.slice(1);
      const size = shape.reduce((a, b) => a * b, 1);
      views = Array.from({ length: p.shape[0]! }, (_, i) => ({ value: p.value.view(shape, i * size), grad: p.grad ? p.grad.view(shape, i * size) : null }));
      this.#memberViews.set(p, views);
    }
    return views[e]!;
  }

  /**
   * Member e of an ensemble layer alone, as a plain layer on x [M, K] → [M, N]: the same
   * parameters and, with `dropoutOffset` (the ensemble draw's block offset), the same dropout mask
   * as member e of the whole ensemble: element (e, m, n) is number e·M·N + m·N + n of the draw, so
   * member e's elements start at block offset + e·M·N/4 (the caller ensures 4 | M·N). Gradients
   * flow into x and, when trainable, into member e's slice of the parameter gradients.
   */
  forwardMember(g: Graph, x: Var, e: number, mode: ForwardMode, paramsOf: (p: Param) => Param, dropoutOffset: number | null): Var {
    const [W, b] = [this.#member(paramsOf(this.W), e), this.#member(paramsOf(this.b), e)];
    const gamma = this.gamma && this.#member(paramsOf(this.gamma), e);
    const beta = this.beta && this.#member(paramsOf(this.beta), e);
    const M = x.shape[0]!;
    const offset = dropoutOffset !== null && mode.dropout ? dropoutOffset + (e * M * this.def.outDim) / 4 : null;
    return this.#dense(g, x, [M, this.def.outDim], { W, b, gamma, beta }, mode, offset);
  }

  forward(g: Graph, x: Var, mode: ForwardMode, paramsOf: (p: Param) => Param): Var {
    const shape = this.outShape(x);
    const M = shape[shape.length - 2]!;
    // One dropout draw over (member, row, column), as the dense kernel addresses it.
    const offset = mode.dropout && this.def.dropout > 0 ? mode.dropout.reserve((this.members ?? 1) * M * this.def.outDim) : null;
    const gamma = this.gamma && paramsOf(this.gamma);
    const beta = this.beta && paramsOf(this.beta);
    return this.#dense(g, x, shape, { W: paramsOf(this.W), b: paramsOf(this.b), gamma, beta }, mode, offset);
  }

  /** The dense kernel on x with these parameters (and dropout at `dropoutOffset`), recording its backward. */
  #dense(g: Graph, x: Var, shape: number[], p: LayerParams, mode: ForwardMode, dropoutOffset: number | null): Var {
    const { W, b, gamma, beta } = p;
    const trainable = mode.params === 'trainable';
    const dropout =
      dropoutOffset !== null && mode.dropout ? { p: this.def.dropout, seed: mode.dropout.seed, stream: mode.dropout.stream, offset: dropoutOffset } : null;
    const options = { epilogue: this.def.epilogue, dropout, simnormDim: this.simnormDim };
    const needsGrad = g.gradEnabled && (x.requiresGrad || trainable);
    const y = new Var(g.tensor(shape), needsGrad);
    const params = { W: W.value, b: b.value, gamma: gamma?.value ?? null, beta: beta?.value ?? null };
    const saved =
      needsGrad && this.def.epilogue !== 'none'
        ? { H: g.tensor(shape), stats: g.tensor([...shape.slice(0, -1), 2]) }
        : null;
    denseForward(x.value, params, y.value, options, saved);
    if (needsGrad) {
      g.record(() => {
        const dY = y.grad;
        if (dY === null) return;
        const grads = {
          dH: g.tensor(shape),
          dW: trainable ? W.grad : null,
          db: trainable ? b.grad : null,
          dgamma: trainable ? (gamma?.grad ?? null) : null,
          dbeta: trainable ? (beta?.grad ?? null) : null,
        };
        if (x.requiresGrad) g.accumulate(x, (dX) => denseBackward(x.value, params, saved, dY, { ...grads, dX, dXCols: x.gradCols }, options));
        else if (trainable) denseBackward(x.value, params, saved, dY, { ...grads, dX: null }, options);
      });
    }
    return y;
  }
}

export interface MlpOptions {
  device: Device;
  /** Ensemble members; omitted for a plain MLP. */
  members?: number;
  /** Output layer: 'none' (plain Linear) or 'ln_simnorm' (NormedLinear with SimNorm). */
  outEpilogue?: 'none' | 'ln_simnorm';
  /** Dropout rate of the first hidden layer (the Q heads). */
  dropout?: number;
  simnormDim?: number;
  /** Zero the output layer's weight (reward and Q heads, SPEC §3). */
  zeroOutputWeight?: boolean;
}

/**
 * mlp(in, hidden, out) of SPEC §3: NormedLinear+Mish for each hidden width (dropout on the first
 * only), then the output layer.
 */
export class MLP {
  readonly name: string;
  readonly params: ParamGroup;
  readonly members: number | null;
  readonly #layers: Layer[];

  constructor(name: string, inDim: number, hidden: readonly number[], outDim: number, opts: MlpOptions) {
    this.name = name;
    this.members = opts.members ?? null;
    const dims = [inDim, ...hidden, outDim];
    const simnormDim = opts.simnormDim ?? 8;
    this.#layers = [];
    for (let i = 0; i < dims.length - 1; i++) {
      const last = i === dims.length - 2;
      const epilogue: DenseEpilogue = last ? (opts.outEpilogue ?? 'none') : 'ln_mish';
      const dropout = i === 0 && !last ? (opts.dropout ?? 0) : 0;
      this.#layers.push(new Layer(i, { inDim: dims[i]!, outDim: dims[i + 1]!, epilogue, dropout }, this.members, simnormDim));
    }
    const specs = this.#layers.flatMap((l, i) => l.specs(i === this.#layers.length - 1 && (opts.zeroOutputWeight ?? false)));
    this.params = new ParamGroup(name, specs, opts.device);
    for (const l of this.#layers) l.bind(this.params);
  }

  get inDim(): number {
    return this.#layers[0]!.def.inDim;
  }

  get outDim(): number {
    return this.#layers[this.#layers.length - 1]!.def.outDim;
  }

  /**
   * Runs the network. For an ensemble, x is shared ([M, K]) or per member ([E, M, K]) and the
   * output is [E, M, out]. `paramsFrom` evaluates with another group of the same layout (the
   * target Q copy).
   */
  forward(g: Graph, x: Var, mode: ForwardMode, paramsFrom: ParamGroup = this.params): Var {
    const remap = paramsFrom === this.params ? (p: Param) => p : (p: Param) => paramsFrom.get(p.name);
    const effective: ForwardMode = paramsFrom.grad === null && mode.params === 'trainable' ? { ...mode, params: 'frozen' } : mode;
    let h = x;
    for (const l of this.#layers) h = l.forward(g, h, effective, remap);
    return h;
  }

  /**
   * Selected members of an ensemble, each run alone on the shared input x [M, K] → one [M, out]
   * output per entry of `members`: the same values and dropout masks as those members of the
   * whole-ensemble forward (the dropout stream advances by the whole ensemble's draw), for a
   * fraction of the work. HEAD's min/avg of a random pair of Q heads needs only the pair.
   */
  forwardMembers(g: Graph, x: Var, members: readonly number[], mode: ForwardMode, paramsFrom: ParamGroup = this.params): Var[] {
    const E = this.members;
    if (E === null) throw new Error(`${this.name}.forwardMembers: not an ensemble`);
    if (x.shape.length !== 2) throw new RangeError(`${this.name}.forwardMembers: x: expected a shared [M, K] input, got [${x.shape.join(', ')}]`);
    for (const e of members)
      if (!Number.isInteger(e) || e < 0 || e >= E) throw new RangeError(`${this.name}.forwardMembers: member ${e} outside [0, ${E})`);
    const remap = paramsFrom === this.params ? (p: Param) => p : (p: Param) => paramsFrom.get(p.name);
    const effective: ForwardMode = paramsFrom.grad === null && mode.params === 'trainable' ? { ...mode, params: 'frozen' } : mode;
    const M = x.shape[0]!;
    const dropping = this.#layers.filter((l) => effective.dropout && l.def.dropout > 0);
    if (dropping.some((l) => (M * l.def.outDim) % 4 !== 0)) {
      // A member's dropout elements would start inside a Philox block: run the whole ensemble.
      const all = this.forward(g, x, mode, paramsFrom);
      return members.map((e) => slice(g, all, e * M * this.outDim, [M, this.outDim]));
    }
    // Reserve each dropout layer's whole-ensemble draw once, in layer order, as forward() does.
    const offsets = this.#layers.map((l) => (effective.dropout && l.def.dropout > 0 ? effective.dropout.reserve(E * M * l.def.outDim) : null));
    return members.map((e) => {
      let h = x;
      this.#layers.forEach((l, i) => (h = l.forwardMember(g, h, e, effective, remap, offsets[i] ?? null)));
      return h;
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
