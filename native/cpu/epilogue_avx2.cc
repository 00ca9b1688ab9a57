// The AVX2+FMA LayerNorm statistics of four rows, LayerNorm + Mish row and LayerNorm + Mish /
// SimNorm backward rows (epilogue_simd.h): epilogue_avx512.cc's rows with eight lanes, for the
// CPUs without AVX-512 (AMD Zen 2/3, Intel client cores). Why not leave it to the vectoriser: the
// portable loops run one exp chain of ~25 dependent operations per vector at a time (the
// out-of-order window holds only a few), the statistics one row's two add chains at a time, and
// the backward ten passes over a row; here U chains run side by side, four rows' statistics share
// a pass, the backward takes three passes, and SimNorm's eight groups stay in registers from the
// LayerNorm to the store. On AMD Zen 3 (2026-12-02) the fused epilogue at 536×512 cost +11 % of
// its GEMM with the portable loops; tools/epilogue-ab puts these rows at 1.59× (LN+Mish forward),
// 1.40× (its backward), 1.75× (LN+SimNorm forward) and 2.74× (its backward) the portable ones.
//
// Transcription of math/activations.h mish and math/exp.h exp_fast_below89, step by step (the
// same roundings; FMAs exactly where GCC contracts the portable source):
//   x  = (h − mean)·rstd·γ + β            sub, mul, fma
//   xc = min(20, x), then max(−104, xc)    vminps/vmaxps return their 2nd operand for NaN
//   t = xc·log2e + 1.5·2²³ (fma), n = t − 1.5·2²³, ni = bits(t) − bits(1.5·2²³)
//   r = xc − n·ln2_hi (fnmadd), r −= n·(−ln2_lo) (fnmadd)
//   p: the degree-6 polynomial by fma, then p·(r·r) + r (fma) + 1
//   e = p·2^(ni>>1)·2^(ni − ni>>1) (two products; the factors built from exponent bits)
//   q = e·(e + 2), mish = x·(q / (q + 2))
#include "epilogue_simd.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "tdmpc2/math/layernorm.h"
#include "tdmpc2/math/simnorm.h"

#define TDMPC2_EPI_TARGET __attribute__((target("avx2,fma")))
// The helpers: inlined whatever GCC's size heuristics say (left out of line, the 4- and 8-vector
// versions passed their arrays through memory and ran slower than one vector at a time).
#define TDMPC2_EPI_HELPER TDMPC2_EPI_TARGET inline __attribute__((always_inline))

namespace tdmpc2::cpu {
namespace {

// Lanes j < r (0 ≤ r ≤ 8) set: the mask of a row's last r columns.
TDMPC2_EPI_HELPER __m256i tail_mask(int64_t r) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(r)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Loads and stores of 8 columns at p, or of the first lanes of mask k (`whole`: no mask).
template <bool whole>
TDMPC2_EPI_HELPER __m256 load8(const float* p, __m256i k) {
  if constexpr (whole) return _mm256_loadu_ps(p);
  else return _mm256_maskload_ps(p, k);
}
template <bool whole>
TDMPC2_EPI_HELPER void store8(float* p, __m256i k, __m256 v) {
  if constexpr (whole) _mm256_storeu_ps(p, v);
  else _mm256_maskstore_ps(p, k, v);
}

// exp_fast_below89 of U vectors already clamped to [−104, 20] (or NaN), each step on all U before
// the next: U independent chains side by side.
template <int U>
TDMPC2_EPI_HELPER void exp8_clamped(const __m256* xc, __m256* e) {
  const __m256 shifter = _mm256_set1_ps(12582912.f);
  // Only t is kept between the steps (n = t − shifter and the integer n are recomputed where
  // needed): fewer live registers, so that more chains fit in sixteen.
  __m256 t[U], r[U], p[U];
  for (int u = 0; u < U; ++u)
    t[u] = _mm256_fmadd_ps(xc[u], _mm256_set1_ps(1.44269504088896341f), shifter);
  for (int u = 0; u < U; ++u)
    r[u] = _mm256_fnmadd_ps(_mm256_sub_ps(t[u], shifter), _mm256_set1_ps(0.693359375f), xc[u]);
  for (int u = 0; u < U; ++u)
    r[u] = _mm256_fnmadd_ps(_mm256_sub_ps(t[u], shifter), _mm256_set1_ps(-2.12194440e-4f), r[u]);
  for (int u = 0; u < U; ++u)
    p[u] = _mm256_fmadd_ps(_mm256_set1_ps(1.9875691500e-4f), r[u],
                           _mm256_set1_ps(1.3981999507e-3f));
  for (int u = 0; u < U; ++u) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(8.3334519073e-3f));
  for (int u = 0; u < U; ++u) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(4.1665795894e-2f));
  for (int u = 0; u < U; ++u) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(1.6666665459e-1f));
  for (int u = 0; u < U; ++u) p[u] = _mm256_fmadd_ps(p[u], r[u], _mm256_set1_ps(5.0000001201e-1f));
  for (int u = 0; u < U; ++u)
    p[u] = _mm256_add_ps(_mm256_fmadd_ps(p[u], _mm256_mul_ps(r[u], r[u]), r[u]),
                         _mm256_set1_ps(1.f));
  const __m256i bias = _mm256_set1_epi32(127);
  for (int u = 0; u < U; ++u) {
    const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(t[u]), _mm256_castps_si256(shifter));
    const __m256i n1 = _mm256_srai_epi32(ni, 1);
    const __m256i n2 = _mm256_sub_epi32(ni, n1);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    e[u] = _mm256_mul_ps(_mm256_mul_ps(p[u], s1), s2);
  }
}

