// The AVX-512 LayerNorm statistics of four rows and LayerNorm + Mish row (epilogue_simd.h). Why not leave it to the vectoriser: the
// portable exp_fast builds 2ⁿ from integer bit operations (6 integer ops and 2 multiplies per
// vector) because a plain C++ source has nothing better; AVX-512's vscalefps computes p·2ⁿ with
// one rounding, which is exactly what p·2^(n>>1)·2^(n − n>>1) yields (p·2^(n>>1) is exact for
// every n exp_fast allows, so only the last product rounds, overflow and gradual underflow
// included). That and min/max for the selects make the row ~20 % faster, with identical results.
//
// Transcription of math/activations.h mish and math/exp.h exp_fast_below89, step by step:
//   x  = (h − mean)·rstd·γ + β            sub, mul, fma (GCC contracts the last mul-add)
//   xc = x > 20 ? 20 : x                   min(20, x): vminps returns its 2nd operand for NaN
//   xc = xc < −104 ? −104 : xc             max(−104, xc), likewise NaN-preserving
//   t = xc·log2e + 1.5·2²³ (fma), n = t − 1.5·2²³, r = xc − n·ln2_hi (fnmadd), r −= n·(−ln2_lo)
//   p: the degree-6 polynomial by fma, then p·(r·r) + r (fma) + 1
//   e = p·2ⁿ (vscalefps), q = e·(e + 2), mish = x·(q / (q + 2))
#include "epilogue_simd.h"

#include "tdmpc2/math/layernorm.h"
#include "tdmpc2/math/simnorm.h"

#if defined(__x86_64__)
#include "avx512_intrinsics.h"

#define TDMPC2_EPI_TARGET TDMPC2_AVX512_TARGET("avx512f,avx512dq,avx2,fma")

namespace tdmpc2::cpu {
namespace {

// GCC 12's min/max intrinsics pass an undefined vector as the (unused) merge source, which
// -W(maybe-)uninitialized flags (GCC PR 105593, fixed in GCC 13): silenced for this file's code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// exp_fast_below89 of U vectors already clamped to [−104, 20] (or NaN), each step on all U before
// the next, so that U independent chains of ~20 dependent operations sit side by side: a lone
// chain per vector leaves the FP units waiting on latency (the out-of-order window holds only a
// few iterations). Both rows take eight at a time. The forward row, in a C++ harness over
// L1-resident 512-wide rows on Zen 5: 1.45× one at a time, 1.13× four; the backward row 1.02–1.04×
// four (four was 1.24× one at a time on the Xeon before, median of an in-process A/B).
template <int U>
TDMPC2_EPI_TARGET inline void exp16_clamped(const __m512* xc, __m512* e) {
  const __m512 shifter = _mm512_set1_ps(12582912.f);
  __m512 n[U], r[U], p[U];
  for (int u = 0; u < U; ++u)
    n[u] = _mm512_sub_ps(
        _mm512_fmadd_ps(xc[u], _mm512_set1_ps(1.44269504088896341f), shifter), shifter);
  for (int u = 0; u < U; ++u) r[u] = _mm512_fnmadd_ps(n[u], _mm512_set1_ps(0.693359375f), xc[u]);
  for (int u = 0; u < U; ++u) r[u] = _mm512_fnmadd_ps(n[u], _mm512_set1_ps(-2.12194440e-4f), r[u]);
  for (int u = 0; u < U; ++u)
    p[u] = _mm512_fmadd_ps(_mm512_set1_ps(1.9875691500e-4f), r[u],
                           _mm512_set1_ps(1.3981999507e-3f));
  for (int u = 0; u < U; ++u) p[u] = _mm512_fmadd_ps(p[u], r[u], _mm512_set1_ps(8.3334519073e-3f));
  for (int u = 0; u < U; ++u) p[u] = _mm512_fmadd_ps(p[u], r[u], _mm512_set1_ps(4.1665795894e-2f));
  for (int u = 0; u < U; ++u) p[u] = _mm512_fmadd_ps(p[u], r[u], _mm512_set1_ps(1.6666665459e-1f));
  for (int u = 0; u < U; ++u) p[u] = _mm512_fmadd_ps(p[u], r[u], _mm512_set1_ps(5.0000001201e-1f));
  for (int u = 0; u < U; ++u)
    p[u] = _mm512_add_ps(_mm512_fmadd_ps(p[u], _mm512_mul_ps(r[u], r[u]), r[u]),
                         _mm512_set1_ps(1.f));
  for (int u = 0; u < U; ++u) e[u] = _mm512_scalef_ps(p[u], n[u]);
}

// LayerNorm + Mish of U vectors side by side (the exp's chains interleaved, as mish_grad16).
template <int U>
TDMPC2_EPI_TARGET inline void ln_mish16(const __m512* h, __m512 mean, __m512 rstd,
                                        const __m512* g, const __m512* b, __m512* y) {
  __m512 x[U], xc[U], e[U];
  for (int u = 0; u < U; ++u)
    x[u] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_sub_ps(h[u], mean), rstd), g[u], b[u]);
  for (int u = 0; u < U; ++u) {
    xc[u] = _mm512_min_ps(_mm512_set1_ps(20.f), x[u]);
    xc[u] = _mm512_max_ps(_mm512_set1_ps(-104.f), xc[u]);
  }
  exp16_clamped<U>(xc, e);
  for (int u = 0; u < U; ++u) {
    const __m512 q = _mm512_mul_ps(e[u], _mm512_add_ps(e[u], _mm512_set1_ps(2.f)));
    y[u] = _mm512_mul_ps(x[u], _mm512_div_ps(q, _mm512_add_ps(q, _mm512_set1_ps(2.f))));
  }
}

