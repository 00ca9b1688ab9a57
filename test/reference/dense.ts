// The dense layer in float64, written from SPEC §3–§4 (NormedLinear, Mish, SimNorm, dropout)
// and the dropout addressing documented in native/include/tdmpc2/dense.h; it shares no code with
// the C++. The backward is the textbook chain rule (LayerNorm through the variance and the mean,
// Mish through tanh and softplus), not the compact formulas the kernels use, so the two are
// independent derivations; the tests check this one against finite differences of the forward.
import { philoxBlockRef } from './philox.js';
import { simnormBackwardRef, simnormRef } from './simnorm.js';

export type Epilogue = 'none' | 'ln_mish' | 'ln_simnorm';

export interface DenseDims {
  E: number;
  M: number;
  K: number;
  N: number;
  /** X is [M,K] for every member, else [E,M,K]. */
  shared: boolean;
}

export interface DropoutRef {
  p: number;
  seed: number;
  stream: number;
  offset: number;
}

export interface DenseParamsRef {
  W: ArrayLike<number>;
  b: ArrayLike<number> | null;
  gamma: ArrayLike<number> | null;
  beta: ArrayLike<number> | null;
}

export interface DenseCaseRef {
  dims: DenseDims;
  epilogue: Epilogue;
  dropout: DropoutRef | null;
  V: number;
}

const EPS = 1e-5;

export function mishRef(x: number): number {
  return x * Math.tanh(Math.log1p(Math.exp(x)));
}

/** d/dx x·tanh(softplus x) = tanh(sp) + x·(1 − tanh²(sp))·σ(x). */
export function mishGradRef(x: number): number {
  const t = Math.tanh(Math.log1p(Math.exp(x)));
  const sigmoid = 1 / (1 + Math.exp(-x));
  return t + x * (1 - t * t) * sigmoid;
}

/** Dropout multiplier of element i of the draw (0 or 1/(1 − p); 1 without dropout). */
export function dropoutFactorRef(d: DropoutRef | null, i: number): number {
  if (d === null || d.p === 0) return 1;
  // The kernel compares with p in float32.
  const u = (philoxBlockRef(d.seed, d.stream, d.offset + Math.floor(i / 4))[i % 4]! >>> 8) / 2 ** 24;
  return u >= Math.fround(d.p) ? 1 / (1 - d.p) : 0;
}

export interface DenseForwardRef {
  /** [E,M,N] output. */
  Y: Float64Array;
  /** [E,M,N] LayerNorm input (affine output after dropout). */
  H: Float64Array;
  /** [E,M,2] (mean, rstd) per row. */
  stats: Float64Array;
}

export function denseForwardRef(c: DenseCaseRef, X: ArrayLike<number>, p: DenseParamsRef): DenseForwardRef {
  const { E, M, K, N, shared } = c.dims;
  const Y = new Float64Array(E * M * N);
  const H = new Float64Array(E * M * N);
  const stats = new Float64Array(E * M * 2);
  for (let e = 0; e < E; e++)
    for (let m = 0; m < M; m++) {
      const row = (e * M + m) * N;
      const xo = shared ? m * K : (e * M + m) * K;
      for (let n = 0; n < N; n++) {
        let h = p.b ? p.b[e * N + n]! : 0;
        for (let k = 0; k < K; k++) h += X[xo + k]! * p.W[(e * N + n) * K + k]!;
        H[row + n] = h * dropoutFactorRef(c.dropout, row + n);
      }
      if (c.epilogue === 'none') {
        for (let n = 0; n < N; n++) Y[row + n] = H[row + n]!;
        continue;
      }
      let mean = 0;
      for (let n = 0; n < N; n++) mean += H[row + n]!;
      mean /= N;
      let v = 0;
      for (let n = 0; n < N; n++) v += (H[row + n]! - mean) ** 2;
      const rstd = 1 / Math.sqrt(v / N + EPS);
      stats[(e * M + m) * 2] = mean;
      stats[(e * M + m) * 2 + 1] = rstd;
      const z = new Float64Array(N);
      for (let n = 0; n < N; n++) z[n] = p.gamma![e * N + n]! * (H[row + n]! - mean) * rstd + p.beta![e * N + n]!;
      const y = c.epilogue === 'ln_mish' ? z.map(mishRef) : simnormRef(z, c.V);
      Y.set(y, row);
    }
  return { Y, H, stats };
}

