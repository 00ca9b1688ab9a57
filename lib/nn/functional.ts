// Differentiable ops over the Graph: each computes its output with the native kernels and records
// how to push gradients back to its inputs.
import { copyCols, mse } from './kernels/elementwise.js';
import { linearBackward, linearForward } from './kernels/linear.js';
import type { Graph, Var } from './graph.js';
import type { Tensor } from './tensor.js';

function rows(v: Var): number {
  return v.shape[0]!;
}

/** Y = X·Wᵀ + b for X [M, K], W [N, K], b [N] | null. */
export function linear(g: Graph, x: Var, W: Var, b: Var | null): Var {
  const N = W.shape[0]!;
  const y = g.output(g.tensor([rows(x), N]), x, W, b);
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
  const out = g.output(g.tensor([rows(a), Ka + Kb]), a, b);
  copyCols(out.value, 0, a.value, 0, Ka);
  copyCols(out.value, Ka, b.value, 0, Kb);
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