// math/activations.h mish_grad of U vectors: xc = min(20, x) (the −104 floor applies to exp's
// argument only, as in exp_fast_below89), n = e·(e + 2), inv = 1/(n + 2), then
// n·inv + 4·xc·e·(1 + e)·inv² with the first product fused into the final add (where GCC
// contracts the portable source).
template <int U>
TDMPC2_EPI_TARGET inline void mish_grad16(const __m512* x, __m512* out) {
  __m512 xc[U], lo[U], e[U], n[U], inv[U];
  for (int u = 0; u < U; ++u) xc[u] = _mm512_min_ps(_mm512_set1_ps(20.f), x[u]);
  for (int u = 0; u < U; ++u) lo[u] = _mm512_max_ps(_mm512_set1_ps(-104.f), xc[u]);
  exp16_clamped<U>(lo, e);
  for (int u = 0; u < U; ++u) n[u] = _mm512_mul_ps(e[u], _mm512_add_ps(e[u], _mm512_set1_ps(2.f)));
  for (int u = 0; u < U; ++u)
    inv[u] = _mm512_div_ps(_mm512_set1_ps(1.f), _mm512_add_ps(n[u], _mm512_set1_ps(2.f)));
  for (int u = 0; u < U; ++u) {
    const __m512 t = _mm512_mul_ps(
        _mm512_mul_ps(_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(4.f), xc[u]), e[u]),
                      _mm512_add_ps(_mm512_set1_ps(1.f), e[u])),
        _mm512_mul_ps(inv[u], inv[u]));
    out[u] = _mm512_fmadd_ps(n[u], inv[u], t);
  }
}

