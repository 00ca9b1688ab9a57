// Analytic multiply-accumulate counts of one update and one planning call (SPEC §2 and §8), from
// the layer widths: the matrix products only (LayerNorm, Mish, SimNorm and the losses are O(width)
// per row and left out), as computed here. A backward pass through a trained layer costs its
// forward for dW plus, where its input needs a gradient, its forward for dX; a frozen layer (the
// Q ensemble in the policy step) costs only the dX. Inputs that need no gradient: the
// observations (the encoder's first layer), the batch actions (the a-columns of [z, a] in the
// rollout), the detached latents of the policy step (the policy's first layer, and the z-columns of
// the Q heads' [z, a] there: only ∂L/∂a is computed, dense.h dx_begin/dx_end).
import type { ResolvedConfig } from '../config.js';

/** Forward MACs per row of each network (one Q member for `q`). */
export function rowMacs(cfg: ResolvedConfig): { enc: number; dyn: number; rew: number; pi: number; q: number } {
  const { obsDim: O, actionDim: A, latentDim: L, mlpDim: M, encDim: E, numEncLayers: n } = cfg;
  const K = Math.max(cfg.numBins, 1);
  const hidden = Math.max(n - 1, 1);
  const enc = O * E + (hidden - 1) * E * E + E * L;
  const head = (out: number) => (L + A) * M + M * M + M * out;
  return { enc, dyn: head(L), rew: head(K), pi: L * M + M * M + M * 2 * A, q: head(K) };
}

/**
 * MACs of one update at the config's batch size: the TD targets (encode H·B next observations,
 * policy, `pairHeads` target Qs), the latent rollout with reward and all Q heads (forward +
 * backward), and the policy step on (H+1)·B latents (policy forward + backward, `pairHeads` Q
 * heads forward + dX). The TD target and the policy loss use a random pair of heads: we compute
 * just those two (the default; pass cfg.numQ for all of them, as the official code evaluates).
 * Size 5 on cartpole-swingup: ≈ 14.4 GMAC with the pair, ≈ 18.5 with all heads (SPEC §2's ≈ 20
 * counts every dX); size 1 (numQ 2): ≈ 4.2.
 */
export function updateMacs(cfg: ResolvedConfig, pairHeads = 2): number {
  const { enc, dyn, rew, pi, q } = rowMacs(cfg);
  const { obsDim: O, actionDim: A, latentDim: L, mlpDim: M, encDim: E } = cfg;
  const B = cfg.batchSize;
  const H = cfg.horizon;
  const Q = cfg.numQ;
  const P = Math.min(pairHeads, Q);
  const targets = H * B * (enc + pi + P * q);
  // Forward, dW and dX of every layer, less the dX of the encoder's first layer and of the action
  // columns of the dynamics', reward's and Q heads' first layers.
  const model = 3 * (B * enc + H * B * (dyn + rew + Q * q)) - B * O * E - H * B * (2 + Q) * A * M;
  // Policy: forward, dW, and dX past its first layer; Q heads: forward and dX, of the first layer
  // only the action columns.
  const policy = (H + 1) * B * (3 * pi - L * M + P * (2 * q - L * M));
  return targets + model + policy;
}

/**
 * MACs of one MPPI planning call for one observation (SPEC §8): J iterations of N sequences
 * (H dynamics and reward steps, a policy sample and `qHeads` Q heads at the end), plus the policy
 * trajectories (P rows: H policy and H−1 dynamics steps) and the encoding. The official code
 * evaluates every Q head (the default); the native planner only the two it samples.
 * Size 5 on cartpole-swingup: ≈ 23 GMAC with all Q heads, ≈ 17.8 with two.
 */
export function planMacs(cfg: ResolvedConfig, qHeads: number = cfg.numQ): number {
  const { enc, dyn, rew, pi, q } = rowMacs(cfg);
  const { iterations: J, numSamples: N, numPiTrajs: P, horizon: H } = cfg;
  return enc + P * (H * pi + (H - 1) * dyn) + J * N * (H * (dyn + rew) + pi + qHeads * q);
}
