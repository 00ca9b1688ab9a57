// LayerNorm over the last axis (TD-MPC2's NormedLinear): x̂ = (x − μ)·rstd, z = γ·x̂ + β with
// μ the row mean, rstd = 1/sqrt(var + eps), var the biased variance (÷N, as torch.nn.LayerNorm).
//
// Row statistics take two passes (mean, then Σ(x − μ)²) so a large mean does not cancel the
// variance. Each pass keeps kLnLanes independent partial sums (below), so it runs in SIMD
// registers without reassociating anything (no -ffast-math); the summation order is fixed by the
// source, so every ISA clone gives the same bits for the same row. (The CUDA row kernels,
// cuda/dense.cu, sum a row over a thread block instead: same formulas, another order.)
//
// Backward: with g = ∂L/∂x̂ = γ ⊙ ∂L/∂z,  ∂L/∂x = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂)),
//           ∂L/∂γ = Σ_rows ∂L/∂z ⊙ x̂,  ∂L/∂β = Σ_rows ∂L/∂z.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common.h"

namespace tdmpc2 {

constexpr float kLayerNormEps = 1e-5f;
// Row reductions with kLnLanes = 16 independent partial sums: partial sum j accumulates the
// terms i ≡ j (mod 16), then the 16 are combined in a fixed pairwise tree. On the host the
// partial sums live in two 8-wide GCC vectors (one ymm each, or xmm pairs on baseline x86-64),
// so the loop is SIMD without -ffast-math and has two independent add chains; on the device (one
// thread) they are an array. A term is a small functor: at(i) is term i, add8(i, acc) adds
// terms i..i+7 to the 8 lanes of acc. (32 lanes in four chains would run a 512-wide row's pass
// in ~64 cycles instead of ~128, but changes every LayerNorm's rounding; not worth it for ~4 %
// of an epilogue.)
constexpr int kLnLanes = 16;

#if !defined(__CUDA_ARCH__)
typedef float ln_v8 __attribute__((vector_size(32)));

// v = p[0..8). By reference, not returned: a returned 32-byte vector has an ISA-dependent ABI.
inline __attribute__((always_inline)) void ln_load8(const float* p, ln_v8& v) {
  std::memcpy(&v, p, sizeof v);
}
#endif

// The kLnLanes partial sums combined in a fixed pairwise tree.
TDMPC2_HD float ln_combine(const float* acc) {
  float t[8];
  for (int j = 0; j < 8; ++j) t[j] = acc[j] + acc[j + 8];
  return ((t[0] + t[4]) + (t[1] + t[5])) + ((t[2] + t[6]) + (t[3] + t[7]));
}

template <class Term>
TDMPC2_HD float ln_reduce(const Term& term, int64_t n) {
  float acc[kLnLanes];
  int64_t i = 0;
#if defined(__CUDA_ARCH__)
  for (int j = 0; j < kLnLanes; ++j) acc[j] = 0.f;
  for (; i + kLnLanes <= n; i += kLnLanes)
    for (int j = 0; j < kLnLanes; ++j) acc[j] += term.at(i + j);
#else
  ln_v8 a0 = {}, a1 = {};
  for (; i + kLnLanes <= n; i += kLnLanes) {
    term.add8(i, a0);
    term.add8(i + 8, a1);
  }
  for (int j = 0; j < 8; ++j) {
    acc[j] = a0[j];
    acc[j + 8] = a1[j];
  }
#endif
  for (int j = 0; j < kLnLanes && i < n; ++i, ++j) acc[j] += term.at(i);
  return ln_combine(acc);
}

struct LnSumTerm {  // x[i]
  const float* x;
  TDMPC2_HD float at(int64_t i) const { return x[i]; }
#if !defined(__CUDA_ARCH__)
  void add8(int64_t i, ln_v8& acc) const {
    ln_v8 v;
    ln_load8(x + i, v);
    acc += v;
  }
#endif
};

struct LnSqDevTerm {  // (x[i] − c)²
  const float* x;
  float c;
  TDMPC2_HD float at(int64_t i) const { return (x[i] - c) * (x[i] - c); }
#if !defined(__CUDA_ARCH__)
  void add8(int64_t i, ln_v8& acc) const {
    ln_v8 v;
    ln_load8(x + i, v);
    v -= c;
    acc += v * v;
  }
#endif
};

struct LnBiasSumTerm {  // x[i] + b[i], also stored back into x[i] (the bias add in the same pass)
  float* x;
  const float* b;
  TDMPC2_HD float at(int64_t i) const { return x[i] = x[i] + b[i]; }
#if !defined(__CUDA_ARCH__)
  void add8(int64_t i, ln_v8& acc) const {
    ln_v8 u, v;
    ln_load8(x + i, u);
    ln_load8(b + i, v);
    u += v;
    std::memcpy(x + i, &u, sizeof u);
    acc += u;
  }
#endif
};

struct LnDotTerm {  // a[i]·b[i]
  const float* a;
  const float* b;
  TDMPC2_HD float at(int64_t i) const { return a[i] * b[i]; }
#if !defined(__CUDA_ARCH__)
  void add8(int64_t i, ln_v8& acc) const {
    ln_v8 u, v;
    ln_load8(a + i, u);
    ln_load8(b + i, v);
    acc += u * v;
  }
#endif
};

// Σ x[i]
TDMPC2_HD float row_sum(const float* x, int64_t n) { return ln_reduce(LnSumTerm{x}, n); }

// Σ (x[i] − c)²
TDMPC2_HD float row_sum_sq_dev(const float* x, int64_t n, float c) {
  return ln_reduce(LnSqDevTerm{x, c}, n);
}

// Σ a[i]·b[i] (the two row sums of the backward)
TDMPC2_HD float row_dot(const float* a, const float* b, int64_t n) {
  return ln_reduce(LnDotTerm{a, b}, n);
}

// x[i] += b[i] for the row and returns the new Σ x[i]: the bias add and the mean's pass in one.
TDMPC2_HD float row_add_bias_sum(float* x, const float* b, int64_t n) {
  return ln_reduce(LnBiasSumTerm{x, b}, n);
}

// 1/sqrt(var + eps) for a biased variance var.
TDMPC2_HD float layernorm_rstd(float var) { return 1.f / sqrtf(var + kLayerNormEps); }

// Mean and rstd of one row of n values.
TDMPC2_HD void layernorm_row_stats(const float* x, int64_t n, float& mean, float& rstd) {
  mean = row_sum(x, n) / float(n);
  rstd = layernorm_rstd(row_sum_sq_dev(x, n, mean) / float(n));
}

// The same after adding the bias b to the row in place (one pass fewer than adding it first).
TDMPC2_HD void layernorm_row_stats_add_bias(float* x, const float* b, int64_t n, float& mean,
                                            float& rstd) {
  mean = row_add_bias_sum(x, b, n) / float(n);
  rstd = layernorm_rstd(row_sum_sq_dev(x, n, mean) / float(n));
}

// ∂L/∂x for one element: g = γ·∂L/∂z at this element, mean_g = mean(g) and
// mean_gx = mean(g ⊙ x̂) over the row.
TDMPC2_HD float layernorm_backward(float g, float xhat, float mean_g, float mean_gx, float rstd) {
  return rstd * (g - mean_g - xhat * mean_gx);
}

}  // namespace tdmpc2
