// The dynamics MLP of the 5M model (518 → 512 → 512 → 512: LayerNorm+Mish, LayerNorm+Mish,
// LayerNorm+SimNorm(8)) on our kernels, for the kernel benchmark (lib/bench/kernels.ts); a peer
// implementation (benchmarks/peers/mlp.ts: @tensorflow/tfjs) runs the same MlpRunner interface
// over the same MlpInit.
//
// Training step: forward saving activations, loss L = Σ y ⊙ G (so ∂L/∂y = G), the gradients of
// every parameter (none for the input), one Adam step.
import { Tensor } from '../nn/tensor.js';
import { adamStep, denseBackward, denseForward, type DenseEpilogue } from '../nn/ops.js';

export const MLP_DIMS = [518, 512, 512, 512] as const;
export const MLP_EPILOGUES: readonly DenseEpilogue[] = ['ln_mish', 'ln_mish', 'ln_simnorm'];
export const MLP_LR = 3e-4;

/** Parameters of the three layers as plain arrays, so both implementations start equal. */
export interface MlpInit {
  W: Float32Array[];
  b: Float32Array[];
  gamma: Float32Array[];
  beta: Float32Array[];
}

export function mlpInit(rand: (n: number, scale: number, seed: number) => Float32Array): MlpInit {
  const init: MlpInit = { W: [], b: [], gamma: [], beta: [] };
  for (let l = 0; l < 3; l++) {
    const [K, N] = [MLP_DIMS[l]!, MLP_DIMS[l + 1]!];
    init.W.push(rand(N * K, 1 / Math.sqrt(K), 100 + l));
    init.b.push(rand(N, 0.1, 110 + l));
    init.gamma.push(rand(N, 0.1, 120 + l).map((v) => 1 + v));
    init.beta.push(rand(N, 0.1, 130 + l));
  }
  return init;
}

export interface MlpRunner {
  /** One forward pass (inference, nothing saved); returns nothing, results stay native. */
  forward(): void;
  /** One training step: forward, backward, Adam. */
  train(): void;
  /** The current forward output (for the cross-check between implementations). */
  output(): Float32Array;
  dispose(): void;
}

/** Our kernels: three dense calls forward; three dense backwards and 12 Adam steps to train. */
export function oursMlp(init: MlpInit, x: Float32Array, g: Float32Array, B: number): MlpRunner {
  const params = [0, 1, 2].map((l) => ({
    W: Tensor.from(init.W[l]!, [MLP_DIMS[l + 1]!, MLP_DIMS[l]!]),
    b: Tensor.from(init.b[l]!, [MLP_DIMS[l + 1]!]),
    gamma: Tensor.from(init.gamma[l]!, [MLP_DIMS[l + 1]!]),
    beta: Tensor.from(init.beta[l]!, [MLP_DIMS[l + 1]!]),
  }));
  const zerosLike = (t: Tensor) => Tensor.zeros(t.shape);
  const grads = params.map((p) => ({ dW: zerosLike(p.W), db: zerosLike(p.b), dgamma: zerosLike(p.gamma), dbeta: zerosLike(p.beta) }));
  const moments = params.map((p) => [p.W, p.b, p.gamma, p.beta].map((t) => ({ m: zerosLike(t), v: zerosLike(t) })));
  const X = Tensor.from(x, [B, MLP_DIMS[0]]);
  const G = Tensor.from(g, [B, MLP_DIMS[3]]);
  const acts = [X, ...[1, 2, 3].map((l) => Tensor.zeros([B, MLP_DIMS[l]!]))];
  const saved = [1, 2, 3].map((l) => ({ H: Tensor.zeros([B, MLP_DIMS[l]!]), stats: Tensor.zeros([B, 2]) }));
  const dH = [1, 2, 3].map((l) => Tensor.zeros([B, MLP_DIMS[l]!]));
  const dA = [1, 2].map((l) => Tensor.zeros([B, MLP_DIMS[l]!]));
  let step = 0;
  return {
    forward() {
      for (let l = 0; l < 3; l++) denseForward(acts[l]!, params[l]!, acts[l + 1]!, { epilogue: MLP_EPILOGUES[l]! });
    },
    train() {
      for (const gr of grads) for (const t of Object.values(gr)) t.fill(0);
      for (let l = 0; l < 3; l++) denseForward(acts[l]!, params[l]!, acts[l + 1]!, { epilogue: MLP_EPILOGUES[l]! }, saved[l]!);
      for (let l = 2; l >= 0; l--) {
        const dY = l === 2 ? G : dA[l]!;
        denseBackward(acts[l]!, params[l]!, saved[l]!, dY, { dH: dH[l]!, dX: l > 0 ? dA[l - 1]! : null, ...grads[l]! }, { epilogue: MLP_EPILOGUES[l]! });
      }
      step++;
      for (let l = 0; l < 3; l++) {
        const p = params[l]!;
        const gr = grads[l]!;
        [
          [p.W, gr.dW],
          [p.b, gr.db],
          [p.gamma, gr.dgamma],
          [p.beta, gr.dbeta],
        ].forEach(([t, d], i) => adamStep(t!, d!, moments[l]![i]!.m, moments[l]![i]!.v, MLP_LR, 0.9, 0.999, 1e-8, step));
      }
    },
    output() {
      return acts[3]!.toArray();
    },
    dispose() {
      const all = [...acts, G, ...saved.flatMap((s) => [s.H, s.stats]), ...dH, ...dA];
      all.push(...params.flatMap((p) => Object.values(p)), ...grads.flatMap((gr) => Object.values(gr)));
      all.push(...moments.flat().flatMap((mv) => [mv.m, mv.v]));
      for (const t of all) t.dispose();
    },
  };
}
