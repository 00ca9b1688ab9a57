// A plain TypeScript MPPI planner written from SPEC §8 and the draw layout of docs/planner.md, in
// float64, for one environment. It evaluates the networks with the dense, critic and policy
// references and takes its random numbers from the Philox reference, so it shares no code with
// the native planner; given the same weights and the same (seed, stream, offset) it must make
// the same decisions.
import { twoHotInvRef, type Bins } from './critic.js';
import { denseForwardRef, type Epilogue } from './dense.js';
import { rngNormalRef, rngUniformRef } from './philox.js';
import { policyForwardRef } from './policy.js';

export interface RefLayer {
  in: number;
  out: number;
  epilogue: Epilogue;
  W: ArrayLike<number>;
  b: ArrayLike<number>;
  gamma: ArrayLike<number> | null;
  beta: ArrayLike<number> | null;
}

export type RefMlp = RefLayer[];

export interface RefModel {
  encoder: RefMlp;
  dynamics: RefMlp;
  reward: RefMlp;
  pi: RefMlp;
  /** One network per Q member. */
  qs: RefMlp[];
}

export interface RefPlannerConfig {
  actionDim: number;
  simnormDim: number;
  numQ: number;
  bins: Bins;
  horizon: number;
  iterations: number;
  numSamples: number;
  numElites: number;
  numPiTrajs: number;
  minStd: number;
  maxStd: number;
  temperature: number;
  discount: number;
  logStdMin: number;
  logStdMax: number;
}

export interface RefEnvState {
  seed: number;
  stream: number;
  offset: number;
  /** The previous call's final mean [H·A]. */
  prevMean: ArrayLike<number>;
}

/**
 * The multitask inputs of one environment (SPEC §11): its task's embedding row (as the model's
 * max-norm lookup returns it), action mask and discount (γ of the task, applied in float32 as
 * HEAD's discount tensor is).
 */
export interface RefTask {
  emb: ArrayLike<number>;
  mask: ArrayLike<number>;
  discount: number;
}

export interface RefPlanResult {
  action: Float64Array;
  /** Final MPPI mean and std [H·A]. */
  mean: Float64Array;
  std: Float64Array;
  /** The env's offset after the call. */
  offset: number;
}

/** Rows [M, in] through an MLP (inference: no dropout). */
export function mlpRef(net: RefMlp, x: ArrayLike<number>, M: number, V: number): Float64Array {
  let h: ArrayLike<number> = x;
  for (const l of net) {
    h = denseForwardRef(
      { dims: { E: 1, M, K: l.in, N: l.out, shared: true }, epilogue: l.epilogue, dropout: null, V },
      h,
      { W: l.W, b: l.b, gamma: l.gamma, beta: l.beta },
    ).Y;
  }
  return h as Float64Array;
}

/** Rows [z, e, a] (e: the same row for every m; empty single-task). */
function concatRows(z: ArrayLike<number>, a: ArrayLike<number>, M: number, L: number, A: number, e: ArrayLike<number> = []): Float64Array {
  const T = e.length;
  const W = L + T + A;
  const out = new Float64Array(M * W);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < L; k++) out[m * W + k] = z[m * L + k]!;
    for (let k = 0; k < T; k++) out[m * W + L + k] = e[k]!;
    for (let k = 0; k < A; k++) out[m * W + L + T + k] = a[m * A + k]!;
  }
  return out;
}

function repeatRow(z: ArrayLike<number>, times: number): Float64Array {
  const out = new Float64Array(times * z.length);
  for (let r = 0; r < times; r++) for (let k = 0; k < z.length; k++) out[r * z.length + k] = z[k]!;
  return out;
}

/** The draw layout from docs/planner.md: block offsets within one call. */
export function drawLayoutRef(c: RefPlannerConfig): { piTrajStep: number; iter0: number; iterStep: number; terminal: number; qPair: number; choice: number; explore: number; total: number } {
  const { horizon: H, numSamples: N, numPiTrajs: P, actionDim: A, iterations: J } = c;
  const blocks = (n: number) => Math.ceil(n / 4);
  const piTrajStep = P > 0 ? blocks(P * A) : 0;
  const iter0 = H * piTrajStep;
  const terminal = blocks(H * (N - P) * A);
  const qPair = terminal + blocks(N * A);
  const iterStep = qPair + blocks(2);
  const choice = iter0 + J * iterStep;
  const explore = choice + 1;
  return { piTrajStep, iter0, iterStep, terminal, qPair, choice, explore, total: explore + blocks(A) };
}