// LayerNorm + Mish of U vectors side by side.
template <int U>
TDMPC2_EPI_HELPER void ln_mish8(const __m256* h, __m256 mean, __m256 rstd, const __m256* g,
                                const __m256* b, __m256* y) {
  __m256 x[U], xc[U], e[U];
  for (int u = 0; u < U; ++u)
    x[u] = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_sub_ps(h[u], mean), rstd), g[u], b[u]);
  for (int u = 0; u < U; ++u) {
    xc[u] = _mm256_min_ps(_mm256_set1_ps(20.f), x[u]);
    xc[u] = _mm256_max_ps(_mm256_set1_ps(-104.f), xc[u]);
  }
  exp8_clamped<U>(xc, e);
  for (int u = 0; u < U; ++u) {
    const __m256 q = _mm256_mul_ps(e[u], _mm256_add_ps(e[u], _mm256_set1_ps(2.f)));
    y[u] = _mm256_mul_ps(x[u], _mm256_div_ps(q, _mm256_add_ps(q, _mm256_set1_ps(2.f))));
  }
}

// math/activations.h mish_grad of U vectors: xc = min(20, x) (the −104 floor applies to exp's
// argument only), n = e·(e + 2), inv = 1/(n + 2), then n·inv + 4·xc·e·(1 + e)·inv² with the
// first product fused into the final add.
template <int U>
TDMPC2_EPI_HELPER void mish_grad8(const __m256* x, __m256* out) {
  __m256 xc[U], lo[U], e[U];
  for (int u = 0; u < U; ++u) xc[u] = _mm256_min_ps(_mm256_set1_ps(20.f), x[u]);
  for (int u = 0; u < U; ++u) lo[u] = _mm256_max_ps(_mm256_set1_ps(-104.f), xc[u]);
  exp8_clamped<U>(lo, e);
  for (int u = 0; u < U; ++u) {
    const __m256 n = _mm256_mul_ps(e[u], _mm256_add_ps(e[u], _mm256_set1_ps(2.f)));
    const __m256 inv = _mm256_div_ps(_mm256_set1_ps(1.f), _mm256_add_ps(n, _mm256_set1_ps(2.f)));
    const __m256 t = _mm256_mul_ps(
        _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(4.f), xc[u]), e[u]),
                      _mm256_add_ps(_mm256_set1_ps(1.f), e[u])),
        _mm256_mul_ps(inv, inv));
    out[u] = _mm256_fmadd_ps(n, inv, t);
  }
}

// U vectors at h + n (whole) or the first lanes of mask k (U = 1).
template <int U, bool whole>
TDMPC2_EPI_HELPER void ln_mish_cols(const float* h, __m256 vm, __m256 vr,
                                    const float* gamma, const float* beta, float* y,
                                    int64_t n, __m256i k) {
  __m256 hv[U], gv[U], bv[U], yv[U];
  for (int u = 0; u < U; ++u) {
    hv[u] = load8<whole>(h + n + 8 * u, k);
    gv[u] = load8<whole>(gamma + n + 8 * u, k);
    bv[u] = load8<whole>(beta + n + 8 * u, k);
  }
  ln_mish8<U>(hv, vm, vr, gv, bv, yv);
  for (int u = 0; u < U; ++u) store8<whole>(y + n + 8 * u, k, yv[u]);
}

