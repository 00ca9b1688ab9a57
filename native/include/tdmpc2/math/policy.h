// The policy prior's per-element math (SPEC §5, §6; HEAD world_model.py `pi`, math.py): the
// log-std squash, the Gaussian log-prob of the noise, the tanh-squash correction, the entropy
// terms, and their derivatives; plus the whole per-row forward and backward, which both backends
// run (the CPU over a loop of rows, CUDA one thread per row), so they cannot drift.
//
// Row semantics, with raw = [μ_raw | r] (2A values), noise ε (A), optional mask m (A, 1/0):
//   μ = m·μ_raw;  logσ = m·(lmin + ½(lmax − lmin)(tanh r + 1));  e = m·ε
//   u = μ + e·exp(logσ);  a = tanh u;  mean = tanh μ
//   lp_g = Σ_i (−½e_i² − logσ_i − ½ln 2π)     (masked dims still add −½ln 2π, as in HEAD)
//   lp   = lp_g − Σ_i ln(relu(1 − a_i²) + 1e-6)
//   S    = A without a mask, Σ_i m_i with one (HEAD: `size`, the valid action dims)
//   scaled_entropy = −lp · (S·lp_g)/(lp + 1e-8)   (≈ −S·lp_g: the tanh term cancels, SPEC §6)
// All in float32, in the order PyTorch evaluates them.
#pragma once
#include <cmath>
#include <cstdint>

#include "common.h"

