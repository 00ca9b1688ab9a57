// SimNorm on the CPU (tdmpc2/simnorm.h), through math/simnorm.h. The forward copies each row to
// Y and normalises it in place with simnorm_span; both directions run eight groups per SIMD
// vector for V = 8 (target_clones: AVX2/AVX-512 where the CPU has them, like the GEMM).
#include "tdmpc2/simnorm.h"

#include <cstring>

#include "isa_clones.h"
#include "tdmpc2/math.h"

namespace tdmpc2 {

TDMPC2_ISA_CLONES void simnorm_forward_cpu(const float* X, float* Y, int64_t rows, int64_t L,
                                           int64_t V) {
  for (int64_t r = 0; r < rows; ++r) {
    std::memcpy(Y + r * L, X + r * L, size_t(L) * sizeof(float));
    simnorm_span(Y + r * L, L, V);
  }
}

TDMPC2_ISA_CLONES void simnorm_backward_cpu(const float* Y, const float* dY, float* dX,
                                            int64_t rows, int64_t L, int64_t V) {
  simnorm_span_backward(Y, dY, dX, rows * L, V);
}

}  // namespace tdmpc2