// Vectors per step, measured (tools/epilogue-ab, 256×512 rows, AMD Zen 3, 2026-12-02): the
// forward row 1.16× the portable loop at 1, 1.27× at 2, 1.47× at 4, 1.56× at 8; the backward
// row 1.22× at 2, 1.39× at 4, 1.25× at 8 (its chains hold more values: spills).
constexpr int kForwardU = 8;
constexpr int kBackwardU = 4;

TDMPC2_EPI_TARGET void ln_mish_row_avx2(const float* h, float mean, float rstd, const float* gamma,
                                        const float* beta, float* y, int64_t N) {
  const __m256 vm = _mm256_set1_ps(mean), vr = _mm256_set1_ps(rstd);
  const __m256i all = _mm256_set1_epi32(-1);
  int64_t n = 0;
  for (; n + 8 * kForwardU <= N; n += 8 * kForwardU)
    ln_mish_cols<kForwardU, true>(h, vm, vr, gamma, beta, y, n, all);
  for (; n + 8 <= N; n += 8) ln_mish_cols<1, true>(h, vm, vr, gamma, beta, y, n, all);
  if (n < N) ln_mish_cols<1, false>(h, vm, vr, gamma, beta, y, n, tail_mask(N - n));
}

// ln_combine of the 16 partial sums of math/layernorm.h's ln_reduce: lanes 0–7 are the first
// accumulator (elements ≡ 0..7 mod 16), lanes 8–15 the second.
TDMPC2_EPI_HELPER float combine16(__m256 lo, __m256 hi) {
  alignas(32) float a[16];
  _mm256_store_ps(a, lo);
  _mm256_store_ps(a + 8, hi);
  return ln_combine(a);
}

// layernorm_row_stats (with the bias add when b is non-null) of R rows, n % 16 == 0: two
// accumulators per row (ln_reduce's own), 2·R independent chains.
template <int R>
TDMPC2_EPI_HELPER void ln_stats_rows(float* const* x, const float* b, int64_t n,
                                     float* mean, float* rstd) {
  __m256 a0[R], a1[R];
  for (int r = 0; r < R; ++r) a0[r] = a1[r] = _mm256_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    for (int half = 0; half < 2; ++half) {
      const int64_t j = i + 8 * half;
      const __m256 bv = b != nullptr ? _mm256_loadu_ps(b + j) : _mm256_setzero_ps();
      for (int r = 0; r < R; ++r) {
        __m256 v = _mm256_loadu_ps(x[r] + j);
        if (b != nullptr) {  // LnBiasSumTerm: x += b, stored, then summed
          v = _mm256_add_ps(v, bv);
          _mm256_storeu_ps(x[r] + j, v);
        }
        if (half == 0) a0[r] = _mm256_add_ps(a0[r], v);
        else a1[r] = _mm256_add_ps(a1[r], v);
      }
    }
  }
  __m256 c[R];
  for (int r = 0; r < R; ++r) {
    mean[r] = combine16(a0[r], a1[r]) / float(n);
    c[r] = _mm256_set1_ps(mean[r]);
    a0[r] = a1[r] = _mm256_setzero_ps();
  }
  for (int64_t i = 0; i < n; i += 16)
    for (int r = 0; r < R; ++r) {  // LnSqDevTerm: d = x − mean, acc += d·d (an FMA)
      const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x[r] + i), c[r]);
      const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x[r] + i + 8), c[r]);
      a0[r] = _mm256_fmadd_ps(d0, d0, a0[r]);
      a1[r] = _mm256_fmadd_ps(d1, d1, a1[r]);
    }
  for (int r = 0; r < R; ++r) rstd[r] = layernorm_rstd(combine16(a0[r], a1[r]) / float(n));
}

TDMPC2_EPI_TARGET void ln_stats_avx2(float* const* x, int rows, const float* b, int64_t n,
                                     float* mean, float* rstd) {
  switch (rows) {
    case 1: return ln_stats_rows<1>(x, b, n, mean, rstd);
    case 2: return ln_stats_rows<2>(x, b, n, mean, rstd);
    case 3: return ln_stats_rows<3>(x, b, n, mean, rstd);
    default: return ln_stats_rows<4>(x, b, n, mean, rstd);
  }
}

