// dense: Y = epilogue(dropout(X·Wᵀ + b)), ensemble-batched, and its backward
// (native/include/tdmpc2/dense.h). Every TD-MPC2 layer is one of these: NormedLinear with Mish
// (hidden layers), with SimNorm (encoder and dynamics outputs), plain Linear (heads), and the Q
// ensemble as one call over all members.
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle, optionalHandle } from './handles.js';

/** What follows the affine map: nothing, LayerNorm → Mish, or LayerNorm → SimNorm. */
export type DenseEpilogue = 'none' | 'ln_mish' | 'ln_simnorm';

const EPILOGUE_CODE: Record<DenseEpilogue, number> = { none: 0, ln_mish: 1, ln_simnorm: 2 };

/** The native functions of this family (argument order of the binding, epilogue as its code). */
export interface DenseNative {
  denseForward(
    epilogue: number,
    X: TensorHandle,
    W: TensorHandle,
    b: TensorHandle | null,
    gamma: TensorHandle | null,
    beta: TensorHandle | null,
    Y: TensorHandle,
    H: TensorHandle | null,
    stats: TensorHandle | null,
    p: number,
    seed: number,
    stream: number,
    offset: number,
    V: number,
  ): void;
  denseBackward(
    epilogue: number,
    X: TensorHandle,
    W: TensorHandle,
    gamma: TensorHandle | null,
    beta: TensorHandle | null,
    H: TensorHandle | null,
    stats: TensorHandle | null,
    dY: TensorHandle,
    dH: TensorHandle,
    dX: TensorHandle | null,
    dW: TensorHandle | null,
    db: TensorHandle | null,
    dgamma: TensorHandle | null,
    dbeta: TensorHandle | null,
    p: number,
    seed: number,
    stream: number,
    offset: number,
    V: number,
    dxBegin: number,
    dxEnd: number,
  ): void;
  denseFreezeWeights(tensors: TensorHandle[]): void;
  denseThawWeights(): void;
  denseFrozenPacks(): number;
}

const native = () => addon() as unknown as DenseNative;

/**
 * The parameters of a layer or of an ensemble of E layers. W is [N, K] (one layer) or [E, N, K]
 * (an ensemble); b, gamma and beta are [N] or [E, N] to match.
 */
export interface DenseParams {
  W: Tensor;
  /** Bias; null for none. */
  b: Tensor | null;
  /** LayerNorm scale γ (required by the ln_* epilogues, absent for `none`). */
  gamma?: Tensor | null;
  /** LayerNorm shift β (required by the ln_* epilogues, absent for `none`). */
  beta?: Tensor | null;
}

/**
 * Dropout on the affine output before the LayerNorm (torch.nn.Dropout: keep with probability
 * 1 − p, scale kept values by 1/(1 − p)). Element (e, m, n) uses Philox number (e·M + m)·N + n
 * of the draw at (seed, stream, offset), so backward recomputes the mask from the same address;
 * a call consumes `denseDropoutBlocks(E, M, N)` blocks: advance `offset` by that per call.
 */
export interface DenseDropout {
  /** Drop probability in [0, 1). @defaultValue 0 (no dropout) */
  p: number;
  /** Philox key, an integer in [0, 2^53). */
  seed: number;
  /** Philox stream, an integer in [0, 2^32). */
  stream: number;
  /** First Philox block of this draw, an integer in [0, 2^53). */
  offset: number;
}

/** What the forward saves for backward (ln_* epilogues only). */
export interface DenseSaved {
  /** The LayerNorm input (the affine output after dropout): [M, N] or [E, M, N]. */
  H: Tensor;
  /** (mean, rstd) of each row of H: [M, 2] or [E, M, 2]. */
  stats: Tensor;
}

export interface DenseOptions {
  epilogue: DenseEpilogue;
  /** Dropout, or null/absent for none (inference, target networks, layers without dropout). */
  dropout?: DenseDropout | null;
  /** SimNorm group size V (ln_simnorm; must divide N). @defaultValue 8 */
  simnormDim?: number;
}

/** Philox blocks one dropout draw of a dense call over E·M·N elements consumes. */
export function denseDropoutBlocks(E: number, M: number, N: number): number {
  return Math.ceil((E * M * N) / 4);
}

function epilogueCode(op: string, e: DenseEpilogue): number {
  const code = EPILOGUE_CODE[e];
  if (code === undefined)
    throw new RangeError(`${op}: epilogue: expected 'none', 'ln_mish' or 'ln_simnorm', got ${JSON.stringify(e)}`);
  return code;
}

