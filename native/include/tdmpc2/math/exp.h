// exp_fast(x): eˣ in float32, branch-free, identical source on host and device.
//
// Why not expf: glibc's expf is a scalar call, so a loop over it never vectorises without
// -ffast-math, and the LayerNorm+Mish and SimNorm epilogues spend most of their time in exp.
// This is Cephes' expf: n = round(x·log2 e), r = x − n·ln 2 (Cody–Waite split, |r| ≤ ~0.35),
// eʳ by a degree-6 polynomial (max relative error ~1.5e-7 on that interval), times 2ⁿ built from
// the exponent bits. Written with selects instead of branches so GCC if-converts and vectorises
// it, and the CUDA kernels call the same function so both backends round the same way.
//
// Edge cases: NaN → NaN (comparisons with NaN are false, so the clamps pass it through);
// x ≤ −104 → 0 and −∞ → 0; x ≥ 89 → +∞ and +∞ → +∞; results below 2⁻¹²⁶ are denormal like expf.
#pragma once
#include <cstdint>
#include <cstring>

#include "common.h"

namespace tdmpc2 {

TDMPC2_HD uint32_t float_to_bits(float x) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(x);
#else
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}

TDMPC2_HD float bits_to_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

// c ? a : b without a branch. A plain ?: lets GCC's PRE fold the arithmetic that follows into
// the arms (e.g. −104·log2 e), and a loop with trapping float ops in branch arms is not
// vectorised unless -fno-trapping-math; selecting the bits keeps it one straight-line value.
TDMPC2_HD float select_bits(bool c, float a, float b) {
#if defined(__CUDA_ARCH__)
  return c ? a : b;
#else
  const uint32_t m = 0u - uint32_t(c);
  return bits_to_float((float_to_bits(a) & m) | (float_to_bits(b) & ~m));
#endif
}

// exp_fast for an argument already known to be ≤ 89 (or NaN): Mish clamps its argument at 20 and
// SimNorm subtracts the group maximum, so their upper clamp would be a no-op; skipping it saves two
// vector operations per element in the epilogues and returns exactly exp_fast(x).
TDMPC2_HD float exp_fast_below89(float x) {
  // Clamp so n stays in [−150, 129]: eˣ is already 0 below (and +∞ above 89, see exp_fast).
  x = select_bits(x < -104.f, -104.f, x);
  // Adding 1.5·2²³ rounds x·log2 e to the nearest integer, which lands in the low mantissa bits:
  // n as a float (t − shifter) and as an integer (bit difference) without a float→int conversion.
  const float shifter = 12582912.f;
  const float t = x * 1.44269504088896341f + shifter;
  const float n = t - shifter;
  const int32_t ni = int32_t(float_to_bits(t) - float_to_bits(shifter));
  float r = x - n * 0.693359375f;  // ln 2 = 0.693359375 (exact in 9 bits) − 2.12194440e-4
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  // 2ⁿ as 2^(n>>1) · 2^(n − n>>1): each factor is a normal float for every n in [−150, 129], so
  // overflow to +∞ and gradual underflow happen in the final products, as for expf.
  const int32_t n1 = ni >> 1;
  const int32_t n2 = ni - n1;
  const float s1 = bits_to_float(uint32_t(n1 + 127) << 23);
  const float s2 = bits_to_float(uint32_t(n2 + 127) << 23);
  return p * s1 * s2;
}

TDMPC2_HD float exp_fast(float x) { return exp_fast_below89(select_bits(x > 89.f, 89.f, x)); }

}  // namespace tdmpc2