TDMPC2_EPI_TARGET void ln_mish_row_avx512(const float* h, float mean, float rstd,
                                          const float* gamma, const float* beta, float* y,
                                          int64_t N) {
  const __m512 vm = _mm512_set1_ps(mean), vr = _mm512_set1_ps(rstd);
  constexpr int U = 8;
  int64_t n = 0;
  for (; n + 16 * U <= N; n += 16 * U) {
    __m512 hv[U], gv[U], bv[U], yv[U];
    for (int u = 0; u < U; ++u) {
      hv[u] = _mm512_loadu_ps(h + n + 16 * u);
      gv[u] = _mm512_loadu_ps(gamma + n + 16 * u);
      bv[u] = _mm512_loadu_ps(beta + n + 16 * u);
    }
    ln_mish16<U>(hv, vm, vr, gv, bv, yv);
    for (int u = 0; u < U; ++u) _mm512_storeu_ps(y + n + 16 * u, yv[u]);
  }
  for (; n < N; n += 16) {  // the rest one vector at a time, the last N mod 16 under a mask
    const __mmask16 k = N - n >= 16 ? __mmask16(0xffff) : __mmask16((1u << (N - n)) - 1u);
    const __m512 hv = _mm512_maskz_loadu_ps(k, h + n), gv = _mm512_maskz_loadu_ps(k, gamma + n),
                 bv = _mm512_maskz_loadu_ps(k, beta + n);
    __m512 yv;
    ln_mish16<1>(&hv, vm, vr, &gv, &bv, &yv);
    _mm512_mask_storeu_ps(y + n, k, yv);
  }
}

// The 16 partial sums of math/layernorm.h's ln_reduce (lane j: elements ≡ j mod 16, in order)
// are exactly the 16 lanes of one zmm accumulator fed whole vectors; the tree that combines
// them is ln_combine's. R rows (1–4), R independent chains.
TDMPC2_EPI_TARGET inline float combine16(__m512 acc) {
  alignas(64) float a[16];
  _mm512_store_ps(a, acc);
  return ln_combine(a);
}

template <int R>
TDMPC2_EPI_TARGET inline void ln_stats_rows(float* const* x, const float* b, int64_t n,
                                            float* mean, float* rstd) {
  __m512 acc[R];
  for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __m512 bv = b != nullptr ? _mm512_loadu_ps(b + i) : _mm512_setzero_ps();
    for (int r = 0; r < R; ++r) {
      __m512 v = _mm512_loadu_ps(x[r] + i);
      if (b != nullptr) {  // LnBiasSumTerm: x += b, stored, then summed
        v = _mm512_add_ps(v, bv);
        _mm512_storeu_ps(x[r] + i, v);
      }
      acc[r] = _mm512_add_ps(acc[r], v);
    }
  }
  __m512 c[R];
  for (int r = 0; r < R; ++r) {
    mean[r] = combine16(acc[r]) / float(n);
    c[r] = _mm512_set1_ps(mean[r]);
    acc[r] = _mm512_setzero_ps();
  }
  for (int64_t i = 0; i < n; i += 16)
    for (int r = 0; r < R; ++r) {  // LnSqDevTerm: d = x − mean, acc += d·d (contracted: an FMA)
      const __m512 dv = _mm512_sub_ps(_mm512_loadu_ps(x[r] + i), c[r]);
      acc[r] = _mm512_fmadd_ps(dv, dv, acc[r]);
    }
  for (int r = 0; r < R; ++r) rstd[r] = layernorm_rstd(combine16(acc[r]) / float(n));
}

TDMPC2_EPI_TARGET void ln_stats_avx512(float* const* x, int rows, const float* b, int64_t n,
                                       float* mean, float* rstd) {
  switch (rows) {
    case 1: return ln_stats_rows<1>(x, b, n, mean, rstd);
    case 2: return ln_stats_rows<2>(x, b, n, mean, rstd);
    case 3: return ln_stats_rows<3>(x, b, n, mean, rstd);
    default: return ln_stats_rows<4>(x, b, n, mean, rstd);
  }
}

// ∂L/∂z = dy·mish'(γ·x̂ + β) and x̂ of U whole vectors at n (or of the last N − n < 16 columns
// under mask k when U = 1), into dz and xhat.
template <int U>
TDMPC2_EPI_TARGET inline void mish_dz16(const float* h, __m512 vm, __m512 vr, const float* gamma,
                                        const float* beta, const float* dy, float* dz,
                                        float* xhat, int64_t n, __mmask16 k) {
  __m512 xh[U], x[U], mg[U];
  for (int u = 0; u < U; ++u) {
    xh[u] = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, h + n + 16 * u), vm), vr);
    _mm512_mask_storeu_ps(xhat + n + 16 * u, k, xh[u]);
  }
  for (int u = 0; u < U; ++u)
    x[u] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, gamma + n + 16 * u), xh[u],
                           _mm512_maskz_loadu_ps(k, beta + n + 16 * u));
  mish_grad16<U>(x, mg);
  for (int u = 0; u < U; ++u)
    _mm512_mask_storeu_ps(dz + n + 16 * u, k,
                          _mm512_mul_ps(_mm512_maskz_loadu_ps(k, dy + n + 16 * u), mg[u]));
}

