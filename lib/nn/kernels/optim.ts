// optim: Adam, sum of squares, scale and Polyak averaging over flat float32 buffers
// (native/include/tdmpc2/optim.h, math/adam.h). The optimiser built on these is nn/optim.ts.
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle } from './handles.js';

/** The native functions of this family. */
export interface OptimNative {
  adamStep(
    param: TensorHandle,
    grad: TensorHandle,
    m: TensorHandle,
    v: TensorHandle,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    step: number,
    gradScale: number,
    zeroGrad: boolean,
  ): void;
  sumSquares(t: TensorHandle): number;
  scale(t: TensorHandle, s: number): void;
  polyakUpdate(target: TensorHandle, online: TensorHandle, tau: number): void;
}

const native = () => addon() as unknown as OptimNative;

/**
 * One step of PyTorch's `torch.optim.Adam` (non-fused, amsgrad off, no weight decay) on one
 * parameter group, in place: with g = grad·gradScale,
 * m ← lerp(m, g, 1 − β1); v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + eps).
 * `grad` itself is not modified unless `zeroGrad`: then it is set to 0 once read (zero_grad
 * fused into the step). param, grad, m, v: the same shape, device, no shared memory.
 *
 * @param step the step number t ≥ 1 of this update (1 on the first call)
 * @param gradScale multiplies the gradient first (the global-norm clip coefficient; 1 = none)
 * @param zeroGrad zero the gradient in the same pass
 */
export function adamStep(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  step: number,
  gradScale = 1,
  zeroGrad = false,
): void {
  const op = 'adamStep';
  native().adamStep(
    handle(op, 'param', param),
    handle(op, 'grad', grad),
    handle(op, 'm', m),
    handle(op, 'v', v),
    lr,
    beta1,
    beta2,
    eps,
    step,
    gradScale,
    zeroGrad,
  );
}

/** Σ t[i]², accumulated in double. For a CUDA tensor this waits for the device. */
export function sumSquares(t: Tensor): number {
  return native().sumSquares(handle('sumSquares', 't', t));
}

/** t ← t·s in place (float32 multiply). */
export function scale(t: Tensor, s: number): void {
  native().scale(handle('scale', 't', t), s);
}

/** Polyak averaging in place: target ← target + τ·(online − target) (torch `lerp_`), τ ∈ [0, 1]. */
export function polyakUpdate(target: Tensor, online: Tensor, tau: number): void {
  const op = 'polyakUpdate';
  native().polyakUpdate(handle(op, 'target', target), handle(op, 'online', online), tau);
}