// r[i][j] → r[j][i] for an 8×8 block in eight ymm (simnorm_v8::transpose's result, with
// unpack/shuffle/permute2f128 instead of GCC's generic shuffles).
TDMPC2_EPI_HELPER void transpose8x8(__m256* r) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int g = 0; g < 8; g += 4) {
    u[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
    u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
    u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[c], u[c + 4], 0x20);
    r[c + 4] = _mm256_permute2f128_ps(u[c], u[c + 4], 0x31);
  }
}

// softmax of eight groups held transposed (t[j]: value j of each group), in place:
// simnorm_group's operations (the max and the sum in index order, one reciprocal).
TDMPC2_EPI_HELPER void softmax8_transposed(__m256* t) {
  __m256 m = t[0];
  for (int j = 1; j < 8; ++j) m = _mm256_max_ps(t[j], m);  // t[j] > m ? t[j] : m
  for (int j = 0; j < 8; ++j) t[j] = _mm256_max_ps(_mm256_set1_ps(-104.f), _mm256_sub_ps(t[j], m));
  exp8_clamped<8>(t, t);
  __m256 sum = _mm256_setzero_ps();
  for (int j = 0; j < 8; ++j) sum = _mm256_add_ps(sum, t[j]);
  const __m256 inv = _mm256_div_ps(_mm256_set1_ps(1.f), sum);
  for (int j = 0; j < 8; ++j) t[j] = _mm256_mul_ps(t[j], inv);
}

// x̂·γ + β with x̂ = (h − mean)·rstd of the 8 columns at n (one FMA: the forward's
// (h − mean)·rstd·γ + β and the backward's γ·x̂ + β alike); x̂ also stored when xhat is non-null.
TDMPC2_EPI_HELPER __m256 ln8(const float* h, __m256 vm, __m256 vr, const float* gamma,
                             const float* beta, int64_t n, float* xhat = nullptr) {
  const __m256 xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(h + n), vm), vr);
  if (xhat != nullptr) _mm256_storeu_ps(xhat + n, xh);
  return _mm256_fmadd_ps(xh, _mm256_loadu_ps(gamma + n), _mm256_loadu_ps(beta + n));
}

// dense.cc forward_rows for one LayerNorm + SimNorm row with groups of 8 (N a multiple of 8):
// y = (h − mean)·rstd·γ + β, then simnorm_span's operations on eight groups (64 values) at a
// time, in registers: transposed so that t[j] holds value j of each group, the max and the sum
// down t[0..7] in index order (simnorm_group_max's and simnorm_group_scale's), the eight exps
// side by side, and back. The last N mod 64 values go through simnorm_span itself.
TDMPC2_EPI_TARGET void ln_simnorm8_row_avx2(const float* h, float mean, float rstd,
                                            const float* gamma, const float* beta, float* y,
                                            int64_t N) {
  const __m256 vm = _mm256_set1_ps(mean), vr = _mm256_set1_ps(rstd);
  int64_t b = 0;
  for (; b + 64 <= N; b += 64) {
    __m256 t[8];
    for (int i = 0; i < 8; ++i) t[i] = ln8(h, vm, vr, gamma, beta, b + 8 * i);
    transpose8x8(t);
    softmax8_transposed(t);
    transpose8x8(t);
    for (int i = 0; i < 8; ++i) _mm256_storeu_ps(y + b + 8 * i, t[i]);
  }
  if (b < N) {
    for (int64_t n = b; n < N; n += 8) _mm256_storeu_ps(y + n, ln8(h, vm, vr, gamma, beta, n));
    simnorm_span(y + b, N - b, 8);
  }
}

// ∂L/∂z = dy·mish'(γ·x̂ + β) and x̂ of U vectors at n (whole) or of the first lanes of mask k
// (U = 1), into dz and xhat.
template <int U, bool whole>
TDMPC2_EPI_HELPER void mish_dz8(const float* h, __m256 vm, __m256 vr, const float* gamma,
                                const float* beta, const float* dy, float* dz, float* xhat,
                                int64_t n, __m256i k) {
  __m256 xh[U], x[U], mg[U];
  for (int u = 0; u < U; ++u) {
    xh[u] = _mm256_mul_ps(_mm256_sub_ps(load8<whole>(h + n + 8 * u, k), vm), vr);
    store8<whole>(xhat + n + 8 * u, k, xh[u]);
  }
  for (int u = 0; u < U; ++u)
    x[u] = _mm256_fmadd_ps(load8<whole>(gamma + n + 8 * u, k), xh[u],
                           load8<whole>(beta + n + 8 * u, k));
  mish_grad8<U>(x, mg);
  for (int u = 0; u < U; ++u)
    store8<whole>(dz + n + 8 * u, k, _mm256_mul_ps(load8<whole>(dy + n + 8 * u, k), mg[u]));
}

