// The AVX-512 intrinsics of the hand-written kernels (gemm_avx512.cc, epilogue_avx512.cc,
// philox_avx512.cc) and the attribute that compiles a function for AVX-512.
//
// A build with TDMPC2_AVX512_EMULATION (CMake option of that name; tests only, never shipped)
// takes the intrinsics from SIMDe (Debian's libsimde-dev), which implements each one with AVX2 and
// FMA instructions, and makes the GEMM pick these kernels on a CPU without AVX-512 (gemm.cc). The
// kernels' own code, their tiles, tails, masks and packs, then runs and is tested on the AVX2 CPUs
// of this project's machines and CI, which cannot run the real instructions. What it cannot show:
// speed, and any difference between an instruction and SIMDe's version of it.
#pragma once

#if defined(__x86_64__)

#if defined(TDMPC2_AVX512_EMULATION)

#if !defined(__AVX2__) || !defined(__FMA__)
// Without them SIMDe would build _mm512_fmadd_ps from a multiply and an add (two roundings), and
// the kernels would no longer give the bits the tests expect of them.
#error "TDMPC2_AVX512_EMULATION compiles the AVX-512 kernels with -mavx2 -mfma"
#endif

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#define TDMPC2_AVX512_TARGET(features)

namespace tdmpc2::cpu::avx512_emulation {

// What SIMDe 0.7 lacks. The masked load and store touch only the lanes of their mask, as the
// instructions do: the kernels use them at the ends of rows and buffers, where a whole-vector
// access would read or write past the end.
inline simde__m512 maskz_loadu_ps(uint16_t k, const void* p) {
  float v[16] = {};
  for (int i = 0; i < 16; ++i)
    if (k >> i & 1) std::memcpy(&v[i], static_cast<const float*>(p) + i, sizeof(float));
  return simde_mm512_loadu_ps(v);
}

inline void mask_storeu_ps(void* p, uint16_t k, simde__m512 a) {
  float v[16];
  simde_mm512_storeu_ps(v, a);
  for (int i = 0; i < 16; ++i)
    if (k >> i & 1) std::memcpy(static_cast<float*>(p) + i, &v[i], sizeof(float));
}

// Lanes in k: a·b + c with one rounding; others: c.
inline simde__m512 mask3_fmadd_ps(simde__m512 a, simde__m512 b, simde__m512 c, uint16_t k) {
  return simde_mm512_mask_mov_ps(c, k, simde_mm512_fmadd_ps(a, b, c));
}

// a·2^⌊b⌋ with one rounding, gradual underflow included. SIMDe multiplies by exp2(⌊b⌋), which is
// 0 below 2⁻¹⁴⁹ where the instruction still gives a subnormal (the epilogue's exp at −104), and
// flushes subnormal inputs. b is NaN (giving NaN) or a whole number in the epilogue's [−150, 29].
inline simde__m512 scalef_ps(simde__m512 a, simde__m512 b) {
  float x[16], y[16];
  simde_mm512_storeu_ps(x, a);
  simde_mm512_storeu_ps(y, b);
  for (int i = 0; i < 16; ++i)
    x[i] = std::isnan(y[i]) ? x[i] + y[i] : std::ldexp(x[i], int(std::floor(y[i])));
  return simde_mm512_loadu_ps(x);
}

inline uint16_t cmplt_epu32_mask(simde__m512i a, simde__m512i b) {
  uint32_t x[16], y[16];
  simde_mm512_storeu_si512(x, a);
  simde_mm512_storeu_si512(y, b);
  uint16_t k = 0;
  for (int i = 0; i < 16; ++i) k = uint16_t(k | (x[i] < y[i]) << i);
  return k;
}

// Signed 32-bit lanes to float, rounded to nearest even (vcvtdq2ps under the default MXCSR).
inline simde__m512 cvtepi32_ps(simde__m512i a) {
  int32_t x[16];
  float v[16];
  simde_mm512_storeu_si512(x, a);
  for (int i = 0; i < 16; ++i) v[i] = float(x[i]);
  return simde_mm512_loadu_ps(v);
}

}  // namespace tdmpc2::cpu::avx512_emulation

#define _mm512_maskz_loadu_ps(k, p) ::tdmpc2::cpu::avx512_emulation::maskz_loadu_ps(k, p)
#define _mm512_mask_storeu_ps(p, k, a) ::tdmpc2::cpu::avx512_emulation::mask_storeu_ps(p, k, a)
#define _mm512_mask3_fmadd_ps(a, b, c, k) ::tdmpc2::cpu::avx512_emulation::mask3_fmadd_ps(a, b, c, k)
#define _mm512_cmplt_epu32_mask(a, b) ::tdmpc2::cpu::avx512_emulation::cmplt_epu32_mask(a, b)
#define _mm512_cvtepi32_ps(a) ::tdmpc2::cpu::avx512_emulation::cvtepi32_ps(a)
#undef _mm512_scalef_ps
#define _mm512_scalef_ps(a, b) ::tdmpc2::cpu::avx512_emulation::scalef_ps(a, b)
// SIMDe has this one but names it only under its own prefix.
#define _mm512_shuffle_f32x4(a, b, imm8) simde_mm512_shuffle_f32x4(a, b, imm8)

#else

#include <immintrin.h>

#define TDMPC2_AVX512_TARGET(features) __attribute__((target(features)))

#endif

#endif
