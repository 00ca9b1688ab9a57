// The AVX-512 half of the CPU GEMM: two register tiles of 24 zmm accumulators (enough to cover the
// FMA latency on two ports), 6×64 and 12×32, and the 16×16 transposes that pack Wᵀ. Compiled for
// AVX-512 by target attributes only, so the rest of the binary stays baseline x86-64; gemm.cc
// calls it only on a CPU with x86-64-v4.
//
// dYᵀ·X runs 12×32 on every CPU: its A panel is packed and its B panel (the activations, K = the
// batch rows deep) is streamed once per row panel, and 6-row panels stream it twice as often (a
// 512×768×512 dYᵀ·X ran 0.89× as fast with 6×64 on the Xeon, 0.96× on Zen 5).
//
// X·Wᵀ and dY·W (A's rows read in place, the weights packed once per step) take the tile that was
// faster on each vendor's core (tools/gemm-ab and in-process A/Bs of whole calls, 2026-12-01):
// - Intel (an Emerald Rapids Xeon): 6×64, four B vectors and six broadcasts per 24 FMAs where
//   12×32 needs two and twelve. Its core's front end was shared with another tenant, and load uops
//   cost FMA throughput there (a loop of 24 register FMAs ran at 0.82–0.92 of its speed with 12–14
//   independent L1 loads added); on the agent's shapes 6×64 ran 0.99–1.12× the speed of 12×32.
// - AMD (a Zen 5 EPYC, whose guest sees one thread per core): 12×32, 1.006–1.016× 6×64 on the
//   GEMMs alone, whole updates 1.02× and plan calls 1.03–1.04× faster.
// Other vendors take 6×64. TDMPC2_GEMM_ROWS_TILE=6x64|12x32 overrides the choice (the tests run
// both on any AVX-512 CPU).
#if defined(__x86_64__)
#include <cstdint>

#include "avx512_intrinsics.h"
#include "gemm_kernels.h"

#define TDMPC2_GEMM_TARGET \
  TDMPC2_AVX512_TARGET("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,bmi,bmi2,popcnt,lzcnt")

namespace tdmpc2::cpu {
namespace {

struct Simd {
  using V = __m512;
  static constexpr int64_t W = 16;
  static TDMPC2_GEMM_TARGET inline V zero() { return _mm512_setzero_ps(); }
  static TDMPC2_GEMM_TARGET inline V load(const float* p) { return _mm512_loadu_ps(p); }
  static TDMPC2_GEMM_TARGET inline void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static TDMPC2_GEMM_TARGET inline V set1(float x) { return _mm512_set1_ps(x); }
  static TDMPC2_GEMM_TARGET inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static TDMPC2_GEMM_TARGET inline V add(V a, V b) { return _mm512_add_ps(a, b); }
  static TDMPC2_GEMM_TARGET inline void prefetch(const float* p) {
    _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
  }
};
constexpr int kWideMR = 6, kWideNV = 4;   // 6×64
constexpr int kTallMR = 12, kTallNV = 2;  // 12×32
constexpr int64_t kPrefetchK = 16;
// No C prefetch (gemm_tile.inc): the AVX2 family's gain was measured on Zen 3 only, and on Zen 5
// prefetches of the C tile 24–96 k-steps before its accumulate ran 0.984–1.027× (docs/kernels.md).
constexpr int64_t kPrefetchCSteps = 0;

#define TDMPC2_GEMM_OWN_PACK_A
#include "gemm_tile.inc"

// dst[k][mr] = A[k·lda + r] for r < rows, 0 beyond (the dYᵀ·X row panels, mr ≤ 16): one masked
// load and one masked store per k. The portable loop became scalar inserts, ~3 % of an update.
TDMPC2_GEMM_TARGET void pack_a_transposed_panel(const float* A, int64_t lda, int64_t kc,
                                                int64_t rows, int64_t mr, float* dst) {
  static_assert(kWideMR <= 16 && kTallMR <= 16, "a row panel fits one vector");
  const __mmask16 valid = __mmask16((1u << rows) - 1u);  // masked-off lanes are not read
  const __mmask16 panel = __mmask16((1u << mr) - 1u);
  for (int64_t k = 0; k < kc; ++k)
    _mm512_mask_storeu_ps(dst + k * mr, panel, _mm512_maskz_loadu_ps(valid, A + k * lda));
}

// GCC 12's unpack/shuffle intrinsics pass an undefined vector as the (unused) merge source and
// -Wuninitialized flags it (GCC PR 105593, fixed in GCC 13): silenced for the transpose only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
// dst[16 rows, stride ldd] = transpose of src[16 rows, stride lds] (16 floats each).
TDMPC2_GEMM_TARGET inline void transpose16(const float* src, int64_t lds, float* dst, int64_t ldd) {
  __m512 r[16], t[16], u[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * lds);
  // t: pairs of rows interleaved per 128-bit lane; u[4g + c]: column 4L + c of rows 4g..4g+3 in
  // lane L.
#pragma GCC unroll 8
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 4
  for (int g = 0; g < 4; ++g) {
    const __m512d t0 = _mm512_castps_pd(t[4 * g]), t1 = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * g + 2]), t3 = _mm512_castps_pd(t[4 * g + 3]);
    u[4 * g + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
  // Gather lane L of the four row groups: column 4L + c.
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    const __m512 v0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88);
    const __m512 v1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xdd);
    const __m512 w0 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
    const __m512 w1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xdd);
    _mm512_storeu_ps(dst + (c + 0) * ldd, _mm512_shuffle_f32x4(v0, w0, 0x88));
    _mm512_storeu_ps(dst + (c + 8) * ldd, _mm512_shuffle_f32x4(v0, w0, 0xdd));
    _mm512_storeu_ps(dst + (c + 4) * ldd, _mm512_shuffle_f32x4(v1, w1, 0x88));
    _mm512_storeu_ps(dst + (c + 12) * ldd, _mm512_shuffle_f32x4(v1, w1, 0xdd));
  }
}

#pragma GCC diagnostic pop

TDMPC2_GEMM_TARGET void pack_b_transposed(const float* B, int64_t ldb, int64_t kc, int64_t cols,
                                          int64_t w, float* dst) {
  const int64_t full = cols / 16 * 16;  // columns covered by whole 16×16 blocks
  int64_t k = 0;
  for (; k + 16 <= kc; k += 16) {
    for (int64_t j = 0; j < full; j += 16) transpose16(B + j * ldb + k, ldb, dst + k * w + j, w);
    pack_b_transposed_scalar(B, ldb, k, k + 16, full, cols, w, dst);
  }
  pack_b_transposed_scalar(B, ldb, k, kc, 0, cols, w, dst);
}

}  // namespace

const GemmKernel& gemm_kernel_avx512(bool wide_rows) {
  static const GemmTiles wide{kWideMR, kWideNV * Simd::W, tile<kWideMR, kWideNV>,
                              tiles<kWideMR, kWideNV>};
  static const GemmTiles tall{kTallMR, kTallNV * Simd::W, tile<kTallMR, kTallNV>,
                              tiles<kTallMR, kTallNV>};
  static const GemmKernel with_wide{
      "avx512", Simd::W, wide, tall, pack_b_transposed, pack_b,
      pack_a_transposed_steps<pack_a_transposed_panel>};
  static const GemmKernel with_tall{
      "avx512", Simd::W, tall, tall, pack_b_transposed, pack_b,
      pack_a_transposed_steps<pack_a_transposed_panel>};
  return wide_rows ? with_wide : with_tall;
}

}  // namespace tdmpc2::cpu
#endif
