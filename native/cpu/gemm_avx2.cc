// The AVX2+FMA half of the CPU GEMM: a 6×16 register tile (12 ymm accumulators, two B vectors,
// one broadcast: all 16 ymm registers) and the 8×8 transposes that pack Wᵀ. Compiled for
// x86-64-v3 by target attributes only; gemm.cc calls it only on a CPU that has it.
#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "gemm_kernels.h"

#define TDMPC2_GEMM_TARGET __attribute__((target("avx2,fma,bmi,bmi2,popcnt,lzcnt,f16c,movbe")))

namespace tdmpc2::cpu {
namespace {

struct Simd {
  using V = __m256;
  static constexpr int64_t W = 8;
  static TDMPC2_GEMM_TARGET inline V zero() { return _mm256_setzero_ps(); }
  static TDMPC2_GEMM_TARGET inline V load(const float* p) { return _mm256_loadu_ps(p); }
  static TDMPC2_GEMM_TARGET inline void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static TDMPC2_GEMM_TARGET inline V set1(float x) { return _mm256_set1_ps(x); }
  static TDMPC2_GEMM_TARGET inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static TDMPC2_GEMM_TARGET inline V add(V a, V b) { return _mm256_add_ps(a, b); }
  static TDMPC2_GEMM_TARGET inline void prefetch(const float* p) {
    _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
  }
};
// One family for both forms: 6 rows × 2 vectors (see GemmKernel).
constexpr int kMR = 6;
constexpr int kNV = 2;
constexpr int64_t kPrefetchK = 16;
// An accumulating tile prefetches its C rows into L2, one per 32 k-steps (gemm_tile.inc). On Zen 3
// (tools/gemm-ab, 512×256×512 dYᵀ·X at beta 1): 1.016–1.018× while the machine was loaded; quiet,
// about 0.5 % (1.004–1.014× against the old build while A/A runs gave 1.006–1.009×, and the old
// build 0.999–1.004× against it). X·Wᵀ and dY·W do not accumulate.
constexpr int64_t kPrefetchCSteps = 32;

#define TDMPC2_GEMM_OWN_PACK_A
#include "gemm_tile.inc"

// The mask of a vmaskmovps load of the first n lanes (masked-off lanes are not read).
TDMPC2_GEMM_TARGET inline __m256i first_lanes(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// dst[k][mr] = A[k·lda + r] for r < rows, 0 beyond (the dYᵀ·X row panels, mr ≤ 8): one masked
// load per k (masked-off lanes are not read, so a last panel never reads past A) and one 8-float
// store, whose lanes past mr the next k overwrites; the last k's go through a local copy
// (vmaskmovps stores are slow on AMD, and dst ends at kc·mr).
TDMPC2_GEMM_TARGET void pack_a_transposed_panel(const float* A, int64_t lda, int64_t kc,
                                                int64_t rows, int64_t mr, float* dst) {
  static_assert(kMR <= 8, "a row panel fits one vector");
  if (kc <= 0) return;
  const __m256i valid = first_lanes(int(rows));
  for (int64_t k = 0; k + 1 < kc; ++k)
    _mm256_storeu_ps(dst + k * mr, _mm256_maskload_ps(A + k * lda, valid));
  alignas(32) float last[8];
  _mm256_store_ps(last, _mm256_maskload_ps(A + (kc - 1) * lda, valid));
  for (int64_t r = 0; r < mr; ++r) dst[(kc - 1) * mr + r] = last[r];
}

// P full Aᵀ panels of kMR rows side by side: one k-step at a time across the panels, each panel's
// load its own instruction, so that the core's stride prefetcher follows each of them down A's
// rows (2 KiB or more apart, a new 4 KiB page every other row or more often: no stream prefetch
// crosses that). The loads of one pack instruction that switched panels every 8 k-steps
// (pack_a_transposed_steps) gave it no stride to follow; on Zen 3 this ran a 512×256×512 dYᵀ·X
// 1.006–1.040× as fast (tools/gemm-ab tn-call, 300 pairs; more when the machine was loaded;
// 1.007–1.022× beside a memory-streaming process on the other vCPU; A/A runs 1.005×). The last
// k-step stores exactly kMR floats, since the next panel starts there.
template <int P>
TDMPC2_GEMM_TARGET void pack_a_transposed_full(const float* A, int64_t lda, int64_t kc,
                                               float* dst) {
  const __m256i valid = first_lanes(kMR);
  for (int64_t k = 0; k + 1 < kc; ++k) {
#pragma GCC unroll 8
    for (int q = 0; q < P; ++q)
      _mm256_storeu_ps(dst + q * kMR * kc + k * kMR,
                       _mm256_maskload_ps(A + k * lda + q * kMR, valid));
  }
  const int64_t k = kc - 1;
#pragma GCC unroll 8
  for (int q = 0; q < P; ++q) {
    const __m256 v = _mm256_maskload_ps(A + k * lda + q * kMR, valid);
    float* d = dst + q * kMR * kc + k * kMR;
    _mm_storeu_ps(d, _mm256_castps256_ps128(v));
    _mm_storel_pi(reinterpret_cast<__m64*>(d + 4), _mm256_extractf128_ps(v, 1));
  }
}

// GemmKernel::pack_a_transposed: the full panels eight at a time at most, then a last short one
// (or any panel of another height) through pack_a_transposed_panel.
TDMPC2_GEMM_TARGET void pack_a_transposed(const float* A, int64_t lda, int64_t kc, int64_t cols,
                                          int64_t mr, int64_t panels, float* dst) {
  if (kc <= 0) return;
  const int64_t full = mr == kMR ? std::min(panels, cols / kMR) : 0;
  for (int64_t q = 0; q < full; q += 8) {
    const float* a = A + q * kMR;
    float* d = dst + q * kMR * kc;
    switch (std::min<int64_t>(8, full - q)) {
      case 8: pack_a_transposed_full<8>(a, lda, kc, d); break;
      case 7: pack_a_transposed_full<7>(a, lda, kc, d); break;
      case 6: pack_a_transposed_full<6>(a, lda, kc, d); break;
      case 5: pack_a_transposed_full<5>(a, lda, kc, d); break;
      case 4: pack_a_transposed_full<4>(a, lda, kc, d); break;
      case 3: pack_a_transposed_full<3>(a, lda, kc, d); break;
      case 2: pack_a_transposed_full<2>(a, lda, kc, d); break;
      default: pack_a_transposed_full<1>(a, lda, kc, d); break;
    }
  }
  for (int64_t q = full; q < panels; ++q) {
    const int64_t rows = std::max<int64_t>(0, std::min(mr, cols - q * mr));
    pack_a_transposed_panel(A + q * mr, lda, kc, rows, mr, dst + q * mr * kc);
  }
}

// dst[8 rows, stride ldd] = transpose of src[8 rows, stride lds] (8 floats each).
TDMPC2_GEMM_TARGET inline void transpose8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  __m256 r[8], t[8], s[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * lds);
#pragma GCC unroll 4
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  // s[4g + c]: column c (lane 0) and c + 4 (lane 1) of rows 4g..4g+3.
#pragma GCC unroll 2
  for (int g = 0; g < 2; ++g) {
    s[4 * g + 0] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    s[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    s[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    s[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    _mm256_storeu_ps(dst + c * ldd, _mm256_permute2f128_ps(s[c], s[4 + c], 0x20));
    _mm256_storeu_ps(dst + (c + 4) * ldd, _mm256_permute2f128_ps(s[c], s[4 + c], 0x31));
  }
}

TDMPC2_GEMM_TARGET void pack_b_transposed(const float* B, int64_t ldb, int64_t kc, int64_t cols,
                                          int64_t w, float* dst) {
  const int64_t full = cols / 8 * 8;
  int64_t k = 0;
  for (; k + 8 <= kc; k += 8) {
    for (int64_t j = 0; j < full; j += 8) transpose8(B + j * ldb + k, ldb, dst + k * w + j, w);
    pack_b_transposed_scalar(B, ldb, k, k + 8, full, cols, w, dst);
  }
  pack_b_transposed_scalar(B, ldb, k, kc, 0, cols, w, dst);
}

}  // namespace

const GemmKernel& gemm_kernel_avx2() {
  static const GemmKernel k{"avx2", Simd::W,
                            {kMR, kNV * Simd::W, tile<kMR, kNV>, tiles<kMR, kNV>},
                            {kMR, kNV * Simd::W, tile<kMR, kNV>, tiles<kMR, kNV>},
                            pack_b_transposed, pack_b, pack_a_transposed};
  return k;
}

}  // namespace tdmpc2::cpu
#endif
