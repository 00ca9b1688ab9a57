// The two-hot critic (native/include/tdmpc2/critic.h): soft cross-entropy in symlog two-hot space
// with its logits gradient, the decode two_hot_inv and its backward, and the encode two_hot.
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle, optionalHandle } from './handles.js';

/**
 * The bins of the discrete-regression heads: K bins evenly spaced in symlog space on
 * [vmin, vmax]. Logits have max(K, 1) columns: K = 0 is the identity and K = 1 symlog (one
 * column). The defaults (101, −10, 10) belong to the agent's config.
 */
export interface TwoHotBins {
  /** K ≥ 0. */
  numBins: number;
  /** Lower end of the bins in symlog space; vmin < vmax. */
  vmin: number;
  /** Upper end of the bins in symlog space. */
  vmax: number;
}

/** The native functions of this family. */
export interface CriticNative {
  softCrossEntropy(
    logits: TensorHandle,
    target: TensorHandle,
    loss: TensorHandle,
    dlogits: TensorHandle | null,
    gradScale: number,
    numBins: number,
    vmin: number,
    vmax: number,
  ): void;
  twoHotInvForward(logits: TensorHandle, value: TensorHandle, numBins: number, vmin: number, vmax: number): void;
  twoHotInvBackward(
    logits: TensorHandle,
    dvalue: TensorHandle,
    dlogits: TensorHandle,
    numBins: number,
    vmin: number,
    vmax: number,
  ): void;
  twoHotEncode(x: TensorHandle, out: TensorHandle, numBins: number, vmin: number, vmax: number): void;
}

const native = () => addon() as unknown as CriticNative;

function binsOf(op: string, bins: TwoHotBins): TwoHotBins {
  if (typeof bins !== 'object' || bins === null)
    throw new TypeError(`${op}: bins: expected { numBins, vmin, vmax }, got ${bins === null ? 'null' : typeof bins}`);
  return bins;
}

/**
 * soft_ce: loss[R] = −Σ_k two_hot(target)_k · log_softmax(logits)_k for logits [R, C] and scalar
 * targets [R] (C = max(K, 1)). When `dlogits` [R, C] is given it is overwritten with
 * gradScale · (softmax(logits) − two_hot(target)), the gradient of Σ_r gradScale·loss_r; fold the
 * loss weights (ρ^t/(H·B), coefficients) into gradScale. A NaN target gives a NaN loss and row.
 */
export function softCrossEntropy(
  logits: Tensor,
  target: Tensor,
  loss: Tensor,
  dlogits: Tensor | null,
  gradScale: number,
  bins: TwoHotBins,
): void {
  const op = 'softCrossEntropy';
  const b = binsOf(op, bins);
  native().softCrossEntropy(
    handle(op, 'logits', logits),
    handle(op, 'target', target),
    handle(op, 'loss', loss),
    optionalHandle(op, 'dlogits', dlogits),
    gradScale,
    b.numBins,
    b.vmin,
    b.vmax,
  );
}

/** two_hot_inv: value[R] = symexp(Σ_k softmax(logits)_k · c_k), c = linspace(vmin, vmax, K). */
export function twoHotInvForward(logits: Tensor, value: Tensor, bins: TwoHotBins): void {
  const op = 'twoHotInvForward';
  const b = binsOf(op, bins);
  native().twoHotInvForward(handle(op, 'logits', logits), handle(op, 'value', value), b.numBins, b.vmin, b.vmax);
}

/** Backward of twoHotInvForward: dlogits [R, C] (overwritten) = dvalue · ∂value/∂logits. */
export function twoHotInvBackward(logits: Tensor, dvalue: Tensor, dlogits: Tensor, bins: TwoHotBins): void {
  const op = 'twoHotInvBackward';
  const b = binsOf(op, bins);
  native().twoHotInvBackward(
    handle(op, 'logits', logits),
    handle(op, 'dvalue', dvalue),
    handle(op, 'dlogits', dlogits),
    b.numBins,
    b.vmin,
    b.vmax,
  );
}

/**
 * two_hot: out[R, C] = the two-hot distribution of each x (weight 1 − w at bin ⌊p⌋, w at the next
 * bin mod K, p = (clamp(symlog x, vmin, vmax) − vmin)/bin_size); K = 0: x, K = 1: symlog x.
 */
export function twoHotEncode(x: Tensor, out: Tensor, bins: TwoHotBins): void {
  const op = 'twoHotEncode';
  const b = binsOf(op, bins);
  native().twoHotEncode(handle(op, 'x', x), handle(op, 'out', out), b.numBins, b.vmin, b.vmax);
}
