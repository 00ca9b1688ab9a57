// Helpers shared by the typed kernel wrappers: unwrap Tensors to native handles with a TypeError
// naming the op and argument when something else is passed.
import type { TensorHandle } from '../../native.js';
import { Tensor } from '../tensor.js';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `an instance of ${(v as object).constructor?.name ?? 'Object'}` : typeof v;
}

/** The handle of a required tensor argument. */
export function handle(op: string, name: string, t: Tensor): TensorHandle {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name}: expected a Tensor, got ${describe(t)}`);
  return t.handle;
}

/** The handle of an optional tensor argument (null/undefined → null). */
export function optionalHandle(op: string, name: string, t: Tensor | null | undefined): TensorHandle | null {
  return t == null ? null : handle(op, name, t);
}
