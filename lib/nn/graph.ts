// A small tape autograd over the native kernels. Each differentiable op computes its output into a
// workspace tensor and, when gradients are on and an input needs one, records a backward closure.
// backward() runs the closures in reverse. Loss ops seed their own input gradients with their
// weights, so backward() is the gradient of the weighted sum of every loss recorded.
//
// Gradients: parameters accumulate straight into their own grad buffers (the optimizer zeroes
// them); activations get a workspace gradient on the first contribution, written directly, and
// later contributions are added (a value used twice receives the sum).
import { axpy, copyCols } from './kernels/elementwise.js';
import type { Device } from './device.js';
import type { Tensor } from './tensor.js';
import { Workspace } from './workspace.js';

/** A tensor in the graph, with its gradient once backward has reached it. */
export class Var {
  readonly value: Tensor;
  readonly requiresGrad: boolean;
  /** For parameters: the parameter's grad buffer. For activations: set during backward. */
  grad: Tensor | null;
  /** Parameters accumulate into `grad`; activations are written on the first contribution. */
  readonly isParam: boolean;
  /**
   * The only columns [begin, end) of this (2-D) activation's gradient that its producer reads, or
   * null for all: a [z, a] concatenation whose z needs no gradient reads only a's. Consumers may
   * then leave the other columns of their contributions unwritten (their contents undefined).
   */
  gradCols: readonly [number, number] | null = null;

  constructor(value: Tensor, requiresGrad: boolean, grad: Tensor | null = null, isParam = false) {
    this.value = value;
    this.requiresGrad = requiresGrad;
    this.grad = grad;
    this.isParam = isParam;
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }
}

export class Graph {
  readonly device: Device;
  readonly ws: Workspace;
  #tape: Array<() => void> = [];
  #gradEnabled = true;
  #backwardRunning = false;

  constructor(device: Device) {
    this.device = device;
    this.ws = new Workspace(device);
  }

  get gradEnabled(): boolean {
    return this.#gradEnabled;
  }

  /** Runs fn with recording off (torch.no_grad). */
  noGrad<T>(fn: () => T): T {
    const prev = this.#gradEnabled;
    this.#gradEnabled = false;
    try {
      return fn();
    } finally {
      this.#gradEnabled = prev;
    }
  }

  /** A workspace tensor (contents undefined). */
  tensor(shape: readonly number[]): Tensor {
    return this.ws.take(shape);
  }

  /** A constant input: no gradient flows into it. */
  constant(t: Tensor): Var {
    return new Var(t, false);
  }

  /** A parameter leaf whose gradient accumulates into `grad`. */
  param(value: Tensor, grad: Tensor): Var {
    return new Var(value, true, grad, true);
  }

  /** The same value with gradients blocked (torch .detach()). */
  detach(v: Var): Var {
    return new Var(v.value, false);
  }

  /** Whether an op with these inputs must record its backward. */
  needsGrad(...inputs: (Var | null | undefined)[]): boolean {
    if (!this.#gradEnabled) return false;
    for (const v of inputs) if (v?.requiresGrad) return true;
    return false;
  }

  /** The output Var of an op over `inputs`. */
  output(value: Tensor, ...inputs: (Var | null | undefined)[]): Var {
    return new Var(value, this.needsGrad(...inputs));
  }

  /** Records a backward closure (call only when needsGrad() said so). */
  record(backward: () => void): void {
    this.#tape.push(backward);
  }

  /**
   * Adds a gradient contribution to activation `v`: `write(dst)` must overwrite dst with it. The
   * first contribution is written straight into v.grad; later ones go to scratch and are added.
   * Parameters are handled by their kernels (they accumulate) and must not come through here.
   */
  accumulate(v: Var, write: (dst: Tensor) => void): void {
    if (!v.requiresGrad) return;
    if (v.isParam) throw new Error('Graph.accumulate: parameters accumulate in their kernels');
    if (v.grad === null) {
      v.grad = this.ws.take(v.shape);
      write(v.grad);
      return;
    }
    const tmp = this.ws.take(v.shape);
    write(tmp);
    // Only the columns the producer reads: a consumer may have left the others unwritten.
    if (v.gradCols) copyCols(v.grad, v.gradCols[0], tmp, v.gradCols[0], v.gradCols[1] - v.gradCols[0], true);
    else axpy(v.grad, 1, tmp);
  }

  /** The gradient buffer of activation v for a kernel that accumulates (+=) into it. */
  gradForAccumulate(v: Var): Tensor {
    if (v.grad === null) {
      v.grad = this.ws.take(v.shape);
      v.grad.fill(0);
    }
    return v.grad;
  }

  /** Runs every recorded backward closure, newest first, then clears the tape. */
  backward(): void {
    if (this.#backwardRunning) throw new Error('Graph.backward: already running');
    this.#backwardRunning = true;
    try {
      for (let i = this.#tape.length - 1; i >= 0; i--) this.#tape[i]!();
    } finally {
      this.#tape = [];
      this.#backwardRunning = false;
    }
  }

  /** Starts a new pass: clears the tape and rewinds the workspace. */
  reset(): void {
    this.#tape = [];
    this.ws.reset();
  }

  /** Closures recorded and not yet run. */
  get tapeLength(): number {
    return this.#tape.length;
  }

  dispose(): void {
    this.#tape = [];
    this.ws.dispose();
  }
}
