// cpu_fma_peak_gflops (tdmpc2/cpu_info.h): twelve independent accumulator chains (FMA latency 4
// × 2 ports needs ≥ 8), each kept in a register by an empty asm that claims to modify it, so the
// compiler can neither fold the chains nor spill them; the clock is read between blocks.
#include "tdmpc2/cpu_info.h"

#include <chrono>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm.h"

namespace tdmpc2::cpu {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kBlock = 20000;  // iterations between clock reads (~0.1 ms)

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

#define TDMPC2_TWELVE(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

// The timing loop of one instruction set: V the vector type, SET1/STEP its intrinsics, C the asm
// register constraint, LANES floats per vector.
#define TDMPC2_PEAK_BODY(V, SET1, STEP, C, LANES)                                               \
  const V x = SET1(0.999999f), y = SET1(1e-7f);                                                \
  TDMPC2_TWELVE(TDMPC2_DECL)                                                                   \
  const auto t0 = Clock::now();                                                                \
  int64_t iters = 0;                                                                           \
  double elapsed = 0;                                                                          \
  do {                                                                                         \
    for (int64_t k = 0; k < kBlock; ++k) {                                                     \
      TDMPC2_TWELVE(STEP)                                                                      \
      __asm__ volatile("" : C(a0), C(a1), C(a2), C(a3), C(a4), C(a5), C(a6), C(a7), C(a8),     \
                       C(a9), C(a10), C(a11));                                                 \
    }                                                                                          \
    iters += kBlock;                                                                           \
    elapsed = seconds_since(t0);                                                               \
  } while (elapsed < seconds);                                                                 \
  return double(iters) * 12.0 * 2.0 * LANES / elapsed / 1e9;

#if defined(__x86_64__)
#if !defined(TDMPC2_AVX512_EMULATION)
__attribute__((target("avx512f"))) double peak_avx512(double seconds) {
#define TDMPC2_DECL(i) __m512 a##i = _mm512_set1_ps(float(i));
#define TDMPC2_STEP(i) a##i = _mm512_fmadd_ps(a##i, x, y);
  TDMPC2_PEAK_BODY(__m512, _mm512_set1_ps, TDMPC2_STEP, "+v", 16)
#undef TDMPC2_DECL
#undef TDMPC2_STEP
}
#endif

__attribute__((target("avx2,fma"))) double peak_avx2(double seconds) {
#define TDMPC2_DECL(i) __m256 a##i = _mm256_set1_ps(float(i));
#define TDMPC2_STEP(i) a##i = _mm256_fmadd_ps(a##i, x, y);
  TDMPC2_PEAK_BODY(__m256, _mm256_set1_ps, TDMPC2_STEP, "+x", 8)
#undef TDMPC2_DECL
#undef TDMPC2_STEP
}

// The baseline kernel's ceiling: SSE multiply then add (no FMA), counted as 2 flops per lane.
double peak_sse(double seconds) {
#define TDMPC2_DECL(i) __m128 a##i = _mm_set1_ps(float(i));
#define TDMPC2_STEP(i) a##i = _mm_add_ps(_mm_mul_ps(a##i, x), y);
  TDMPC2_PEAK_BODY(__m128, _mm_set1_ps, TDMPC2_STEP, "+x", 4)
#undef TDMPC2_DECL
#undef TDMPC2_STEP
}
#endif

}  // namespace

}  // namespace tdmpc2::cpu

namespace tdmpc2 {

double cpu_fma_peak_gflops(double seconds) {
#if defined(__x86_64__)
  const char* isa = cpu::gemm_isa();
  if (std::strcmp(isa, "avx512") == 0) {
#if defined(TDMPC2_AVX512_EMULATION)
    return cpu::peak_avx2(seconds);  // a test build whose AVX-512 kernels run on AVX2 (gemm.cc)
#else
    return cpu::peak_avx512(seconds);
#endif
  }
  if (std::strcmp(isa, "avx2") == 0) return cpu::peak_avx2(seconds);
  return cpu::peak_sse(seconds);
#else
  (void)seconds;
  return 0.0;  // no measured ceiling on this architecture
#endif
}

}  // namespace tdmpc2
