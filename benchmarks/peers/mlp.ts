// The dynamics MLP of the 5M model (518 → 512 → 512 → 512: LayerNorm+Mish, LayerNorm+Mish,
// LayerNorm+SimNorm(8)) twice over the same parameters: on our kernels, and on @tensorflow/tfjs
// with its wasm backend (SIMD, one thread), the Node peer of benchmarks/kernels.ts.
//
// tfjs is not a dependency of this package: install it anywhere outside the repository
// (`npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm` in e.g. /tmp/tfjs-peer) and point
// the benchmark at that folder (--tfjs DIR or TDMPC2_TFJS_PATH).
//
// Training step on both sides: forward saving activations, loss L = Σ y ⊙ G (so ∂L/∂y = G), the
// gradients of every parameter (none for the input: tfjs computes none either), one Adam step.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Tensor } from '../../lib/index.js';
import { adamStep, denseBackward, denseForward, type DenseEpilogue } from '../../lib/nn/ops.js';

export const MLP_DIMS = [518, 512, 512, 512] as const;
const EPILOGUES: DenseEpilogue[] = ['ln_mish', 'ln_mish', 'ln_simnorm'];
const LR = 3e-4;

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
      for (let l = 0; l < 3; l++) denseForward(acts[l]!, params[l]!, acts[l + 1]!, { epilogue: EPILOGUES[l]! });
    },
    train() {
      for (const gr of grads) for (const t of Object.values(gr)) t.fill(0);
      for (let l = 0; l < 3; l++) denseForward(acts[l]!, params[l]!, acts[l + 1]!, { epilogue: EPILOGUES[l]! }, saved[l]!);
      for (let l = 2; l >= 0; l--) {
        const dY = l === 2 ? G : dA[l]!;
        denseBackward(acts[l]!, params[l]!, saved[l]!, dY, { dH: dH[l]!, dX: l > 0 ? dA[l - 1]! : null, ...grads[l]! }, { epilogue: EPILOGUES[l]! });
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
        ].forEach(([t, d], i) => adamStep(t!, d!, moments[l]![i]!.m, moments[l]![i]!.v, LR, 0.9, 0.999, 1e-8, step));
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

// The slice of the tfjs API used here (tfjs's own types are not resolvable from this package).
/* eslint-disable @typescript-eslint/no-explicit-any */
type Tf = any;

export interface TfjsPeer {
  label: string;
  mlp(init: MlpInit, x: Float32Array, g: Float32Array, B: number): MlpRunner;
}

/** Loads tfjs + its wasm backend from `dir` (a folder whose node_modules has both), one thread. */
export async function loadTfjsWasm(dir: string): Promise<TfjsPeer | string> {
  const wasmDist = join(dir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  if (!existsSync(wasmDist))
    return `no @tensorflow/tfjs-backend-wasm under ${dir} (npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm there)`;
  const require = createRequire(join(dir, 'package.json'));
  const tf: Tf = require('@tensorflow/tfjs');
  const wasm: Tf = require('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDist + '/');
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) return 'tfjs could not start its wasm backend';
  await tf.ready();
  const version = require('@tensorflow/tfjs/package.json').version as string;
  // [N, K] row-major → a [K, N] tensor.
  const transpose = (w: Float32Array, N: number, K: number) => {
    const t = new Float32Array(N * K);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) t[k * N + n] = w[n * K + k]!;
    return tf.tensor2d(t, [K, N]);
  };
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') as boolean;
  return {
    label: `@tensorflow/tfjs ${version} wasm backend (${simd ? 'SIMD' : 'no SIMD'}, 1 thread)`,
    mlp(init, x, g, B) {
      // W as [K, N] (tf.layers.dense's layout): tfjs-wasm's matMul with transposeB is ~10× slower
      // than without on this machine, and the peer should run at its best.
      const vars = [0, 1, 2].map((l) => ({
        W: tf.variable(transpose(init.W[l]!, MLP_DIMS[l + 1]!, MLP_DIMS[l]!)),
        b: tf.variable(tf.tensor1d(init.b[l]!)),
        gamma: tf.variable(tf.tensor1d(init.gamma[l]!)),
        beta: tf.variable(tf.tensor1d(init.beta[l]!)),
      }));
      const X = tf.tensor2d(x, [B, MLP_DIMS[0]]);
      const G = tf.tensor2d(g, [B, MLP_DIMS[3]]);
      const optimizer = tf.train.adam(LR, 0.9, 0.999, 1e-8);
      const layer = (h: Tf, l: number): Tf => {
        const v = vars[l]!;
        const a = tf.add(tf.matMul(h, v.W), v.b);
        const { mean, variance } = tf.moments(a, -1, true);
        const z = tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), v.gamma), v.beta);
        if (EPILOGUES[l] === 'ln_mish') return tf.mul(z, tf.tanh(tf.softplus(z)));
        return tf.reshape(tf.softmax(tf.reshape(z, [B, -1, 8])), [B, -1]);
      };
      const net = () => layer(layer(layer(X, 0), 1), 2);
      const varList = vars.flatMap((v) => [v.W, v.b, v.gamma, v.beta]);
      return {
        forward() {
          const y = tf.tidy(net);
          y.dataSync(); // the wasm backend runs eagerly; reading one result makes sure of it
          y.dispose();
        },
        train() {
          const cost = optimizer.minimize(() => tf.sum(tf.mul(net(), G)), true, varList);
          cost.dataSync();
          cost.dispose();
        },
        output() {
          const y = tf.tidy(net);
          const out = new Float32Array(y.dataSync());
          y.dispose();
          return out;
        },
        dispose() {
          for (const t of [X, G, ...varList]) t.dispose();
          optimizer.dispose();
        },
      };
    },
  };
}
