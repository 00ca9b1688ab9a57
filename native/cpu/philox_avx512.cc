// AVX-512 Philox4x32-10 over sixteen blocks per step (philox_simd.h). Lane j of the four counter
// vectors c0..c3 is block first + j; each round is the scalar round of math/philox.h on all lanes:
// the 32×32→64 products come from two vpmuludq (even and odd lanes), their halves blended back
// into 32-bit lanes. The dropout factors of lane l of every block are then interleaved so that
// f[4·j + l] lands where the scalar loop writes it.
#include "philox_simd.h"

#if defined(__x86_64__)
#include "avx512_intrinsics.h"

#define TDMPC2_PHILOX_TARGET TDMPC2_AVX512_TARGET("avx512f,avx512dq,avx2,fma")

namespace tdmpc2::cpu {
namespace {

// GCC 12's shift/multiply intrinsics pass an undefined vector as the (unused) merge source, which
// -W(maybe-)uninitialized flags (GCC PR 105593, fixed in GCC 13): silenced for this file's kernels.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// hi and lo halves of a·m for each 32-bit lane of a.
TDMPC2_PHILOX_TARGET inline void mulhilo16(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(a, m);                          // lanes 0, 2, …
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);    // lanes 1, 3, …
  const __mmask16 odd_lanes = 0xAAAA;
  hi = _mm512_mask_blend_epi32(odd_lanes, _mm512_srli_epi64(even, 32), odd);
  lo = _mm512_mask_blend_epi32(odd_lanes, even, _mm512_slli_epi64(odd, 32));
}

// 0 or scale per lane: philox_to_uniform(x) ≥ p (exact: x >> 8 < 2²⁴ converts exactly).
TDMPC2_PHILOX_TARGET inline __m512 factors16(__m512i x, __m512 p, __m512 scale) {
  const __m512 u = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(x, 8)),
                                 _mm512_set1_ps(5.9604644775390625e-8f));
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(u, p, _CMP_GE_OQ), scale);
}

// U groups of sixteen blocks from block b0 on, each round on all U groups before the next: one
// group's ten rounds are a chain of dependent multiplies, and with one group per step the
// out-of-order window did not overlap enough steps. Four groups: on Zen 5, a 512×512 layer's
// factors in 65–79 µs against 111–114 µs one group at a time (two: 88 µs, eight: 72–103 µs; a C++
// harness, the same numbers bit for bit).
template <int U>
TDMPC2_PHILOX_TARGET inline void dropout_groups(uint64_t seed, uint32_t stream, uint64_t b0,
                                                __m512 pv, __m512 sv, float* out) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i M0 = _mm512_set1_epi32(int(0xD2511F53u)), M1 = _mm512_set1_epi32(int(0xCD9E8D57u));
  // Interleaving: pair01 = (F0[i], F1[i]) for i in a half, then quads (F0, F1, F2, F3)[i].
  const __m512i lo_pairs = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi_pairs = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512i lo_quads = _mm512_setr_epi32(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
  const __m512i hi_quads = _mm512_setr_epi32(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
  __m512i c0[U], c1[U], c2[U], c3[U];
  for (int u = 0; u < U; ++u) {
    const uint64_t b = b0 + uint64_t(16 * u);
    const __m512i base_lo = _mm512_set1_epi32(int(uint32_t(b)));
    c0[u] = _mm512_add_epi32(base_lo, iota);
    // The high word of block b + lane: +1 in the lanes whose low word wrapped.
    const __mmask16 wrapped = _mm512_cmplt_epu32_mask(c0[u], base_lo);
    const __m512i high = _mm512_set1_epi32(int(uint32_t(b >> 32)));
    c1[u] = _mm512_mask_add_epi32(high, wrapped, high, _mm512_set1_epi32(1));
    c2[u] = _mm512_set1_epi32(int(stream));
    c3[u] = _mm512_setzero_si512();
  }
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    for (int u = 0; u < U; ++u) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(c0[u], M0, hi0, lo0);
      mulhilo16(c2[u], M1, hi1, lo1);
      const __m512i n0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1[u]), _mm512_set1_epi32(int(k0)));
      const __m512i n2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3[u]), _mm512_set1_epi32(int(k1)));
      c0[u] = n0, c1[u] = lo1, c2[u] = n2, c3[u] = lo0;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (int u = 0; u < U; ++u) {
    const __m512 F0 = factors16(c0[u], pv, sv), F1 = factors16(c1[u], pv, sv);
    const __m512 F2 = factors16(c2[u], pv, sv), F3 = factors16(c3[u], pv, sv);
    const __m512 p01lo = _mm512_permutex2var_ps(F0, lo_pairs, F1);
    const __m512 p23lo = _mm512_permutex2var_ps(F2, lo_pairs, F3);
    const __m512 p01hi = _mm512_permutex2var_ps(F0, hi_pairs, F1);
    const __m512 p23hi = _mm512_permutex2var_ps(F2, hi_pairs, F3);
    float* o = out + 64 * u;
    _mm512_storeu_ps(o, _mm512_permutex2var_ps(p01lo, lo_quads, p23lo));
    _mm512_storeu_ps(o + 16, _mm512_permutex2var_ps(p01lo, hi_quads, p23lo));
    _mm512_storeu_ps(o + 32, _mm512_permutex2var_ps(p01hi, lo_quads, p23hi));
    _mm512_storeu_ps(o + 48, _mm512_permutex2var_ps(p01hi, hi_quads, p23hi));
  }
}

TDMPC2_PHILOX_TARGET int64_t dropout_blocks_avx512(uint64_t seed, uint32_t stream,
                                                   uint64_t first, int64_t blocks, float p,
                                                   float scale, float* f) {
  const __m512 pv = _mm512_set1_ps(p), sv = _mm512_set1_ps(scale);
  constexpr int U = 4;
  int64_t j = 0;
  for (; j + 16 * U <= blocks; j += 16 * U)
    dropout_groups<U>(seed, stream, first + uint64_t(j), pv, sv, f + 4 * j);
  for (; j + 16 <= blocks; j += 16)
    dropout_groups<1>(seed, stream, first + uint64_t(j), pv, sv, f + 4 * j);
  return blocks / 16 * 16;
}

#pragma GCC diagnostic pop

}  // namespace

DropoutBlocksFn dropout_blocks_for_avx512() { return dropout_blocks_avx512; }

}  // namespace tdmpc2::cpu

#else

namespace tdmpc2::cpu {
DropoutBlocksFn dropout_blocks_for_avx512() { return nullptr; }
}  // namespace tdmpc2::cpu

#endif
