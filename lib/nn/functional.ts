// Differentiable ops over the Graph: each computes its output with the native kernels and records
// how to push gradients back to its inputs.
import { softCrossEntropy, twoHotInvBackward, twoHotInvForward, type TwoHotBins } from './kernels/critic.js';
import { axpy, copyCols, mse } from './kernels/elementwise.js';
import { linearBackward, linearForward } from './kernels/linear.js';
import { policyBackward, policyForward, type LogStdRange } from './kernels/policy.js';
import type { Graph, Var } from './graph.js';
import type { Tensor } from './tensor.js';

function rowCount(v: Var): number {
  return v.shape[0]!;
}

/** Y = X·Wᵀ + b for X [M, K], W [N, K], b [N] | null. */
export function linear(g: Graph, x: Var, W: Var, b: Var | null): Var {
  const N = W.shape[0]!;
  const y = g.output(g.tensor([rowCount(x), N]), x, W, b);
  linearForward(x.value, W.value, b?.value ?? null, y.value);
  if (y.requiresGrad) {
    g.record(() => {
      const dY = y.grad;
      if (dY === null) return; // nothing downstream needed y
      const dW = W.requiresGrad ? W.grad : null;
      const db = b?.requiresGrad ? b.grad : null;
      if (dW || db) linearBackward(x.value, W.value, dY, null, dW, db);
      if (x.requiresGrad) g.accumulate(x, (dst) => linearBackward(x.value, W.value, dY, dst, null, null));
    });
  }
  return y;
}

/** [a, b] along the last dim, for 2-D a [M, Ka] and b [M, Kb]. */
export function concatCols(g: Graph, a: Var, b: Var): Var {
  const Ka = a.shape[1]!;
  const Kb = b.shape[1]!;
  const out = g.output(g.tensor([rowCount(a), Ka + Kb]), a, b);
  copyCols(out.value, 0, a.value, 0, Ka);
  copyCols(out.value, Ka, b.value, 0, Kb);
  // Only one side needs a gradient: consumers may compute just its columns.
  if (out.requiresGrad && a.requiresGrad !== b.requiresGrad) out.gradCols = a.requiresGrad ? [0, Ka] : [Ka, Ka + Kb];
  if (out.requiresGrad) {
    g.record(() => {
      const d = out.grad;
      if (d === null) return;
      if (a.requiresGrad) g.accumulate(a, (dst) => copyCols(dst, 0, d, 0, Ka));
      if (b.requiresGrad) g.accumulate(b, (dst) => copyCols(dst, 0, d, Ka, Kb));
    });
  }
  return out;
}

/**
 * Loss: weight · mean((pred − target)²) (F.mse_loss · weight); the target is a constant. Returns
 * the unweighted mean. Its gradient is seeded into pred when backward runs.
 */
export function mseLoss(g: Graph, pred: Var, target: Tensor, weight: number): number {
  const n = pred.value.size;
  if (!g.needsGrad(pred)) return mse(pred.value, target, null, 0) / n;
  // The gradient is computed now (same pass over the data) and added to pred's at backward.
  const grad = g.tensor(pred.shape);
  const sum = mse(pred.value, target, grad, weight / n);
  g.record(() => {
    if (pred.grad === null) pred.grad = grad; // first contribution: no copy
    else g.accumulate(pred, (dst) => dst.copyFrom(grad));
  });
  return sum / n;
}

/** two_hot_inv: logits [R, K] → values [R] (expected bin in symlog space, then symexp). */
export function twoHotInv(g: Graph, logits: Var, bins: TwoHotBins): Var {
  const v = g.output(g.tensor([logits.shape[0]!]), logits);
  twoHotInvForward(logits.value, v.value, bins);
  if (v.requiresGrad) {
    g.record(() => {
      if (v.grad !== null) g.accumulate(logits, (dst) => twoHotInvBackward(logits.value, v.grad!, dst, bins));
    });
  }
  return v;
}

/**
 * A contiguous piece of x as a Var of `shape` starting `offset` elements in (a view, no copy);
 * its gradient is added into the matching piece of x's gradient.
 */
export function slice(g: Graph, x: Var, offset: number, shape: readonly number[]): Var {
  const out = g.output(x.value.view(shape, offset), x);
  if (out.requiresGrad) {
    g.record(() => {
      if (out.grad === null) return;
      const piece = g.gradForAccumulate(x).view(shape, offset);
      axpy(piece, 1, out.grad);
      piece.dispose();
    });
  }
  return out;
}

/** Member i of an ensemble output [E, M, K] as [M, K]. */
export function member(g: Graph, x: Var, i: number): Var {
  const [, M, K] = x.shape as [number, number, number];
  return slice(g, x, i * M * K, [M, K]);
}

