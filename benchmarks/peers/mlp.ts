// The dynamics MLP of the kernel benchmark (lib/bench/mlp.ts) on @tensorflow/tfjs with its wasm
// backend (SIMD, one thread): the Node peer of benchmarks/kernels.ts, over the same parameters.
//
// tfjs is not a dependency of this package: install it anywhere outside the repository
// (`npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm` in e.g. /tmp/tfjs-peer) and point
// the benchmark at that folder (--tfjs DIR or TDMPC2_TFJS_PATH).
//
// Training step as ours: forward, loss L = Σ y ⊙ G, the gradients of every parameter (tfjs
// computes none for the input either), one Adam step.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { MLP_DIMS, MLP_EPILOGUES, MLP_LR, type MlpInit, type MlpRunner } from '../../lib/bench/mlp.js';

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
      const optimizer = tf.train.adam(MLP_LR, 0.9, 0.999, 1e-8);
      const layer = (h: Tf, l: number): Tf => {
        const v = vars[l]!;
        const a = tf.add(tf.matMul(h, v.W), v.b);
        const { mean, variance } = tf.moments(a, -1, true);
        const z = tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), v.gamma), v.beta);
        if (MLP_EPILOGUES[l] === 'ln_mish') return tf.mul(z, tf.tanh(tf.softplus(z)));
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
