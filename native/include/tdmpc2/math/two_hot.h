// The discrete-regression critic's per-element math (SPEC §5): symlog/symexp, the two-hot
// encoding of a scalar over K bins spaced evenly in symlog space on [vmin, vmax], and the bin
// centres the decode takes its expectation over. Host + device, so both backends encode a target
// the same way.
//
// Degenerate configurations (HEAD math.py): K = 0 → the "distribution" is the scalar itself
// (identity), K = 1 → symlog of the scalar; the logits then have one column. TwoHotBins::cols()
// is that column count, max(K, 1).
#pragma once
#include <cmath>
#include <cstdint>

#include "common.h"
#include "exp.h"

namespace tdmpc2 {

// symlog(x) = sign(x)·ln(1 + |x|). log1p keeps small |x| exact where ln(1 + |x|) would round
// 1 + |x| first (HEAD uses the latter; they differ by < 1 ulp of 1 in absolute terms).
TDMPC2_HD float symlog(float x) { return copysignf(log1pf(fabsf(x)), x); }

// symexp(x) = sign(x)·(e^|x| − 1), the inverse of symlog.
TDMPC2_HD float symexp(float x) { return copysignf(expm1f(fabsf(x)), x); }

// d symexp / dx = e^|x| (continuous; 1 at x = 0. PyTorch autograd of sign(x)·(exp(|x|) − 1) gives
// 0 at exactly x = 0 because it differentiates |x| as sign(x); we use the true derivative).
TDMPC2_HD float symexp_grad(float x) { return expf(fabsf(x)); }

// e^d for a max-subtracted logit d = l − max ≤ 0 (NaN passes through): the softmax of the soft
// cross-entropy and of the two-hot decode. exp_fast (math/exp.h) rather than expf: a scalar libm
// call keeps the CPU loops over the bins from vectorising (it was ~2 % of a plan call).
TDMPC2_HD float softmax_exp(float d) { return exp_fast_below89(d); }

// A two-hot configuration as the kernels receive it. vmin < vmax and K ≥ 0 (binding-checked).
struct TwoHotBins {
  int64_t K;    // number of bins; 0 and 1 are the degenerate configs
  double vmin;  // symlog-space range of the bins
  double vmax;
  TDMPC2_HD int64_t cols() const { return K > 1 ? K : 1; }
};

// Centre of bin k as torch.linspace(vmin, vmax, K) computes it in float32: the step is rounded
// to float first, the lower half counts up from vmin, the upper half down from vmax (so the
// centres are symmetric and the last one is exactly vmax). Requires K ≥ 2. The product is rounded
// before the add (as torch does): fused, the middle centre of [−10, 10] is −1.5e-7, not 0.
TDMPC2_HD float two_hot_bin_center(int64_t k, const TwoHotBins& b) {
  const float lo = float(b.vmin), hi = float(b.vmax);
  const float step = (hi - lo) / float(b.K - 1);
  return k < b.K / 2 ? lo + mul_unfused(step, float(k)) : hi - mul_unfused(step, float(b.K - 1 - k));
}

// The two non-zero entries of two_hot(x) for K ≥ 2: weight w_lo at bin lo, w_hi at bin hi.
struct TwoHotPair {
  int64_t lo, hi;
  float w_lo, w_hi;
  bool nan;  // x was NaN: every weight is NaN (callers poison the whole row)
};

// two_hot(x), K ≥ 2: y = clamp(symlog(x), vmin, vmax); p = (y − vmin)/bin_size; i = ⌊p⌋;
// w = p − i; weight 1 − w at bin i and w at bin (i + 1) mod K. The wrap only matters at y = vmax
// (p = K − 1, where w is 0 up to rounding: HEAD scatters that rounding residue into bin 0, and so
// do we). p is formed in double: in float32, y − vmin would drop |y|'s low bits when |vmin| ≫ |y|
// (y = 1e-3 would lose 3 of its digits); in double the weights are exact to float32, which is
// what makes two_hot_inv(log two_hot(x)) reproduce x to ~1e-6 relative. x = ±∞ clamps to vmax/vmin.
TDMPC2_HD TwoHotPair two_hot_weights(float x, const TwoHotBins& b) {
  const float s = symlog(x);
  if (s != s) {
    const float nan = s;
    return TwoHotPair{0, 1, nan, nan, true};
  }
  double y = double(s);
  y = y < b.vmin ? b.vmin : (y > b.vmax ? b.vmax : y);
  const double bin_size = (b.vmax - b.vmin) / double(b.K - 1);
  const double p = (y - b.vmin) / bin_size;
  double i = floor(p);
  // p ∈ [0, K − 1] up to rounding; keep the index in range whatever the rounding did.
  if (i < 0.0) i = 0.0;
  if (i > double(b.K - 1)) i = double(b.K - 1);
  double w = p - i;
  w = w < 0.0 ? 0.0 : (w > 1.0 ? 1.0 : w);
  const int64_t lo = int64_t(i);
  return TwoHotPair{lo, (lo + 1) % b.K, float(1.0 - w), float(w), false};
}

// The one-column "distribution" of the degenerate configs: K = 0 → x, K = 1 → symlog(x).
TDMPC2_HD float two_hot_degenerate(float x, const TwoHotBins& b) {
  return b.K == 0 ? x : symlog(x);
}

// The inverse of two_hot_degenerate (two_hot_inv for K ≤ 1): K = 0 → v, K = 1 → symexp(v).
TDMPC2_HD float two_hot_inv_degenerate(float v, const TwoHotBins& b) {
  return b.K == 0 ? v : symexp(v);
}
TDMPC2_HD float two_hot_inv_degenerate_grad(float v, const TwoHotBins& b) {
  return b.K == 0 ? 1.f : symexp_grad(v);
}

// The target weights soft_ce needs for any K: the two-hot pair for K ≥ 2, and for the degenerate
// configs the single column 0 with weight two_hot_degenerate(x) (w_hi = 0 at the same column).
TDMPC2_HD TwoHotPair two_hot_target(float x, const TwoHotBins& b) {
  if (b.K > 1) return two_hot_weights(x, b);
  const float t = two_hot_degenerate(x, b);
  return TwoHotPair{0, 0, t, 0.f, t != t};
}

// One term −t·log_softmax of the cross-entropy with the convention 0·log 0 = 0: a bin with zero
// target weight contributes nothing even when its logit is −∞ (PyTorch's −Σ t·log_softmax would
// give 0·(−∞) = NaN there; logits from a network are finite, so training is unaffected).
TDMPC2_HD float soft_ce_term(float weight, float log_prob) {
  return weight == 0.f ? 0.f : -weight * log_prob;
}

// The soft cross-entropy of one row from its softmax statistics (max, ln Σ exp(l − max)) and the
// logits at the target's two bins: −Σ t·log_softmax with log_softmax_k = (l_k − max) − ln Σe.
TDMPC2_HD float soft_ce_loss(const TwoHotPair& t, float l_lo, float l_hi, float max,
                             float log_sum) {
  return soft_ce_term(t.w_lo, (l_lo - max) - log_sum) +
         soft_ce_term(t.w_hi, (l_hi - max) - log_sum);
}

// dlogits_k of soft_ce: grad_scale·(softmax_k·Σ_j t_j − t_k), with softmax_k = e_k/Σe and
// e_k = exp(l_k − max).
TDMPC2_HD float soft_ce_grad(float e_k, float sum_e, float sum_t, float t_k, float grad_scale) {
  return grad_scale * (e_k / sum_e * sum_t - t_k);
}

// dlogits_k of two_hot_inv: g·e_k·(c_k − s), with g = dvalue·symexp'(s)/Σe and s the expectation.
TDMPC2_HD float two_hot_inv_grad(float g, float e_k, float c_k, float s) {
  return g * e_k * (c_k - s);
}

}  // namespace tdmpc2