// One vector of ln_backward_tail's first pass (columns n.. under mask k when not whole); the
// sums go to the accumulators of lanes 0–7 or 8–15 as ln_reduce's partial sums do.
template <bool whole>
TDMPC2_EPI_HELPER void ln_backward_sums8(const float* gamma, const float* xhat, float* dh,
                                         float* dgamma, float* dbeta, int64_t n,
                                         __m256i k, __m256& sum_g, __m256& sum_gx) {
  const __m256 xh = load8<whole>(xhat + n, k);
  const __m256 dz = load8<whole>(dh + n, k);
  if (dgamma != nullptr)
    store8<whole>(dgamma + n, k, _mm256_fmadd_ps(dz, xh, load8<whole>(dgamma + n, k)));
  if (dbeta != nullptr) store8<whole>(dbeta + n, k, _mm256_add_ps(load8<whole>(dbeta + n, k), dz));
  const __m256 gz = _mm256_mul_ps(dz, load8<whole>(gamma + n, k));
  store8<whole>(dh + n, k, gz);
  const __m256 s = _mm256_add_ps(sum_g, gz), sx = _mm256_fmadd_ps(gz, xh, sum_gx);
  if constexpr (whole) {
    sum_g = s;
    sum_gx = sx;
  } else {  // masked lanes keep their sums (adding 0 would turn a −0 into +0)
    sum_g = _mm256_blendv_ps(sum_g, s, _mm256_castsi256_ps(k));
    sum_gx = _mm256_blendv_ps(sum_gx, sx, _mm256_castsi256_ps(k));
  }
}

template <bool whole>
TDMPC2_EPI_HELPER void ln_backward_apply8(__m256 vr, __m256 mean_g, __m256 mean_gx,
                                          const float* xhat, const float* f, float* dh,
                                          float* db, int64_t n, __m256i k) {
  const __m256 g = load8<whole>(dh + n, k);
  const __m256 xh = load8<whole>(xhat + n, k);
  __m256 d = _mm256_mul_ps(vr, _mm256_fnmadd_ps(xh, mean_gx, _mm256_sub_ps(g, mean_g)));
  if (f != nullptr) d = _mm256_mul_ps(d, load8<whole>(f + n, k));
  store8<whole>(dh + n, k, d);
  if (db != nullptr) store8<whole>(db + n, k, _mm256_add_ps(load8<whole>(db + n, k), d));
}

// The LayerNorm part of dense.cc backward_rows for one row, after the activation's backward left
// dz = ∂L/∂z in dh: accumulates dγ and dβ, writes g = γ·dz into dh and sums g and g·x̂ in 16 lanes
// (ln_reduce's partial sums); then applies the LayerNorm backward, the dropout factors and adds db.
TDMPC2_EPI_HELPER void ln_backward_tail(float rstd, const float* gamma, const float* xhat,
                                        const float* f, float* dh, float* dgamma,
                                        float* dbeta, float* db, int64_t N) {
  const __m256i all = _mm256_set1_epi32(-1);
  __m256 g0 = _mm256_setzero_ps(), g1 = g0, gx0 = g0, gx1 = g0;
  int64_t n = 0;
  for (; n + 16 <= N; n += 16) {
    ln_backward_sums8<true>(gamma, xhat, dh, dgamma, dbeta, n, all, g0, gx0);
    ln_backward_sums8<true>(gamma, xhat, dh, dgamma, dbeta, n + 8, all, g1, gx1);
  }
  if (n < N) {  // the last N mod 16: lanes 0.. of the first accumulator, then of the second
    const int64_t r = N - n;
    if (r >= 8) ln_backward_sums8<true>(gamma, xhat, dh, dgamma, dbeta, n, all, g0, gx0);
    else ln_backward_sums8<false>(gamma, xhat, dh, dgamma, dbeta, n, tail_mask(r), g0, gx0);
    if (r > 8)
      ln_backward_sums8<false>(gamma, xhat, dh, dgamma, dbeta, n + 8, tail_mask(r - 8), g1, gx1);
  }
  const __m256 vr = _mm256_set1_ps(rstd);
  const __m256 mean_g = _mm256_set1_ps(combine16(g0, g1) / float(N));
  const __m256 mean_gx = _mm256_set1_ps(combine16(gx0, gx1) / float(N));
  n = 0;
  for (; n + 8 <= N; n += 8) ln_backward_apply8<true>(vr, mean_g, mean_gx, xhat, f, dh, db, n, all);
  if (n < N) ln_backward_apply8<false>(vr, mean_g, mean_gx, xhat, f, dh, db, n, tail_mask(N - n));
}

