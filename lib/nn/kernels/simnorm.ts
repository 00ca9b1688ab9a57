// SimNorm as a standalone op (native/include/tdmpc2/simnorm.h): softmax over each group of V
// consecutive values of the last axis. The dense layer fuses it as its ln_simnorm epilogue.
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle } from './handles.js';

export interface SimnormNative {
  simnormForward(X: TensorHandle, Y: TensorHandle, V: number): void;
  simnormBackward(Y: TensorHandle, dY: TensorHandle, dX: TensorHandle, V: number): void;
}

const native = () => addon() as unknown as SimnormNative;

/** Y = simnorm_V(X) (same shape; V divides the last dimension). @param V group size, default 8 */
export function simnormForward(X: Tensor, Y: Tensor, V = 8): void {
  const op = 'simnormForward';
  native().simnormForward(handle(op, 'X', X), handle(op, 'Y', Y), V);
}

/** dX = per group Y ⊙ (dY − Σ dY ⊙ Y), from the forward's output Y (overwritten). */
export function simnormBackward(Y: Tensor, dY: Tensor, dX: Tensor, V = 8): void {
  const op = 'simnormBackward';
  native().simnormBackward(handle(op, 'Y', Y), handle(op, 'dY', dY), handle(op, 'dX', dX), V);
}