/** Rows [start, start + count) of a 2-D x. */
export function rows(g: Graph, x: Var, start: number, count: number): Var {
  const C = x.shape[1]!;
  return slice(g, x, start * C, [count, C]);
}

/** Stacks 2-D parts with equal column counts along the rows. */
export function stackRows(g: Graph, parts: readonly Var[]): Var {
  const C = parts[0]!.shape[1]!;
  const total = parts.reduce((s, p) => s + p.shape[0]!, 0);
  const out = g.output(g.tensor([total, C]), ...parts);
  let r = 0;
  const at: number[] = [];
  for (const p of parts) {
    at.push(r);
    const piece = out.value.view(p.shape, r * C);
    piece.copyFrom(p.value);
    piece.dispose();
    r += p.shape[0]!;
  }
  if (out.requiresGrad) {
    g.record(() => {
      if (out.grad === null) return;
      parts.forEach((p, i) => {
        if (!p.requiresGrad) return;
        const piece = out.grad!.view(p.shape, at[i]! * C);
        g.accumulate(p, (dst) => dst.copyFrom(piece));
        piece.dispose();
      });
    });
  }
  return out;
}

/**
 * Loss: Σ_rows weight · soft_ce(logits[r], target[r]) / rows, i.e. weight · mean soft-CE
 * (SPEC §5). Returns the unweighted mean. The gradient is computed in the same pass and added
 * to logits' gradient at backward.
 */
export function softCeLoss(g: Graph, logits: Var, target: Tensor, weight: number, bins: TwoHotBins): number {
  const R = logits.shape[0]!;
  const loss = g.tensor([R]);
  const grad = g.needsGrad(logits) ? g.tensor(logits.shape) : null;
  softCrossEntropy(logits.value, target, loss, grad, weight / R, bins);
  if (grad) {
    g.record(() => {
      if (logits.grad === null) logits.grad = grad;
      else g.accumulate(logits, (dst) => dst.copyFrom(grad));
    });
  }
  const l = loss.toArray();
  let s = 0;
  for (let i = 0; i < l.length; i++) s += l[i]!;
  return s / R;
}

export interface PolicySample {
  /** [N, A] tanh-squashed sampled action (differentiable). */
  action: Var;
  /** [N] HEAD's scaled entropy −lp·(A·lp_g)/(lp + 1e-8) (differentiable). */
  scaledEntropy: Var;
  /** [N] log-prob of the action (the entropy is its negative). */
  logProb: Tensor;
  /** [N, A] tanh(μ), the eval-mode action. */
  mean: Tensor;
}

/** The policy prior's reparameterised sample from the π-net output raw [N, 2A] (SPEC §6). */
export function policySample(g: Graph, raw: Var, eps: Tensor, mask: Tensor | null, range: LogStdRange): PolicySample {
  const N = raw.shape[0]!;
  const A = raw.shape[1]! / 2;
  const action = g.output(g.tensor([N, A]), raw);
  const scaledEntropy = g.output(g.tensor([N]), raw);
  const logProb = g.tensor([N]);
  const mean = g.tensor([N, A]);
  policyForward(raw.value, eps, mask, { action: action.value, scaledEntropy: scaledEntropy.value, logProb, mean }, range);
  if (action.requiresGrad) {
    g.record(() => {
      if (action.grad === null && scaledEntropy.grad === null) return;
      g.accumulate(raw, (dst) => policyBackward(raw.value, eps, mask, action.grad, scaledEntropy.grad, dst, range));
    });
  }
  return { action, scaledEntropy, logProb, mean };
}

/**
 * A loss computed on the host from small tensors (values read back): `fn` gets the values and
 * returns the loss and, for each input that needs it, dLoss/dInput as a Float32Array of its size
 * (or null). Used for the policy objective and anything with sorting or per-row JS logic.
 */
export function hostLoss(
  g: Graph,
  inputs: readonly Var[],
  fn: (values: Float32Array[]) => { loss: number; grads: (Float32Array | null)[] },
): number {
  const values = inputs.map((v) => v.value.toArray());
  const { loss, grads } = fn(values);
  if (!g.needsGrad(...inputs)) return loss;
  const staged = inputs.map((v, i) => {
    const gr = grads[i];
    if (!v.requiresGrad || !gr) return null;
    const t = g.tensor(v.shape);
    t.write(gr);
    return t;
  });
  g.record(() => {
    inputs.forEach((v, i) => {
      const t = staged[i];
      if (!t) return;
      if (v.grad === null) v.grad = t;
      else g.accumulate(v, (dst) => dst.copyFrom(t));
    });
  });
  return loss;
}
