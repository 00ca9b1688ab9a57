// Adam over parameter groups, global gradient-norm clipping and their PyTorch semantics.
//
// A parameter group is one flat float32 buffer of parameters with its gradient buffer (the model
// lays out each network's parameters contiguously, so one kernel call updates a whole group).
// SPEC §9.4: the world-model optimiser has groups [encoder (lr·0.3), dynamics, reward, Q, ...],
// eps 1e-8; the policy optimiser has one group, eps 1e-5; betas (0.9, 0.999) for both.
import { adamStep, scale, sumSquares } from './kernels/optim.js';
import { Tensor } from './tensor.js';

/** One parameter group: a flat parameter buffer, its gradient, and its own lr and eps. */
export interface AdamGroup {
  /** The parameters, updated in place by step(). */
  params: Tensor;
  /** Their gradient (same shape and device), read by step(), zeroed by zeroGrad(). */
  grads: Tensor;
  /** Learning rate of this group (mutable between steps). */
  lr: number;
  /** eps of this group (mutable between steps). */
  eps: number;
  /** For messages and checkpoints. */
  name?: string;
}

export interface AdamOptions {
  /**
   * (β1, β2), shared by all groups.
   * @defaultValue [0.9, 0.999]
   */
  betas?: readonly [number, number];
}

/** Everything Adam needs to continue exactly: the step count and both moments of every group. */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

function checkFinite(what: string, x: number, lo: number, hi = Infinity, hiOpen = false): void {
  const ok = typeof x === 'number' && Number.isFinite(x) && x >= lo && (hiOpen ? x < hi : x <= hi);
  if (!ok) throw new RangeError(`${what}: expected a finite number in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${x}`);
}

/**
 * PyTorch's `torch.optim.Adam` (amsgrad off, no weight decay, not fused) over parameter groups.
 * The moments live in tensors on the groups' devices, allocated once; step() allocates nothing.
 */
export class Adam {
  readonly groups: readonly AdamGroup[];
  readonly beta1: number;
  readonly beta2: number;
  readonly #m: Tensor[];
  readonly #v: Tensor[];
  #step = 0;

  constructor(groups: readonly AdamGroup[], options: AdamOptions = {}) {
    if (!Array.isArray(groups) || groups.length === 0)
      throw new TypeError('Adam: groups: expected a non-empty array of { params, grads, lr, eps }');
    const [beta1, beta2] = options.betas ?? [0.9, 0.999];
    checkFinite('Adam: betas[0]', beta1, 0, 1, true);
    checkFinite('Adam: betas[1]', beta2, 0, 1, true);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.groups = groups.map((g, i) => {
      const what = `Adam: groups[${i}]${g?.name ? ` (${g.name})` : ''}`;
      if (!(g?.params instanceof Tensor) || !(g.grads instanceof Tensor))
        throw new TypeError(`${what}: params and grads must be Tensors`);
      if (g.params.shape.join() !== g.grads.shape.join() || g.params.device !== g.grads.device)
        throw new RangeError(
          `${what}: grads [${g.grads.shape.join(', ')}] on ${g.grads.device} must match params ` +
            `[${g.params.shape.join(', ')}] on ${g.params.device}`,
        );
      checkFinite(`${what}.lr`, g.lr, 0);
      checkFinite(`${what}.eps`, g.eps, 0);
      return { ...g };
    });
    this.#m = this.groups.map((g) => Tensor.zeros(g.params.shape, g.params.device));
    this.#v = this.groups.map((g) => Tensor.zeros(g.params.shape, g.params.device));
  }

  /** Steps taken so far (torch's state['step']). */
  get stepCount(): number {
    return this.#step;
  }

  /**
   * One Adam step of every group. `gradScale` multiplies every gradient first, as
   * clip_grad_norm_ would have in place: pass `clipCoefficient(totalNorm, maxNorm)` to fuse the
   * clip into the step (the gradient buffers keep their unscaled values). Unlike torch, a
   * non-finite gradScale (a NaN/∞ gradient norm) throws instead of writing NaN into the
   * parameters; nothing is updated then. `{ zeroGrad: true }` also zeroes every gradient in the
   * same pass over the buffers (step then zeroGrad() in one).
   */
  step(gradScale = 1, opts: { zeroGrad?: boolean } = {}): void {
    checkFinite('Adam.step: gradScale', gradScale, 0);
    const t = this.#step + 1;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i]!;
      adamStep(g.params, g.grads, this.#m[i]!, this.#v[i]!, g.lr, this.beta1, this.beta2, g.eps, t, gradScale, opts.zeroGrad === true);
    }
    this.#step = t;
  }

  /** Sets every gradient to zero (the gradients of the next backward pass accumulate onto 0). */
  zeroGrad(): void {
    for (const g of this.groups) g.grads.fill(0);
  }

  /** A copy of the optimiser state, for checkpoints. */
  state(): AdamState {
    return {
      step: this.#step,
      m: this.#m.map((t) => t.toArray()),
      v: this.#v.map((t) => t.toArray()),
    };
  }

  /** Restores a state taken by state() from an optimiser with the same group sizes. */
  loadState(state: AdamState): void {
    if (!Number.isSafeInteger(state?.step) || state.step < 0)
      throw new RangeError(`Adam.loadState: step: expected a non-negative integer, got ${state?.step}`);
    for (const key of ['m', 'v'] as const) {
      const arrs = state[key];
      if (!Array.isArray(arrs) || arrs.length !== this.groups.length)
        throw new RangeError(`Adam.loadState: ${key}: expected ${this.groups.length} arrays, got ${arrs?.length}`);
      arrs.forEach((a, i) => {
        const n = this.groups[i]!.params.size;
        if (!(a instanceof Float32Array) || a.length !== n)
          throw new RangeError(`Adam.loadState: ${key}[${i}]: expected a Float32Array of length ${n}, got ${a?.length}`);
      });
    }
    state.m.forEach((a, i) => this.#m[i]!.write(a));
    state.v.forEach((a, i) => this.#v[i]!.write(a));
    this.#step = state.step;
  }

  /** Frees the moment tensors (the parameter and gradient tensors belong to the caller). */
  dispose(): void {
    for (const t of [...this.#m, ...this.#v]) t.dispose();
  }
}

/**
 * The global L2 norm of several gradient buffers: √(Σ_buffers Σ g²), accumulated in double (torch
 * stacks float32 per-tensor norms; the two agree to float32 rounding).
 */
export function gradNorm(grads: readonly Tensor[]): number {
  let sum = 0;
  for (const g of grads) sum += sumSquares(g);
  return Math.sqrt(sum);
}

/**
 * The factor `torch.nn.utils.clip_grad_norm_` multiplies every gradient by:
 * min(maxNorm / (totalNorm + 1e-6), 1). It is applied even when it is 1, and it is NaN when the
 * norm is NaN (torch's default error_if_nonfinite=False).
 */
export function clipCoefficient(totalNorm: number, maxNorm: number): number {
  return Math.min(maxNorm / (totalNorm + 1e-6), 1);
}

/**
 * `torch.nn.utils.clip_grad_norm_(params, maxNorm)`: scales the gradients in place so that their
 * global norm is at most maxNorm and returns the norm before clipping. (Adam.step(gradScale) is
 * the fused alternative that leaves the gradients untouched.)
 */
export function clipGradNorm(grads: readonly Tensor[], maxNorm: number): number {
  checkFinite('clipGradNorm: maxNorm', maxNorm, 0);
  const total = gradNorm(grads);
  const coef = clipCoefficient(total, maxNorm);
  for (const g of grads) scale(g, coef);
  return total;
}
