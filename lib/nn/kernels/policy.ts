// The policy prior's sampling head (native/include/tdmpc2/policy.h; SPEC §6): tanh-squashed
// Gaussian sample with reparameterised noise, its log-prob and HEAD's scaled entropy, and the
// backward of all of it to the π-net output.
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle, optionalHandle } from './handles.js';

/** The log-std squash range: logσ = min + ½(max − min)(tanh(raw) + 1). Config defaults −10, 2. */
export interface LogStdRange {
  logStdMin: number;
  logStdMax: number;
}

/** Outputs of policyForward; everything but `action` may be omitted (not computed). */
export interface PolicyOutputs {
  /** [N, A] a = tanh(μ + ε·exp(logσ)). */
  action: Tensor;
  /** [N, A] tanh(μ). */
  mean?: Tensor | null;
  /** [N, A] logσ. */
  logStd?: Tensor | null;
  /** [N] lp_g = Σ_i (−½ε_i² − logσ_i − ½ln 2π). */
  gaussianLogProb?: Tensor | null;
  /** [N] lp = lp_g − Σ_i ln(relu(1 − a_i²) + 1e-6); the entropy is −lp. */
  logProb?: Tensor | null;
  /** [N] −lp · (S·lp_g)/(lp + 1e-8) ≈ −S·lp_g (S = A, or the mask's row sum). */
  scaledEntropy?: Tensor | null;
}

/** The native functions of this family. */
export interface PolicyNative {
  policyForward(
    raw: TensorHandle,
    eps: TensorHandle,
    mask: TensorHandle | null,
    action: TensorHandle,
    mean: TensorHandle | null,
    logStd: TensorHandle | null,
    gaussianLogProb: TensorHandle | null,
    logProb: TensorHandle | null,
    scaledEntropy: TensorHandle | null,
    logStdMin: number,
    logStdMax: number,
  ): void;
  policyBackward(
    raw: TensorHandle,
    eps: TensorHandle,
    mask: TensorHandle | null,
    dAction: TensorHandle | null,
    dScaledEntropy: TensorHandle | null,
    dRaw: TensorHandle,
    logStdMin: number,
    logStdMax: number,
  ): void;
}

const native = () => addon() as unknown as PolicyNative;

function rangeOf(op: string, range: LogStdRange): LogStdRange {
  if (typeof range !== 'object' || range === null)
    throw new TypeError(`${op}: range: expected { logStdMin, logStdMax }, got ${range === null ? 'null' : typeof range}`);
  return range;
}

/**
 * The policy prior π(z) from the π-net output raw [N, 2A] (μ | raw log-std) and the noise
 * eps [N, A] (standard normal, drawn by the caller). `mask` ([A] for all rows or [N, A] per row,
 * 1/0) zeroes μ, logσ and ε of unused action dims as HEAD's multitask model does, and makes the
 * entropy scale S the row's mask sum instead of A.
 */
export function policyForward(
  raw: Tensor,
  eps: Tensor,
  mask: Tensor | null,
  out: PolicyOutputs,
  range: LogStdRange,
): void {
  const op = 'policyForward';
  const r = rangeOf(op, range);
  if (typeof out !== 'object' || out === null) throw new TypeError(`${op}: out: expected an object of output tensors`);
  native().policyForward(
    handle(op, 'raw', raw),
    handle(op, 'eps', eps),
    optionalHandle(op, 'mask', mask),
    handle(op, 'action', out.action),
    optionalHandle(op, 'mean', out.mean),
    optionalHandle(op, 'logStd', out.logStd),
    optionalHandle(op, 'gaussianLogProb', out.gaussianLogProb),
    optionalHandle(op, 'logProb', out.logProb),
    optionalHandle(op, 'scaledEntropy', out.scaledEntropy),
    r.logStdMin,
    r.logStdMax,
  );
}

/**
 * Backward of policyForward: dRaw [N, 2A] (overwritten) = dL/draw given dL/da [N, A] and
 * dL/d(scaledEntropy) [N] (either may be null). The noise is the same eps the forward used.
 */
export function policyBackward(
  raw: Tensor,
  eps: Tensor,
  mask: Tensor | null,
  dAction: Tensor | null,
  dScaledEntropy: Tensor | null,
  dRaw: Tensor,
  range: LogStdRange,
): void {
  const op = 'policyBackward';
  const r = rangeOf(op, range);
  native().policyBackward(
    handle(op, 'raw', raw),
    handle(op, 'eps', eps),
    optionalHandle(op, 'mask', mask),
    optionalHandle(op, 'dAction', dAction),
    optionalHandle(op, 'dScaledEntropy', dScaledEntropy),
    handle(op, 'dRaw', dRaw),
    r.logStdMin,
    r.logStdMax,
  );
}