// dense.cc backward_rows for one LayerNorm + Mish row: x̂ (into work[0, N)) and
// ∂L/∂z = dy·mish'(γ·x̂ + β) (into dh), kBackwardU vectors at a time, then the LayerNorm part.
TDMPC2_EPI_TARGET void ln_mish_backward_row_avx2(const float* h, float mean, float rstd,
                                                 const float* gamma, const float* beta,
                                                 const float* dy, const float* f, float* dh,
                                                 float* dgamma, float* dbeta, float* db,
                                                 float* work, int64_t N) {
  const __m256 vm = _mm256_set1_ps(mean), vr = _mm256_set1_ps(rstd);
  const __m256i all = _mm256_set1_epi32(-1);
  float* xhat = work;
  int64_t n = 0;
  for (; n + 8 * kBackwardU <= N; n += 8 * kBackwardU)
    mish_dz8<kBackwardU, true>(h, vm, vr, gamma, beta, dy, dh, xhat, n, all);
  for (; n + 8 <= N; n += 8) mish_dz8<1, true>(h, vm, vr, gamma, beta, dy, dh, xhat, n, all);
  if (n < N) mish_dz8<1, false>(h, vm, vr, gamma, beta, dy, dh, xhat, n, tail_mask(N - n));
  ln_backward_tail(rstd, gamma, xhat, f, dh, dgamma, dbeta, db, N);
}

// The same for LayerNorm + SimNorm with groups of 8 (N a multiple of 8), 64 values at a time in
// registers: x̂ (into work[0, N)), s = SimNorm(γ·x̂ + β) as in ln_simnorm8_row_avx2, and
// dz = s·(dy − Σ_j dy_j·s_j) (simnorm_group_backward: the dot product an FMA chain in index
// order) into dh; the last N mod 64 values by the math.h span functions (s into work[N, 2N));
// then the LayerNorm part.
TDMPC2_EPI_TARGET void ln_simnorm8_backward_row_avx2(const float* h, float mean, float rstd,
                                                     const float* gamma, const float* beta,
                                                     const float* dy, const float* f, float* dh,
                                                     float* dgamma, float* dbeta, float* db,
                                                     float* work, int64_t N) {
  const __m256 vm = _mm256_set1_ps(mean), vr = _mm256_set1_ps(rstd);
  float* xhat = work;
  float* s = work + N;
  int64_t b = 0;
  for (; b + 64 <= N; b += 64) {
    __m256 ts[8], td[8];
    for (int i = 0; i < 8; ++i) ts[i] = ln8(h, vm, vr, gamma, beta, b + 8 * i, xhat);
    transpose8x8(ts);
    softmax8_transposed(ts);
    for (int i = 0; i < 8; ++i) td[i] = _mm256_loadu_ps(dy + b + 8 * i);
    transpose8x8(td);
    __m256 dot = _mm256_setzero_ps();
    for (int j = 0; j < 8; ++j) dot = _mm256_fmadd_ps(td[j], ts[j], dot);
    for (int j = 0; j < 8; ++j) td[j] = _mm256_mul_ps(ts[j], _mm256_sub_ps(td[j], dot));
    transpose8x8(td);
    for (int i = 0; i < 8; ++i) _mm256_storeu_ps(dh + b + 8 * i, td[i]);
  }
  if (b < N) {
    for (int64_t n = b; n < N; n += 8)
      _mm256_storeu_ps(s + n, ln8(h, vm, vr, gamma, beta, n, xhat));
    simnorm_span(s + b, N - b, 8);
    simnorm_span_backward(s + b, dy + b, dh + b, N - b, 8);
  }
  ln_backward_tail(rstd, gamma, xhat, f, dh, dgamma, dbeta, db, N);
}

}  // namespace

const EpilogueRows* epilogue_rows_for_avx2() {
  static const EpilogueRows rows{ln_stats_avx2, ln_mish_row_avx2, ln_simnorm8_row_avx2,
                                 ln_mish_backward_row_avx2, ln_simnorm8_backward_row_avx2};
  return &rows;
}

}  // namespace tdmpc2::cpu

#else

namespace tdmpc2::cpu {
const EpilogueRows* epilogue_rows_for_avx2() { return nullptr; }
}  // namespace tdmpc2::cpu

#endif