// SimNorm with groups of 8 (math/simnorm.h), sixteen groups (128 values) per block. The block is
// a 16 × 8 matrix (group g, value j) in eight zmm, v[i] holding groups 2i and 2i + 1. Three
// butterfly stages, each swapping one bit of the register index with one bit of the lane index
// (8 two-source permutes per stage), turn it into t[j] = value j of every group, one group per
// lane (lane 8·(g & 1) + g/2); the per-group max, sums and dot products then run down t[0..7] in
// index order, exactly simnorm_group's order, with no broadcast back; the same stages undo the
// transpose (each stage is its own inverse). The portable code (8×8 blocks of ymm) spends about
// 2.7× the shuffles per value on the forward and 1.6× on the backward.
TDMPC2_EPI_TARGET inline void simnorm_transpose16x8(__m512* v) {
  // Stage k swaps register bit k with lane bit k (lane bits 0..2 hold j, register bits g/2). Of a
  // pair (a, b) differing in register bit k, the first keeps a's lanes whose lane bit k is clear
  // and takes b's lane with that bit cleared where it is set; the second mirrors it.
  const __m512i lo[3] = {
      _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
      _mm512_setr_epi32(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
      _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)};
  const __m512i hi[3] = {
      _mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31),
      _mm512_setr_epi32(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31),
      _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31)};
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 8; ++i) {
      if (i & (1 << k)) continue;
      const __m512 a = v[i], b = v[i | (1 << k)];
      v[i] = _mm512_permutex2var_ps(a, lo[k], b);
      v[i | (1 << k)] = _mm512_permutex2var_ps(a, hi[k], b);
    }
}

// simnorm_span(y, n, 8) for n a multiple of 8: blocks of 128 here, the rest by the portable code
// (groups are independent, so the split changes nothing).
TDMPC2_EPI_TARGET inline void simnorm8_span(float* y, int64_t n) {
  int64_t b = 0;
  for (; b + 128 <= n; b += 128) {
    __m512 t[8];
    for (int i = 0; i < 8; ++i) t[i] = _mm512_loadu_ps(y + b + 16 * i);
    simnorm_transpose16x8(t);
    __m512 m = t[0];
    for (int j = 1; j < 8; ++j) m = _mm512_max_ps(t[j], m);  // t[j] > m ? t[j] : m
    __m512 sum = _mm512_setzero_ps();
    for (int j = 0; j < 8; ++j) {
      const __m512 d = _mm512_max_ps(_mm512_set1_ps(-104.f), _mm512_sub_ps(t[j], m));
      exp16_clamped<1>(&d, &t[j]);
      sum = _mm512_add_ps(sum, t[j]);
    }
    const __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.f), sum);
    for (int j = 0; j < 8; ++j) t[j] = _mm512_mul_ps(t[j], inv);
    simnorm_transpose16x8(t);
    for (int i = 0; i < 8; ++i) _mm512_storeu_ps(y + b + 16 * i, t[i]);
  }
  if (b < n) simnorm_span(y + b, n - b, 8);
}