/** One plan call for one environment (SPEC §8 steps 1–5). */
export function planRef(
  model: RefModel,
  c: RefPlannerConfig,
  obs: ArrayLike<number>,
  state: RefEnvState,
  firstStep: boolean,
  evalMode: boolean,
  task: RefTask | null = null,
): RefPlanResult {
  const { actionDim: A, horizon: H, numSamples: N, numPiTrajs: P, numElites: Ke, simnormDim: V } = c;
  const L = model.dynamics[model.dynamics.length - 1]!.out;
  const { seed, stream } = state;
  // The draws, in the documented order: each starts on a fresh block.
  let cursor = state.offset;
  const normals = (n: number): Float64Array => {
    const v = rngNormalRef(n, seed, stream, cursor).map(Math.fround);
    cursor += Math.ceil(n / 4);
    return v;
  };
  const uniforms = (n: number): Float32Array => {
    const v = rngUniformRef(n, seed, stream, cursor);
    cursor += Math.ceil(n / 4);
    return v;
  };
  const e = task?.emb ?? [];
  const mask = task?.mask ?? null;
  const policy = (z: ArrayLike<number>, rows: number, eps: ArrayLike<number>): Float64Array =>
    policyForwardRef({
      raw: mlpRef(model.pi, task ? concatRows(z, [], rows, L, 0, e) : z, rows, V),
      eps,
      mask,
      maskStride: 0,
      N: rows,
      A,
      logStdMin: c.logStdMin,
      logStdMax: c.logStdMax,
    }).action;

  // 1. Encode.
  const z0 = mlpRef(model.encoder, task ? concatRows(obs, [], 1, obs.length, 0, e) : obs, 1, V);

  // 2. Policy trajectories: sampled actions along the policy's own rollout.
  const piActions: Float64Array[] = [];
  if (P > 0) {
    let zp = repeatRow(z0, P);
    for (let t = 0; t < H; t++) {
      const a = policy(zp, P, normals(P * A));
      piActions.push(a);
      if (t < H - 1) zp = mlpRef(model.dynamics, concatRows(zp, a, P, L, A, e), P, V);
    }
  }

  // 3. Initial mean (warm start: shift by one, last row 0) and std.
  let mean = new Float64Array(H * A);
  if (!firstStep) for (let t = 0; t < H - 1; t++) for (let i = 0; i < A; i++) mean[t * A + i] = state.prevMean[(t + 1) * A + i]!;
  let std = new Float64Array(H * A).fill(c.maxStd);
  const actions = Array.from({ length: H }, () => new Float64Array(N * A));
  for (let t = 0; t < H; t++) if (P > 0) actions[t]!.set(piActions[t]!, 0);

  // 4. MPPI iterations.
  let score = new Float64Array(Ke);
  let elites: number[] = [];
  for (let j = 0; j < c.iterations; j++) {
    const xi = normals(H * (N - P) * A);
    for (let t = 0; t < H; t++)
      for (let n = P; n < N; n++)
        for (let i = 0; i < A; i++) {
          const a = mean[t * A + i]! + std[t * A + i]! * xi[(t * (N - P) + (n - P)) * A + i]!;
          actions[t]![n * A + i] = Math.min(Math.max(a, -1), 1) * (mask ? mask[i]! : 1);
        }
    // Value of each sequence.
    let z = repeatRow(z0, N);
    const G = new Float64Array(N);
    let disc = 1;
    for (let t = 0; t < H; t++) {
      const x = concatRows(z, actions[t]!, N, L, A, e);
      const r = twoHotInvRef(mlpRef(model.reward, x, N, V), N, c.bins).value;
      for (let n = 0; n < N; n++) G[n] += disc * r[n]!;
      z = mlpRef(model.dynamics, x, N, V);
      disc = task ? Math.fround(disc * Math.fround(task.discount)) : disc * c.discount;
    }
    const aH = policy(z, N, normals(N * A));
    const xH = concatRows(z, aH, N, L, A, e);
    const u = uniforms(2);
    const qi = Math.min(Math.floor(u[0]! * c.numQ), c.numQ - 1);
    let qj = Math.min(Math.floor(u[1]! * (c.numQ - 1)), c.numQ - 2);
    if (qj >= qi) qj += 1;
    const vi = twoHotInvRef(mlpRef(model.qs[qi]!, xH, N, V), N, c.bins).value;
    const vj = twoHotInvRef(mlpRef(model.qs[qj]!, xH, N, V), N, c.bins).value;
    const value = new Float64Array(N);
    for (let n = 0; n < N; n++) {
      const v = G[n]! + disc * ((vi[n]! + vj[n]!) / 2);
      value[n] = Number.isNaN(v) ? 0 : v;
    }
    // Elites: the Ke largest values, ties to the lower index.
    elites = Array.from({ length: N }, (_, n) => n)
      .sort((a, b) => value[b]! - value[a]! || a - b)
      .slice(0, Ke);
    const vmax = value[elites[0]!]!;
    score = Float64Array.from(elites, (n) => Math.exp(c.temperature * (value[n]! - vmax)));
    const total = score.reduce((s, x) => s + x, 0);
    score = score.map((s) => s / total);
    const denom = score.reduce((s, x) => s + x, 0) + 1e-9;
    const nextMean = new Float64Array(H * A);
    const nextStd = new Float64Array(H * A);
    for (let t = 0; t < H; t++)
      for (let i = 0; i < A; i++) {
        let m = 0;
        elites.forEach((n, k) => (m += score[k]! * actions[t]![n * A + i]!));
        m /= denom;
        let s = 0;
        elites.forEach((n, k) => (s += score[k]! * (actions[t]![n * A + i]! - m) ** 2));
        const m1 = mask ? mask[i]! : 1; // multitask: mean and std × mask
        nextMean[t * A + i] = m * m1;
        nextStd[t * A + i] = Math.min(Math.max(Math.sqrt(s / denom), c.minStd), c.maxStd) * m1;
      }
    mean = nextMean;
    std = nextStd;
  }

  // 5. Select an elite with probability = its score (inverse CDF), add exploration noise.
  const u = uniforms(1)[0]!;
  const noise = normals(A);
  const total = score.reduce((s, x) => s + x, 0);
  let k = 0;
  let cum = 0;
  for (; k < Ke; k++) {
    cum += score[k]!;
    if (u * total < cum) break;
  }
  k = Math.min(k, Ke - 1);
  const action = new Float64Array(A);
  for (let i = 0; i < A; i++) {
    let a = actions[0]![elites[k]! * A + i]!;
    if (!evalMode) a += std[i]! * noise[i]!;
    action[i] = Math.min(Math.max(a, -1), 1);
  }
  return { action, mean, std, offset: cursor };
}
