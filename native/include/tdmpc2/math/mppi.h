// The per-environment MPPI math of the planner (SPEC §8; HEAD tdmpc2.py `_plan`): sampling,
// value clean-up, elite selection, the score-weighted mean/std update, the final elite draw and
// the exploration noise. Host + device: the CPU loops and the CUDA kernels (one thread per
// environment) call these same functions, so the backends cannot drift.
//
// Conventions (documented in docs/planner.md):
//   - values are cleaned like torch.nan_to_num(v, 0): NaN → 0, ±Inf → ±FLT_MAX;
//   - elites are the Ke largest values in descending order; equal values keep the lower sample
//     index first (a stable sort by descending value). torch.topk leaves ties unspecified;
//   - the final elite is drawn by inverse CDF on one Philox uniform u: the first k (in elite
//     order) with u·Σs < s_0 + … + s_k. HEAD draws it by Gumbel-max on log s: the same
//     categorical distribution, a different use of the random bits.
#pragma once
#include <cmath>
#include <cstdint>

#include "common.h"
#include "philox.h"

namespace tdmpc2 {

constexpr float kMppiScoreEps = 1e-9f;      // HEAD: / (score.sum(0) + 1e-9)
constexpr float kFloatMax = 3.402823466e38f;  // FLT_MAX, what nan_to_num puts for +Inf

// One environment's Philox address: draws of a plan call start at block `offset` of
// (seed, stream); the call then advances offset by the call's block count (planner.h).
struct EnvRng {
  uint64_t seed;
  uint32_t stream;
  uint64_t offset;
};

// torch.nan_to_num(v, nan=0): NaN → 0, +Inf → FLT_MAX, −Inf → −FLT_MAX.
TDMPC2_HD float mppi_nan_to_num(float v) {
  if (v != v) return 0.f;
  if (v > kFloatMax) return kFloatMax;
  if (v < -kFloatMax) return -kFloatMax;
  return v;
}

// A Gaussian action sample: clamp(mean + std·ξ, −1, 1) (HEAD: (mean + std·r).clamp(−1, 1));
// multitask planners then multiply it by the action mask.
TDMPC2_HD float mppi_sample(float mean, float std, float xi) {
  const float a = mean + std * xi;
  return a < -1.f ? -1.f : (a > 1.f ? 1.f : a);
}

TDMPC2_HD float mppi_clamp(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }

// idx[0..k) = indices of the k largest of v[0..n), in descending order of value, equal values
// with the lower index first. v must be NaN-free (mppi_nan_to_num). k ≤ n. Insertion into a
// sorted list of k: O(n·k) in the worst case, allocation-free.
TDMPC2_HD void mppi_top_k(const float* v, int64_t n, int64_t k, int32_t* idx) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float x = v[i];
    // Not better than the worst kept: skip (on a tie the kept, lower index stays).
    if (count == k && !(x > v[idx[k - 1]])) continue;
    int64_t pos = count < k ? count++ : k - 1;  // full: the worst kept falls off the end
    while (pos > 0 && v[idx[pos - 1]] < x) {
      idx[pos] = idx[pos - 1];
      --pos;
    }
    idx[pos] = int32_t(i);
  }
}

// The sizes an MPPI update needs.
struct MppiShape {
  int64_t H;   // horizon
  int64_t A;   // action dims
  int64_t Ke;  // elites
  float temperature, min_std, max_std;
};

// The MPPI parameter update from the elites (HEAD `_plan`, "Update parameters"):
//   s_k   = exp(temperature·(v_k − v_max)),  s ← s/Σs
//   mean  = Σ_k s_k·a_k / (Σ_k s_k + 1e-9)
//   std   = sqrt(Σ_k s_k·(a_k − mean)² / (Σ_k s_k + 1e-9)), clamped to [min_std, max_std]
// value[n] (cleaned), idx[Ke] from mppi_top_k (so v_max = value[idx[0]]); the action of sample
// n at step t, dim i is act[t·t_stride + n·A + i]. Writes score[Ke] (normalised), mean[H·A],
// std[H·A]. Sums run in elite order. Multitask: mask[A] (or null) multiplies the final mean and
// std (HEAD: `mean = mean * mask; std = std * mask` after the clamp).
TDMPC2_HD void mppi_update(const float* value, const float* act, int64_t t_stride,
                           const int32_t* idx, const MppiShape& p, const float* mask,
                           float* score, float* mean, float* std) {
  const float vmax = value[idx[0]];
  float total = 0.f;
  for (int64_t k = 0; k < p.Ke; ++k) {
    score[k] = expf(p.temperature * (value[idx[k]] - vmax));
    total += score[k];
  }
  float normalised = 0.f;
  for (int64_t k = 0; k < p.Ke; ++k) {
    score[k] = score[k] / total;
    normalised += score[k];
  }
  const float denom = normalised + kMppiScoreEps;
  for (int64_t t = 0; t < p.H; ++t) {
    for (int64_t i = 0; i < p.A; ++i) {
      const float* a = act + t * t_stride + i;
      float m = 0.f;
      for (int64_t k = 0; k < p.Ke; ++k) m += score[k] * a[int64_t(idx[k]) * p.A];
      m = m / denom;
      float s = 0.f;
      for (int64_t k = 0; k < p.Ke; ++k) {
        const float d = a[int64_t(idx[k]) * p.A] - m;
        s += score[k] * (d * d);
      }
      float sd = mppi_clamp(sqrtf(s / denom), p.min_std, p.max_std);
      if (mask != nullptr) {
        m = m * mask[i];
        sd = sd * mask[i];
      }
      mean[t * p.A + i] = m;
      std[t * p.A + i] = sd;
    }
  }
}

// The elite drawn with probability score[k] (inverse CDF on u ∈ [0, 1), see the top comment):
// the first k with u·Σs < s_0 + … + s_k; if rounding leaves none, the last elite with s_k > 0.
TDMPC2_HD int64_t mppi_choose(const float* score, int64_t Ke, float u) {
  float total = 0.f;
  for (int64_t k = 0; k < Ke; ++k) total += score[k];
  const float target = u * total;
  float cum = 0.f;
  int64_t last = 0;
  for (int64_t k = 0; k < Ke; ++k) {
    if (score[k] > 0.f) last = k;
    cum += score[k];
    if (target < cum) return k;
  }
  return last;
}

// Where one plan call's final draws sit, relative to the env's call offset (planner.h).
struct MppiFinalDraws {
  uint64_t choice;   // block of the elite-choice uniform (lane 0)
  uint64_t explore;  // first block of the A exploration normals
};

// Action selection (HEAD `_plan`, "Select action"): the first action of an elite drawn by
// score, plus std[0]·ε when not in eval mode, clamped to [−1, 1]. act0 is the step-0 action of
// sample n at act0[n·A + i]; std0[A] the final std of step 0. out[A].
TDMPC2_HD void mppi_select_action(const float* score, const int32_t* idx, const float* act0,
                                  const float* std0, int64_t Ke, int64_t A, bool eval_mode,
                                  const EnvRng& rng, const MppiFinalDraws& d, float* out) {
  const float u = rng_uniform(rng.seed, rng.stream, rng.offset + d.choice, 0);
  const int64_t k = mppi_choose(score, Ke, u);
  const float* a = act0 + int64_t(idx[k]) * A;
  for (int64_t i = 0; i < A; ++i) {
    float x = a[i];
    if (!eval_mode) x = x + std0[i] * rng_normal(rng.seed, rng.stream, rng.offset + d.explore, uint64_t(i));
    out[i] = mppi_clamp(x, -1.f, 1.f);
  }
}

}  // namespace tdmpc2