// simnorm_span_backward(s, dy, dz, n, 8) likewise: dz = s·(dy − Σ_j dy_j·s_j), the dot product
// an FMA chain in index order (as GCC contracts the portable loop).
TDMPC2_EPI_TARGET inline void simnorm8_span_backward(const float* s, const float* dy, float* dz,
                                                     int64_t n) {
  int64_t b = 0;
  for (; b + 128 <= n; b += 128) {
    __m512 ts[8], td[8];
    for (int i = 0; i < 8; ++i) {
      ts[i] = _mm512_loadu_ps(s + b + 16 * i);
      td[i] = _mm512_loadu_ps(dy + b + 16 * i);
    }
    simnorm_transpose16x8(ts);
    simnorm_transpose16x8(td);
    __m512 dot = _mm512_setzero_ps();
    for (int j = 0; j < 8; ++j) dot = _mm512_fmadd_ps(td[j], ts[j], dot);
    for (int j = 0; j < 8; ++j) td[j] = _mm512_mul_ps(ts[j], _mm512_sub_ps(td[j], dot));
    simnorm_transpose16x8(td);
    for (int i = 0; i < 8; ++i) _mm512_storeu_ps(dz + b + 16 * i, td[i]);
  }
  if (b < n) simnorm_span_backward(s + b, dy + b, dz + b, n - b, 8);
}

// dense.cc forward_rows for one LayerNorm + SimNorm row with groups of 8 (N a multiple of 8):
// y = (h − mean)·rstd·γ + β as in ln_mish16, then SimNorm sixteen groups at a time.
TDMPC2_EPI_TARGET void ln_simnorm8_row_avx512(const float* h, float mean, float rstd,
                                              const float* gamma, const float* beta, float* y,
                                              int64_t N) {
  const __m512 vm = _mm512_set1_ps(mean), vr = _mm512_set1_ps(rstd);
  for (int64_t n = 0; n < N; n += 16) {
    const __mmask16 k = N - n >= 16 ? __mmask16(0xffff) : __mmask16((1u << (N - n)) - 1u);
    const __m512 x = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, h + n), vm), vr);
    _mm512_mask_storeu_ps(y + n, k,
                          _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(k, gamma + n),
                                          _mm512_maskz_loadu_ps(k, beta + n)));
  }
  simnorm8_span(y, N);
}

// The LayerNorm part of dense.cc backward_rows for one row, after the activation's backward left
// dz = ∂L/∂z in dh: accumulates dγ and dβ, writes g = γ·dz into dh and sums g and g·x̂ in 16 lanes
// (lane j: elements ≡ j mod 16, in order: ln_reduce's partial sums, the tail under a mask); then
// applies the LayerNorm backward, the dropout factors and adds db.
TDMPC2_EPI_TARGET inline void ln_backward_tail(float rstd, const float* gamma, const float* xhat,
                                               const float* f, float* dh, float* dgamma,
                                               float* dbeta, float* db, int64_t N) {
  __m512 sum_g = _mm512_setzero_ps(), sum_gx = _mm512_setzero_ps();
  for (int64_t n = 0; n < N; n += 16) {
    const __mmask16 k = N - n >= 16 ? __mmask16(0xffff) : __mmask16((1u << (N - n)) - 1u);
    const __m512 xh = _mm512_maskz_loadu_ps(k, xhat + n);
    const __m512 dz = _mm512_maskz_loadu_ps(k, dh + n);
    if (dgamma != nullptr)
      _mm512_mask_storeu_ps(dgamma + n, k,
                            _mm512_fmadd_ps(dz, xh, _mm512_maskz_loadu_ps(k, dgamma + n)));
    if (dbeta != nullptr)
      _mm512_mask_storeu_ps(dbeta + n, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, dbeta + n), dz));
    const __m512 gz = _mm512_mul_ps(dz, _mm512_maskz_loadu_ps(k, gamma + n));
    _mm512_mask_storeu_ps(dh + n, k, gz);
    sum_g = _mm512_mask_add_ps(sum_g, k, sum_g, gz);
    sum_gx = _mm512_mask3_fmadd_ps(gz, xh, sum_gx, k);
  }
  const __m512 vr = _mm512_set1_ps(rstd);
  const __m512 mean_g = _mm512_set1_ps(combine16(sum_g) / float(N));
  const __m512 mean_gx = _mm512_set1_ps(combine16(sum_gx) / float(N));
  for (int64_t n = 0; n < N; n += 16) {
    const __mmask16 k = N - n >= 16 ? __mmask16(0xffff) : __mmask16((1u << (N - n)) - 1u);
    const __m512 g = _mm512_maskz_loadu_ps(k, dh + n);
    const __m512 xh = _mm512_maskz_loadu_ps(k, xhat + n);
    __m512 d = _mm512_mul_ps(vr, _mm512_fnmadd_ps(xh, mean_gx, _mm512_sub_ps(g, mean_g)));
    if (f != nullptr) d = _mm512_mul_ps(d, _mm512_maskz_loadu_ps(k, f + n));
    _mm512_mask_storeu_ps(dh + n, k, d);
    if (db != nullptr)
      _mm512_mask_storeu_ps(db + n, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, db + n), d));
  }
}

