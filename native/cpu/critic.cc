// The two-hot critic on the CPU (semantics in critic.h): one row at a time, max-subtracted
// softmax, reductions over the bins with eight independent partial sums so the compiler can keep
// them in flight (no -ffast-math: the order is explicit and the same on every run). The row
// loops are built three times (target_clones, like dense.cc) so that the partial sums and the
// branch-free softmax_exp run as one AVX2/AVX-512 vector on CPUs that have it.
#include "tdmpc2/critic.h"

#include <cmath>
#include <limits>
#include <vector>

#include "isa_clones.h"

namespace tdmpc2 {
namespace {

constexpr int kLanes = 8;

// max_k l[k]; NaNs are skipped here and propagate through the exp-sum that follows.
inline float row_max(const float* l, int64_t C) {
  float acc[kLanes];
  for (float& a : acc) a = -std::numeric_limits<float>::infinity();
  int64_t k = 0;
  for (; k + kLanes <= C; k += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] = l[k + j] > acc[j] ? l[k + j] : acc[j];
  for (int j = 0; k < C; ++k, ++j) acc[j] = l[k] > acc[j] ? l[k] : acc[j];
  float m = acc[0];
  for (int j = 1; j < kLanes; ++j) m = acc[j] > m ? acc[j] : m;
  return m;
}

// Σ_k f(k) with kLanes partial sums, combined pairwise.
template <class F>
inline float sum_lanes(int64_t n, F f) {
  float acc[kLanes] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  int64_t k = 0;
  for (; k + kLanes <= n; k += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += f(k + j);
  for (int j = 0; k < n; ++k, ++j) acc[j] += f(k);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// Softmax statistics of one row: max m, Σ e_k with e_k = exp(l_k − m) (stored to e when given).
struct RowSoftmax {
  float max, sum;
};
TDMPC2_ISA_CLONES RowSoftmax row_softmax(const float* l, int64_t C, float* e) {
  const float m = row_max(l, C);
  const float s = e != nullptr ? sum_lanes(C, [&](int64_t k) { return e[k] = softmax_exp(l[k] - m); })
                               : sum_lanes(C, [&](int64_t k) { return softmax_exp(l[k] - m); });
  return RowSoftmax{m, s};
}

void fill_nan(float* row, int64_t C) {
  for (int64_t k = 0; k < C; ++k) row[k] = std::numeric_limits<float>::quiet_NaN();
}

// The K ≥ 2 bin centres in a per-thread table, filled by baseline (non-cloned) code: inside an
// AVX2/AVX-512 clone GCC would contract hi − step·n into one FMA and move a centre off
// torch.linspace's value (the middle bin of [−10, 10] would become −1.5e-7 instead of 0).
const float* bin_centres(const TwoHotBins& b) {
  thread_local std::vector<float> c;
  thread_local TwoHotBins filled{-1, 0., 0.};
  if (b.K != filled.K || b.vmin != filled.vmin || b.vmax != filled.vmax) {
    c.resize(size_t(b.K));
    for (int64_t k = 0; k < b.K; ++k) c[size_t(k)] = two_hot_bin_center(k, b);
    filled = b;
  }
  return c.data();
}

// Σe and s_r = Σ_k e_k c_k / Σe for K ≥ 2 (e_k = exp(l_k − max), stored to e when given; c the
// bin centres): both sums in one pass over the bins, kLanes partial sums each.
struct RowExpectation {
  float sum, mean;
};
TDMPC2_ISA_CLONES RowExpectation row_expectation(const float* l, float* e, const float* c,
                                                 int64_t K) {
  const float m = row_max(l, K);
  float s[kLanes] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  float n[kLanes] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
  auto step = [&](int64_t k, int j) {
    const float ek = softmax_exp(l[k] - m);
    if (e != nullptr) e[k] = ek;
    s[j] += ek;
    n[j] += ek * c[k];
  };
  int64_t k = 0;
  for (; k + kLanes <= K; k += kLanes)
    for (int j = 0; j < kLanes; ++j) step(k + j, j);
  for (int j = 0; k < K; ++k, ++j) step(k, j);
  const float sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  const float num = ((n[0] + n[1]) + (n[2] + n[3])) + ((n[4] + n[5]) + (n[6] + n[7]));
  return RowExpectation{sum, num / sum};
}

}  // namespace

void soft_ce_forward_cpu(const float* logits, const float* target, float* loss, float* dlogits,
                         float grad_scale, int64_t R, TwoHotBins bins) {
  const int64_t C = bins.cols();
  for (int64_t r = 0; r < R; ++r) {
    const float* l = logits + r * C;
    float* dl = dlogits != nullptr ? dlogits + r * C : nullptr;
    const TwoHotPair t = two_hot_target(target[r], bins);
    if (t.nan) {
      if (loss != nullptr) loss[r] = std::numeric_limits<float>::quiet_NaN();
      if (dl != nullptr) fill_nan(dl, C);
      continue;
    }
    const RowSoftmax sm = row_softmax(l, C, dl);
    if (loss != nullptr) loss[r] = soft_ce_loss(t, l[t.lo], l[t.hi], sm.max, logf(sm.sum));
    if (dl != nullptr) {
      // d/dl_k Σ_j −t_j log_softmax_j = softmax_k·Σ_j t_j − t_k.
      // Σ_j t_j is 1 up to rounding for K ≥ 2 and t itself for K ≤ 1 (where the gradient is 0).
      const float wsum = t.w_lo + t.w_hi;
      const float e_lo = dl[t.lo], e_hi = dl[t.hi];
      for (int64_t k = 0; k < C; ++k) dl[k] = soft_ce_grad(dl[k], sm.sum, wsum, 0.f, grad_scale);
      dl[t.lo] = soft_ce_grad(e_lo, sm.sum, wsum, t.w_lo, grad_scale);
      if (t.hi != t.lo) dl[t.hi] = soft_ce_grad(e_hi, sm.sum, wsum, t.w_hi, grad_scale);
    }
  }
}

void two_hot_inv_forward_cpu(const float* logits, float* value, int64_t R, TwoHotBins bins) {
  if (bins.K <= 1) {
    for (int64_t r = 0; r < R; ++r) value[r] = two_hot_inv_degenerate(logits[r], bins);
    return;
  }
  const float* c = bin_centres(bins);
  for (int64_t r = 0; r < R; ++r)
    value[r] = symexp(row_expectation(logits + r * bins.K, nullptr, c, bins.K).mean);
}

void two_hot_inv_backward_cpu(const float* logits, const float* dvalue, float* dlogits, int64_t R,
                              TwoHotBins bins) {
  if (bins.K <= 1) {
    for (int64_t r = 0; r < R; ++r)
      dlogits[r] = dvalue[r] * two_hot_inv_degenerate_grad(logits[r], bins);
    return;
  }
  const int64_t K = bins.K;
  const float* c = bin_centres(bins);
  for (int64_t r = 0; r < R; ++r) {
    float* dl = dlogits + r * K;
    const RowExpectation ex = row_expectation(logits + r * K, dl, c, K);  // dl holds e_k
    // ∂symexp(s)/∂l_k = e^|s| · softmax_k · (c_k − s)
    const float g = dvalue[r] * symexp_grad(ex.mean) / ex.sum;
    for (int64_t k = 0; k < K; ++k)
      dl[k] = two_hot_inv_grad(g, dl[k], c[k], ex.mean);
  }
}

void two_hot_encode_cpu(const float* x, float* out, int64_t R, TwoHotBins bins) {
  if (bins.K <= 1) {
    for (int64_t r = 0; r < R; ++r) out[r] = two_hot_degenerate(x[r], bins);
    return;
  }
  const int64_t K = bins.K;
  for (int64_t r = 0; r < R; ++r) {
    float* o = out + r * K;
    const TwoHotPair t = two_hot_weights(x[r], bins);
    if (t.nan) {
      fill_nan(o, K);
      continue;
    }
    for (int64_t k = 0; k < K; ++k) o[k] = 0.f;
    o[t.lo] = t.w_lo;
    o[t.hi] = t.w_hi;  // hi ≠ lo for K ≥ 2
  }
}

}  // namespace tdmpc2