namespace tdmpc2 {

constexpr float kHalfLog2Pi = 0.9189385175704956f;  // ½ln 2π, the constant HEAD subtracts
constexpr float kTanhEps = 1e-6f;                   // inside ln(relu(1 − a²) + 1e-6)
constexpr float kEntropyEps = 1e-8f;                // in scaled_log_prob / (log_prob + 1e-8)

// logσ = lmin + ½(lmax − lmin)(tanh(raw) + 1) ∈ [lmin, lmax], from t = tanh(raw).
TDMPC2_HD float squash_log_std_from_tanh(float t, float lmin, float lmax) {
  return lmin + 0.5f * (lmax - lmin) * (t + 1.f);
}
TDMPC2_HD float squash_log_std(float raw, float lmin, float lmax) {
  return squash_log_std_from_tanh(tanhf(raw), lmin, lmax);
}
// d logσ / d raw from t = tanh(raw) (callers that already hold t skip a tanh).
TDMPC2_HD float squash_log_std_grad_from_tanh(float t, float lmin, float lmax) {
  return 0.5f * (lmax - lmin) * ((1.f - t) * (1.f + t));
}
TDMPC2_HD float squash_log_std_grad(float raw, float lmin, float lmax) {
  return squash_log_std_grad_from_tanh(tanhf(raw), lmin, lmax);
}

// One summand of the Gaussian log-prob of the noise: −½e² − logσ − ½ln 2π.
TDMPC2_HD float gaussian_log_prob_term(float e, float log_std) {
  return (-0.5f * e * e - log_std) - kHalfLog2Pi;
}

// 1 − a² as (1 − a)(1 + a): exact for the float32 a even when |a| → 1, where 1 − a·a would keep
// only the rounding of a². (PyTorch computes 1 − a²; the two differ by < 2⁻²⁴ absolute.)
TDMPC2_HD float one_minus_sq(float a) { return (1.f - a) * (1.f + a); }

// ln(relu(1 − a²) + 1e-6), the log-Jacobian term of the tanh squash; NaN propagates.
TDMPC2_HD float tanh_correction(float a) {
  const float x = one_minus_sq(a);
  return logf((x <= 0.f ? 0.f : x) + kTanhEps);
}
// d/da of tanh_correction; 0 where relu is flat (PyTorch's relu gradient at 0 is 0 as well).
TDMPC2_HD float tanh_correction_grad(float a) {
  const float x = one_minus_sq(a);
  return x > 0.f ? -2.f * a / (x + kTanhEps) : 0.f;
}

// −lp · (S·lp_g)/(lp + 1e-8), evaluated as HEAD does.
TDMPC2_HD float scaled_entropy(float lp_g, float lp, float S) {
  const float scale = (lp_g * S) / (lp + kEntropyEps);
  return -lp * scale;
}

// Partial derivatives of scaled_entropy(lp_g, lp), exact in real arithmetic (lp held fixed in the
// first, lp_g in the second; callers add the path lp_g → lp themselves):
//   ∂/∂lp_g = −S·lp/(lp + δ);   ∂/∂lp = −(S·lp_g)·δ/(lp + δ)²   (δ = 1e-8).
// The second is what PyTorch's autograd computes as −scale + lp·S·lp_g/(lp + δ)², a difference
// of two nearly equal terms; the closed form avoids that cancellation.
struct ScaledEntropyGrad {
  float d_lp_g, d_lp;
};
TDMPC2_HD ScaledEntropyGrad scaled_entropy_grad(float lp_g, float lp, float S) {
  const float denom = lp + kEntropyEps;
  return ScaledEntropyGrad{-S * lp / denom, -(S * lp_g) * kEntropyEps / (denom * denom)};
}

// The per-row values every pass needs, recomputed from (raw, ε, mask) so that backward needs no
// saved state.
struct PolicyElem {
  float mu, log_std, e, sigma, a;
  float tanh_r;  // tanh of the raw log-std, for d logσ/d raw
};
TDMPC2_HD PolicyElem policy_elem(const float* raw, const float* eps, const float* mask, int64_t A,
                                 int64_t i, float lmin, float lmax) {
  const float m = mask != nullptr ? mask[i] : 1.f;
  PolicyElem p;
  p.mu = raw[i];
  p.tanh_r = tanhf(raw[A + i]);
  p.log_std = squash_log_std_from_tanh(p.tanh_r, lmin, lmax);
  p.e = eps[i];
  if (mask != nullptr) {  // HEAD multiplies only when multitask; ×1 is exact anyway
    p.mu *= m;
    p.log_std *= m;
    p.e *= m;
  }
  p.sigma = expf(p.log_std);
  p.a = tanhf(p.mu + p.e * p.sigma);
  return p;
}

struct PolicyRowStats {
  float lp_g, log_prob, scaled_entropy;
};

// Forward of one row. action/mean/log_std (A each) may be null to skip them.
TDMPC2_HD PolicyRowStats policy_row_forward(const float* raw, const float* eps, const float* mask,
                                            int64_t A, float lmin, float lmax, float* action,
                                            float* mean, float* log_std) {
  float lp_g = 0.f, tanh_sum = 0.f, S = 0.f;
  for (int64_t i = 0; i < A; ++i) {
    const PolicyElem p = policy_elem(raw, eps, mask, A, i, lmin, lmax);
    lp_g += gaussian_log_prob_term(p.e, p.log_std);
    tanh_sum += tanh_correction(p.a);
    S += mask != nullptr ? mask[i] : 1.f;
    if (action != nullptr) action[i] = p.a;
    if (mean != nullptr) mean[i] = tanhf(p.mu);
    if (log_std != nullptr) log_std[i] = p.log_std;
  }
  const float lp = lp_g - tanh_sum;
  return PolicyRowStats{lp_g, lp, scaled_entropy(lp_g, lp, S)};
}

// Backward of one row: d_raw (2A, overwritten) = dL/draw given dL/da (A, null = 0) and
// dL/d(scaled_entropy) (d_se, 0 when absent). Exact derivative of the forward above:
//   ḡ_lpg = d_se·(∂se/∂lp_g + ∂se/∂lp), ḡ_t = −d_se·∂se/∂lp   (lp = lp_g − Σ t_i)
//   ḡ_a_i = dL/da_i + ḡ_t·t'(a_i);  ḡ_u_i = ḡ_a_i·(1 − a_i²)
//   dL/dμ_raw_i = m_i·ḡ_u_i
//   dL/dr_i     = m_i·(ḡ_u_i·e_i·σ_i − ḡ_lpg)·½(lmax − lmin)(1 − tanh² r_i)
TDMPC2_HD void policy_row_backward(const float* raw, const float* eps, const float* mask,
                                   int64_t A, float lmin, float lmax, const float* d_action,
                                   float d_se, float* d_raw) {
  float lp_g = 0.f, tanh_sum = 0.f, S = 0.f;
  if (d_se != 0.f) {  // the entropy path needs the row's sums first
    for (int64_t i = 0; i < A; ++i) {
      const PolicyElem p = policy_elem(raw, eps, mask, A, i, lmin, lmax);
      lp_g += gaussian_log_prob_term(p.e, p.log_std);
      tanh_sum += tanh_correction(p.a);
      S += mask != nullptr ? mask[i] : 1.f;
    }
  }
  const ScaledEntropyGrad g = scaled_entropy_grad(lp_g, lp_g - tanh_sum, S);
  // lp = lp_g − Σt, so lp_g reaches se both through S·lp_g and through lp.
  const float g_lpg = d_se != 0.f ? d_se * (g.d_lp_g + g.d_lp) : 0.f;
  const float g_t = d_se != 0.f ? -d_se * g.d_lp : 0.f;
  for (int64_t i = 0; i < A; ++i) {
    const PolicyElem p = policy_elem(raw, eps, mask, A, i, lmin, lmax);
    float g_a = d_action != nullptr ? d_action[i] : 0.f;
    if (g_t != 0.f) g_a += g_t * tanh_correction_grad(p.a);
    const float g_u = g_a * one_minus_sq(p.a);
    const float g_log_std = g_u * p.e * p.sigma - g_lpg;
    const float m = mask != nullptr ? mask[i] : 1.f;
    d_raw[i] = m * g_u;
    d_raw[A + i] = m * g_log_std * squash_log_std_grad_from_tanh(p.tanh_r, lmin, lmax);
  }
}

}  // namespace tdmpc2
