// Typed wrappers of the native kernels. Outputs are passed in (hot paths reuse workspaces); the
// native side validates shapes and devices and throws TypeError/RangeError naming the argument.
import { addon, type TensorHandle } from '../native.js';
import { Tensor } from './tensor.js';

function h(op: string, name: string, t: Tensor): TensorHandle {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name}: expected a Tensor, got ${describe(t)}`);
  return t.handle;
}

function hOpt(op: string, name: string, t: Tensor | null | undefined): TensorHandle | null {
  return t == null ? null : h(op, name, t);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `an instance of ${(v as object).constructor?.name ?? 'Object'}` : typeof v;
}

/** Y[M,N] = X[M,K] · W[N,K]ᵀ + b[N] (b optional). */
export function linearForward(X: Tensor, W: Tensor, b: Tensor | null, Y: Tensor): void {
  const op = 'linearForward';
  addon().linearForward(h(op, 'X', X), h(op, 'W', W), hOpt(op, 'b', b), h(op, 'Y', Y));
}

/**
 * Backward of linearForward: dX = dY·W (overwritten), dW += dYᵀ·X and db += Σ_rows dY
 * (accumulated: parameter gradients sum over every use of the layer until the optimizer zeroes
 * them). Pass null for a gradient that is not needed.
 */
export function linearBackward(
  X: Tensor,
  W: Tensor,
  dY: Tensor,
  dX: Tensor | null,
  dW: Tensor | null,
  db: Tensor | null,
): void {
  const op = 'linearBackward';
  addon().linearBackward(
    h(op, 'X', X),
    h(op, 'W', W),
    h(op, 'dY', dY),
    hOpt(op, 'dX', dX),
    hOpt(op, 'dW', dW),
    hOpt(op, 'db', db),
  );
}
