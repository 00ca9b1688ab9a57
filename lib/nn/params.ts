// ParamGroup: the parameters of one network in one flat buffer (and its gradient in another),
// with a named view per tensor. One buffer per network is what Adam steps (one group each, with
// its own lr), what the target EMA averages, and what a checkpoint stores.
import type { Device } from './device.js';
import { scale } from './kernels/optim.js';
import { RngStream } from './rng.js';
import { Tensor } from './tensor.js';

/** How a parameter starts (SPEC §3). */
export type Init =
  | { kind: 'truncNormal'; std: number; cut: number }
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; low: number; high: number };

export interface ParamSpec {
  name: string;
  shape: readonly number[];
  init: Init;
}

export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in the flat buffer, in elements. */
  readonly offset: number;
  readonly size: number;
  /** A view of the flat parameter buffer. */
  readonly value: Tensor;
  /** A view of the flat gradient buffer (null for groups without gradients). */
  readonly grad: Tensor | null;
}

/** The SPEC §3 Linear init: trunc-normal(0, 0.02) cut at ±2 absolute. */
export const LINEAR_WEIGHT_INIT: Init = { kind: 'truncNormal', std: 0.02, cut: 2 };
export const ZEROS: Init = { kind: 'constant', value: 0 };
export const ONES: Init = { kind: 'constant', value: 1 };

export class ParamGroup {
  readonly name: string;
  readonly data: Tensor;
  readonly grad: Tensor | null;
  readonly #params: Param[];
  readonly #byName = new Map<string, Param>();
  readonly #specs: readonly ParamSpec[];

  constructor(name: string, specs: readonly ParamSpec[], device: Device, withGrad = true) {
    this.name = name;
    this.#specs = specs;
    let total = 0;
    for (const s of specs) total += s.shape.reduce((a, b) => a * b, 1);
    this.data = Tensor.zeros([total], device);
    this.grad = withGrad ? Tensor.zeros([total], device) : null;
    let offset = 0;
    this.#params = specs.map((s) => {
      if (this.#byName.has(s.name)) throw new Error(`ParamGroup ${name}: duplicate parameter ${s.name}`);
      const size = s.shape.reduce((a, b) => a * b, 1);
      const p: Param = {
        name: s.name,
        shape: s.shape,
        offset,
        size,
        value: this.data.view(s.shape, offset),
        grad: this.grad ? this.grad.view(s.shape, offset) : null,
      };
      this.#byName.set(s.name, p);
      offset += size;
      return p;
    });
  }

  /** Number of parameters. */
  get numel(): number {
    return this.data.size;
  }

  get params(): readonly Param[] {
    return this.#params;
  }

  get(name: string): Param {
    const p = this.#byName.get(name);
    if (!p) throw new RangeError(`ParamGroup ${this.name}: no parameter "${name}"`);
    return p;
  }

  /**
   * Draws every parameter from its init, in declaration order, from `rng`. The truncated normal
   * is drawn as normal·std clamped to ±cut: with SPEC's std 0.02 and cut 2 the cut lies 100σ out
   * and never binds, as in torch's trunc_normal_ with those arguments.
   */
  initialize(rng: RngStream): void {
    for (let i = 0; i < this.#params.length; i++) {
      const p = this.#params[i]!;
      const init = this.#specs[i]!.init;
      switch (init.kind) {
        case 'constant':
          p.value.fill(init.value);
          break;
        case 'truncNormal': {
          rng.normal(p.value);
          scale(p.value, init.std);
          const v = p.value.toArray();
          let clipped = false;
          for (let j = 0; j < v.length; j++)
            if (Math.abs(v[j]!) > init.cut) {
              v[j] = Math.sign(v[j]!) * init.cut;
              clipped = true;
            }
          if (clipped) p.value.write(v);
          break;
        }
        case 'uniform': {
          rng.uniform(p.value);
          const v = p.value.toArray();
          for (let j = 0; j < v.length; j++) v[j] = init.low + (init.high - init.low) * v[j]!;
          p.value.write(v);
          break;
        }
      }
    }
  }

  zeroGrad(): void {
    this.grad?.fill(0);
  }

  /** Copies the parameter values of a group with the same layout. */
  copyFrom(other: ParamGroup): void {
    if (other.numel !== this.numel) throw new RangeError(`ParamGroup ${this.name}: copyFrom ${other.name}: ${other.numel} != ${this.numel} parameters`);
    this.data.copyFrom(other.data);
  }

  /** The values by name (with `prefix.`), for checkpoints. */
  exportTensors(prefix = this.name): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    const all = this.data.toArray();
    for (const p of this.#params) out.set(`${prefix}.${p.name}`, { shape: [...p.shape], data: all.slice(p.offset, p.offset + p.size) });
    return out;
  }

  /** Loads values by name (with `prefix.`); every parameter must be present with its shape. */
  importTensors(tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>, prefix = this.name, source = 'checkpoint'): void {
    const all = new Float32Array(this.numel);
    for (const p of this.#params) {
      const key = `${prefix}.${p.name}`;
      const t = tensors.get(key);
      if (!t) throw new RangeError(`${source}: missing tensor "${key}"`);
      if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))
        throw new RangeError(`${source}: tensor "${key}": expected shape [${p.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      all.set(t.data, p.offset);
    }
    this.data.write(all);
  }

  dispose(): void {
    for (const p of this.#params) {
      p.value.dispose();
      p.grad?.dispose();
    }
    this.data.dispose();
    this.grad?.dispose();
  }
}