export interface DenseGradsRef {
  /** ∂L/∂h before dropout, [E,M,N]. */
  dH: Float64Array;
  /** [M,K] for a shared input (summed over members), else [E,M,K]. */
  dX: Float64Array;
  dW: Float64Array;
  db: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
}

/** Fresh (not accumulated) gradients of L = Σ dY ⊙ Y; `fwd` reuses a forward of the same inputs. */
export function denseBackwardRef(
  c: DenseCaseRef,
  X: ArrayLike<number>,
  p: DenseParamsRef,
  dY: ArrayLike<number>,
  fwd: DenseForwardRef = denseForwardRef(c, X, p),
): DenseGradsRef {
  const { E, M, K, N, shared } = c.dims;
  const g: DenseGradsRef = {
    dH: new Float64Array(E * M * N),
    dX: new Float64Array((shared ? 1 : E) * M * K),
    dW: new Float64Array(E * N * K),
    db: new Float64Array(E * N),
    dgamma: new Float64Array(E * N),
    dbeta: new Float64Array(E * N),
  };
  for (let e = 0; e < E; e++)
    for (let m = 0; m < M; m++) {
      const row = (e * M + m) * N;
      // ∂L/∂h_d, the gradient at the LayerNorm input (or at Y for `none`).
      const dhd = new Float64Array(N);
      if (c.epilogue === 'none') {
        for (let n = 0; n < N; n++) dhd[n] = dY[row + n]!;
      } else {
        const x = fwd.H.subarray(row, row + N);
        let mean = 0;
        for (let n = 0; n < N; n++) mean += x[n]!;
        mean /= N;
        let v = 0;
        for (let n = 0; n < N; n++) v += (x[n]! - mean) ** 2;
        v /= N;
        const sd = Math.sqrt(v + EPS);
        const xhat = x.map((xi) => (xi - mean) / sd);
        const z = new Float64Array(N);
        for (let n = 0; n < N; n++) z[n] = p.gamma![e * N + n]! * xhat[n]! + p.beta![e * N + n]!;
        const dyRow = Array.from({ length: N }, (_, n) => dY[row + n]!);
        const dz =
          c.epilogue === 'ln_mish' ? z.map((zi, n) => dyRow[n]! * mishGradRef(zi)) : simnormBackwardRef(z, dyRow, c.V);
        const dxhat = new Float64Array(N);
        for (let n = 0; n < N; n++) {
          g.dgamma[e * N + n] += dz[n]! * xhat[n]!;
          g.dbeta[e * N + n] += dz[n]!;
          dxhat[n] = dz[n]! * p.gamma![e * N + n]!;
        }
        // x̂ = (x − μ)/σ, σ = sqrt(v + eps), v = mean((x − μ)²), μ = mean(x).
        let dv = 0;
        for (let n = 0; n < N; n++) dv += dxhat[n]! * (x[n]! - mean) * -0.5 * (v + EPS) ** -1.5;
        let dmean = 0;
        for (let n = 0; n < N; n++) dmean += -dxhat[n]! / sd + dv * (-2 * (x[n]! - mean)) / N;
        for (let n = 0; n < N; n++) dhd[n] = dxhat[n]! / sd + (dv * 2 * (x[n]! - mean)) / N + dmean / N;
      }
      const xo = shared ? m * K : (e * M + m) * K;
      for (let n = 0; n < N; n++) {
        const dh = dhd[n]! * dropoutFactorRef(c.dropout, row + n);
        g.dH[row + n] = dh;
        g.db[e * N + n] += dh;
        for (let k = 0; k < K; k++) {
          g.dX[xo + k] += dh * p.W[(e * N + n) * K + k]!;
          g.dW[(e * N + n) * K + k] += dh * X[xo + k]!;
        }
      }
    }
  return g;
}