// dense.cc backward_rows for one LayerNorm + Mish row, transcribed: x̂ (into work[0, N)) and
// ∂L/∂z = dy·mish'(γ·x̂ + β) (into dh), eight vectors at a time, then the LayerNorm part.
TDMPC2_EPI_TARGET void ln_mish_backward_row_avx512(const float* h, float mean, float rstd,
                                                   const float* gamma, const float* beta,
                                                   const float* dy, const float* f, float* dh,
                                                   float* dgamma, float* dbeta, float* db,
                                                   float* work, int64_t N) {
  const __m512 vm = _mm512_set1_ps(mean), vr = _mm512_set1_ps(rstd);
  float* xhat = work;
  int64_t n = 0;
  for (; n + 128 <= N; n += 128)
    mish_dz16<8>(h, vm, vr, gamma, beta, dy, dh, xhat, n, 0xffff);
  for (; n < N; n += 16) {
    const __mmask16 k = N - n >= 16 ? __mmask16(0xffff) : __mmask16((1u << (N - n)) - 1u);
    mish_dz16<1>(h, vm, vr, gamma, beta, dy, dh, xhat, n, k);
  }
  ln_backward_tail(rstd, gamma, xhat, f, dh, dgamma, dbeta, db, N);
}

// The same for LayerNorm + SimNorm with groups of 8 (N a multiple of 8): x̂ (into work[0, N)) and
// s = γ·x̂ + β (into work[N, 2N)) in one pass, SimNorm's forward and backward by the math.h
// span functions (themselves eight groups at a time), then the LayerNorm part.
TDMPC2_EPI_TARGET void ln_simnorm8_backward_row_avx512(const float* h, float mean, float rstd,
                                                       const float* gamma, const float* beta,
                                                       const float* dy, const float* f,
                                                       float* dh, float* dgamma, float* dbeta,
                                                       float* db, float* work, int64_t N) {
  const __m512 vm = _mm512_set1_ps(mean), vr = _mm512_set1_ps(rstd);
  float* xhat = work;
  float* s = work + N;
  for (int64_t n = 0; n < N; n += 16) {
    const __mmask16 k = N - n >= 16 ? __mmask16(0xffff) : __mmask16((1u << (N - n)) - 1u);
    const __m512 xh = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, h + n), vm), vr);
    _mm512_mask_storeu_ps(xhat + n, k, xh);
    _mm512_mask_storeu_ps(s + n, k,
                          _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, gamma + n), xh,
                                          _mm512_maskz_loadu_ps(k, beta + n)));
  }
  simnorm8_span(s, N);
  simnorm8_span_backward(s, dy, dh, N);
  ln_backward_tail(rstd, gamma, xhat, f, dh, dgamma, dbeta, db, N);
}

#pragma GCC diagnostic pop

}  // namespace

const EpilogueRows* epilogue_rows_for_avx512() {
  static const EpilogueRows rows{ln_stats_avx512, ln_mish_row_avx512, ln_simnorm8_row_avx512,
                                 ln_mish_backward_row_avx512, ln_simnorm8_backward_row_avx512};
  return &rows;
}

}  // namespace tdmpc2::cpu

#else

namespace tdmpc2::cpu {
const EpilogueRows* epilogue_rows_for_avx512() { return nullptr; }
}  // namespace tdmpc2::cpu

#endif