/**
 * Y = epilogue(dropout(X·Wᵀ + b)) for every member. X is [M, K] (shared by all members) or
 * [E, M, K] (one input per member, with a 3-D W); Y is [M, N] or [E, M, N]. Pass `save` in
 * training (ln_* epilogues) to keep what denseBackward needs; null saves nothing (inference).
 */
export function denseForward(
  X: Tensor,
  params: DenseParams,
  Y: Tensor,
  options: DenseOptions,
  save: DenseSaved | null = null,
): void {
  const op = 'denseForward';
  const d = options.dropout;
  native().denseForward(
    epilogueCode(op, options.epilogue),
    handle(op, 'X', X),
    handle(op, 'W', params.W),
    optionalHandle(op, 'b', params.b),
    optionalHandle(op, 'gamma', params.gamma),
    optionalHandle(op, 'beta', params.beta),
    handle(op, 'Y', Y),
    optionalHandle(op, 'H', save?.H),
    optionalHandle(op, 'stats', save?.stats),
    d?.p ?? 0,
    d?.seed ?? 0,
    d?.stream ?? 0,
    d?.offset ?? 0,
    options.simnormDim ?? 8,
  );
}

/** The gradients denseBackward writes. Any may be null/absent to skip it, except dH. */
export interface DenseGrads {
  /** ∂L/∂(X·Wᵀ + b), before dropout: [M, N] or [E, M, N]; overwritten (a required workspace). */
  dH: Tensor;
  /** ∂L/∂X, X's shape; overwritten. For a shared X the sum over members. */
  dX?: Tensor | null;
  /**
   * Only these columns [begin, end) of dX are computed and written; the others are left as they
   * are (a caller that reads no others: the Q heads' first layer in the policy step needs ∂L/∂a,
   * not ∂L/∂z). Absent or null: every column.
   */
  dXCols?: readonly [number, number] | null;
  /** Accumulated (+=) like every parameter gradient: the optimizer step zeroes them. */
  dW?: Tensor | null;
  db?: Tensor | null;
  dgamma?: Tensor | null;
  dbeta?: Tensor | null;
}

/**
 * Backward of denseForward with the same X, parameters, options (dropout address included) and,
 * for ln_* epilogues, what the forward saved. dY is ∂L/∂Y.
 */
export function denseBackward(
  X: Tensor,
  params: DenseParams,
  saved: DenseSaved | null,
  dY: Tensor,
  grads: DenseGrads,
  options: DenseOptions,
): void {
  const op = 'denseBackward';
  const d = options.dropout;
  native().denseBackward(
    epilogueCode(op, options.epilogue),
    handle(op, 'X', X),
    handle(op, 'W', params.W),
    optionalHandle(op, 'gamma', params.gamma),
    optionalHandle(op, 'beta', params.beta),
    optionalHandle(op, 'H', saved?.H),
    optionalHandle(op, 'stats', saved?.stats),
    handle(op, 'dY', dY),
    handle(op, 'dH', grads.dH),
    optionalHandle(op, 'dX', grads.dX),
    optionalHandle(op, 'dW', grads.dW),
    optionalHandle(op, 'db', grads.db),
    optionalHandle(op, 'dgamma', grads.dgamma),
    optionalHandle(op, 'dbeta', grads.dbeta),
    d?.p ?? 0,
    d?.seed ?? 0,
    d?.stream ?? 0,
    d?.offset ?? 0,
    options.simnormDim ?? 8,
    grads.dXCols?.[0] ?? 0,
    grads.dXCols?.[1] ?? X.shape[X.shape.length - 1]!,
  );
}

/**
 * Runs `fn` in a frozen span over `weights`: they are declared constant while `fn` runs, so on the
 * CPU a dense layer whose W lies in one of them is packed for the GEMM once, at its first use in
 * the span, instead of at every denseForward/denseBackward (the update applies the dynamics H
 * times, forward and backward). `fn` must not write them; their memory is held until the span
 * ends, even if disposed. Spans nest; each sees the weights as they are when it opens. CUDA
 * tensors are accepted and not affected (nothing is packed there).
 */
export function withFrozenWeights<T>(weights: readonly Tensor[], fn: () => T): T {
  const op = 'withFrozenWeights';
  native().denseFreezeWeights(weights.map((w, i) => handle(op, `weights[${i}]`, w)));
  try {
    return fn();
  } finally {
    native().denseThawWeights();
  }
}

/** How many packed weight matrices the frozen spans keep (freed after eight spans unused). */
export function frozenWeightPacks(): number {
  return native().denseFrozenPacks();
}
