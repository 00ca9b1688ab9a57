// linear: Y = X·Wᵀ + b and its backward (native/include/tdmpc2/linear.h).
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle, optionalHandle } from './handles.js';

/** The native functions of this family. */
export interface LinearNative {
  linearForward(X: TensorHandle, W: TensorHandle, b: TensorHandle | null, Y: TensorHandle): void;
  linearBackward(
    X: TensorHandle,
    W: TensorHandle,
    dY: TensorHandle,
    dX: TensorHandle | null,
    dW: TensorHandle | null,
    db: TensorHandle | null,
  ): void;
}

const native = () => addon() as unknown as LinearNative;

/** Y[M,N] = X[M,K] · W[N,K]ᵀ + b[N] (b optional). */
export function linearForward(X: Tensor, W: Tensor, b: Tensor | null, Y: Tensor): void {
  const op = 'linearForward';
  native().linearForward(handle(op, 'X', X), handle(op, 'W', W), optionalHandle(op, 'b', b), handle(op, 'Y', Y));
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
  native().linearBackward(
    handle(op, 'X', X),
    handle(op, 'W', W),
    handle(op, 'dY', dY),
    optionalHandle(op, 'dX', dX),
    optionalHandle(op, 'dW', dW),
    optionalHandle(op, 'db', db),
  );
}
