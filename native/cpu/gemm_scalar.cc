// The baseline half of the CPU GEMM, for CPUs without AVX2 (and other architectures): a 6×8 tile
// in GCC vector extensions (4-wide: SSE2 on x86-64, NEON on arm64; 12 accumulators + 3 fit the
// 16 SSE registers). Same packing and driver as the SIMD paths.
#include <cstdint>
#include <cstring>

#include "gemm_kernels.h"

#define TDMPC2_GEMM_TARGET

namespace tdmpc2::cpu {
namespace {

struct Simd {
  typedef float V __attribute__((vector_size(16)));
  static constexpr int64_t W = 4;
  static inline V zero() { return V{0.f, 0.f, 0.f, 0.f}; }
  static inline V load(const float* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static inline void store(float* p, V v) { std::memcpy(p, &v, sizeof v); }
  static inline V set1(float x) { return V{x, x, x, x}; }
  static inline V fma(V a, V b, V c) { return a * b + c; }
  static inline V add(V a, V b) { return a + b; }
  static inline void prefetch(const float* p) { __builtin_prefetch(p); }
};
// One family for both forms: 6 rows × 2 vectors (see GemmKernel).
constexpr int kMR = 6;
constexpr int kNV = 2;
constexpr int64_t kPrefetchK = 0;
constexpr int64_t kPrefetchCSteps = 0;

#include "gemm_tile.inc"

void pack_b_transposed(const float* B, int64_t ldb, int64_t kc, int64_t cols, int64_t w,
                       float* dst) {
  pack_b_transposed_scalar(B, ldb, 0, kc, 0, cols, w, dst);
}

}  // namespace

const GemmKernel& gemm_kernel_scalar() {
  static const GemmKernel k{"scalar", Simd::W,
                            {kMR, kNV * Simd::W, tile<kMR, kNV>, tiles<kMR, kNV>},
                            {kMR, kNV * Simd::W, tile<kMR, kNV>, tiles<kMR, kNV>},
                            pack_b_transposed, pack_b,
                            pack_a_transposed_steps<pack_a_transposed_panel>};
  return k;
}

}  // namespace tdmpc2::cpu
