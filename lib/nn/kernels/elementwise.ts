// Data movement and the MSE loss (native/include/tdmpc2/elementwise.h).
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle, optionalHandle } from './handles.js';

export interface ElementwiseNative {
  copyCols(dst: TensorHandle, dstCol: number, src: TensorHandle, srcCol: number, cols: number, accumulate: boolean): void;
  axpy(y: TensorHandle, alpha: number, x: TensorHandle): void;
  mse(pred: TensorHandle, target: TensorHandle, grad: TensorHandle | null, scale: number): number;
}

const native = () => addon() as unknown as ElementwiseNative;

/**
 * dst[:, dstCol : dstCol+cols] = src[:, srcCol : srcCol+cols] on 2-D tensors with equal row
 * counts; `accumulate` adds instead. Concatenation and its backward are built from this.
 */
export function copyCols(dst: Tensor, dstCol: number, src: Tensor, srcCol: number, cols: number, accumulate = false): void {
  const op = 'copyCols';
  native().copyCols(handle(op, 'dst', dst), dstCol, handle(op, 'src', src), srcCol, cols, accumulate);
}

/** y += alpha · x (same element count). */
export function axpy(y: Tensor, alpha: number, x: Tensor): void {
  const op = 'axpy';
  native().axpy(handle(op, 'y', y), alpha, handle(op, 'x', x));
}

/**
 * Σ (pred − target)² (accumulated in double); when `grad` is given it receives
 * scale · 2 · (pred − target), the gradient of scale · Σ (pred − target)².
 */
export function mse(pred: Tensor, target: Tensor, grad: Tensor | null, scale: number): number {
  const op = 'mse';
  return native().mse(handle(op, 'pred', pred), handle(op, 'target', target), optionalHandle(op, 'grad', grad), scale);
}
