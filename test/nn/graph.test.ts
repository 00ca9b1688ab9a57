// The tape autograd: gradients by finite differences through linear, concat and mse; noGrad,
// detach, gradient accumulation for values used twice, zero allocations in steady state, and the
// gradient columns a [z, a] concatenation with a constant side asks its consumers for.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { concatCols, linear, mseLoss } from '../../lib/nn/functional.js';
import { Graph, Var } from '../../lib/nn/graph.js';
import { MLP } from '../../lib/nn/modules.js';
import { expectClose } from '../helpers/expect-close.js';
import { uniform } from '../helpers/random.js';

// A two-input network: h = W1·[x, u] + b1; y = W2·h; loss = 3·mse(y, t) + 0.5·mse(h[:, :], h0) —
// h is used twice, so its gradient must be the sum of both paths.
function build(seed: number) {
  const [B, X, U, H, Y] = [5, 4, 3, 6, 2];
  const p = {
    W1: uniform(H * (X + U), seed + 1, -0.5, 0.5),
    b1: uniform(H, seed + 2, -0.5, 0.5),
    W2: uniform(Y * H, seed + 3, -0.5, 0.5),
  };
  const data = { x: uniform(B * X, seed + 4), u: uniform(B * U, seed + 5), t: uniform(B * Y, seed + 6), h0: uniform(B * H, seed + 7) };
  const shapes = { W1: [H, X + U], b1: [H], W2: [Y, H] } as const;
  return { B, X, U, H, Y, p, data, shapes };
}

function lossOf(net: ReturnType<typeof build>, params: Record<'W1' | 'b1' | 'W2', Float32Array>, g: Graph, withGrad: boolean) {
  const grads = {
    W1: Tensor.zeros(net.shapes.W1),
    b1: Tensor.zeros(net.shapes.b1),
    W2: Tensor.zeros(net.shapes.W2),
  };
  const vars: Record<string, Var> = {};
  for (const k of ['W1', 'b1', 'W2'] as const) vars[k] = g.param(Tensor.from(params[k], net.shapes[k]), grads[k]);
  const x = g.constant(Tensor.from(net.data.x, [net.B, net.X]));
  const u = g.constant(Tensor.from(net.data.u, [net.B, net.U]));
  const run = () => {
    const h = linear(g, concatCols(g, x, u), vars.W1!, vars.b1!);
    const y = linear(g, h, vars.W2!, null);
    return 3 * mseLoss(g, y, Tensor.from(net.data.t, [net.B, net.Y]), 3) + 0.5 * mseLoss(g, h, Tensor.from(net.data.h0, [net.B, net.H]), 0.5);
  };
  const loss = withGrad ? run() : g.noGrad(run);
  if (withGrad) g.backward();
  return { loss, grads };
}

describe('Graph autograd', () => {
  test('gradients match central finite differences', () => {
    const net = build(10);
    const g = new Graph('cpu');
    const { grads } = lossOf(net, net.p, g, true);
    const h = 1e-2;
    for (const k of ['W1', 'b1', 'W2'] as const) {
      const fd = new Float64Array(net.p[k].length);
      for (let i = 0; i < fd.length; i++) {
        const plus = { ...net.p, [k]: net.p[k].slice() };
        const minus = { ...net.p, [k]: net.p[k].slice() };
        plus[k][i]! += h;
        minus[k][i]! -= h;
        g.reset();
        const lp = lossOf(net, plus, g, false).loss;
        g.reset();
        const lm = lossOf(net, minus, g, false).loss;
        fd[i] = (lp - lm) / (2 * h);
      }
      expectClose(grads[k].toArray(), fd, { atol: 2e-4, rtol: 2e-3, label: k });
    }
  });

  test('noGrad records nothing; detach blocks gradients', () => {
    const g = new Graph('cpu');
    const W = g.param(Tensor.from([1, 2], [1, 2]), Tensor.zeros([1, 2]));
    const x = g.constant(Tensor.from([1, 1], [1, 2]));
    g.noGrad(() => linear(g, x, W, null));
    expect(g.tapeLength).toBe(0);
    const y = linear(g, x, W, null);
    expect(y.requiresGrad).toBe(true);
    expect(g.detach(y).requiresGrad).toBe(false);
    const z = linear(g, g.detach(y), g.param(Tensor.from([1], [1, 1]), Tensor.zeros([1, 1])), null);
    mseLoss(g, z, Tensor.from([0], [1, 1]), 1);
    g.backward();
    expect(Array.from(W.grad!.toArray())).toEqual([0, 0]); // blocked by detach
  });

  test('a second pass allocates nothing', () => {
    const net = build(20);
    const g = new Graph('cpu');
    const W1 = g.param(Tensor.from(net.p.W1, net.shapes.W1), Tensor.zeros(net.shapes.W1));
    const x = g.constant(Tensor.from(uniform(net.B * (net.X + net.U), 3), [net.B, net.X + net.U]));
    const t = Tensor.from(uniform(net.B * net.H, 4), [net.B, net.H]);
    const pass = () => {
      g.reset();
      const h = linear(g, x, W1, null);
      mseLoss(g, h, t, 1);
      mseLoss(g, h, t, 1); // two contributions to h's gradient
      g.backward();
    };
    pass();
    const after1 = g.ws.allocations;
    pass();
    pass();
    expect(g.ws.allocations).toBe(after1);
  });

  test('a concatenation with one constant side: dense layers compute only the other side\'s gradient, the same numbers', () => {
    // The Q heads in the policy step: [z (detached), a] through a frozen two-member ensemble.
    const [B, L, A] = [9, 5, 2];
    const mlp = new MLP('q', L + A, [16], 5, { device: 'cpu', members: 2 });
    mlp.params.data.write(uniform(mlp.params.data.size, 3, -0.5, 0.5));
    const targets = [Tensor.from(uniform(B * 5, 6), [B, 5]), Tensor.from(uniform(B * 5, 7), [B, 5])];
    const gradOfA = (zNeedsGrad: boolean) => {
      const g = new Graph('cpu');
      const z = new Var(Tensor.from(uniform(B * L, 4), [B, L]), zNeedsGrad);
      const a = new Var(Tensor.from(uniform(B * A, 5), [B, A]), true);
      const x = concatCols(g, z, a);
      const ys = mlp.forwardMembers(g, x, [0, 1], { params: 'frozen', dropout: null });
      ys.forEach((y, i) => mseLoss(g, y, targets[i]!, 1));
      g.backward();
      return { cols: x.gradCols, da: Array.from(a.grad!.toArray()), dz: z.grad };
    };
    const partial = gradOfA(false);
    const full = gradOfA(true);
    expect(partial.cols).toEqual([L, L + A]);
    expect(full.cols).toBeNull();
    expect(partial.dz).toBeNull();
    expect(partial.da).toEqual(full.da);
    expect(partial.da.some((v) => v !== 0)).toBe(true);
  });
});
