// SimNorm as a standalone op (the pixel encoder's output; the dense layer fuses it otherwise):
// rows of L values, each cut into L/V groups of V, softmax per group (math/simnorm.h).
//
//   forward:  Y[R,L] = simnorm_V(X[R,L])
//   backward: dX[R,L] = per group s ⊙ (dY − Σ dY ⊙ s), s = Y   (overwritten)
// V ≥ 1 divides L; outputs do not alias inputs (the binding checks).
#pragma once
#include <cstdint>

namespace tdmpc2 {

void simnorm_forward_cpu(const float* X, float* Y, int64_t rows, int64_t L, int64_t V);
void simnorm_backward_cpu(const float* Y, const float* dY, float* dX, int64_t rows, int64_t L,
                          int64_t V);

#ifdef TDMPC2_WITH_CUDA
void simnorm_forward_cuda(const float* X, float* Y, int64_t rows, int64_t L, int64_t V);
void simnorm_backward_cuda(const float* Y, const float* dY, float* dX, int64_t rows, int64_t L,
                           int64_t V);
#endif

}  // namespace tdmpc2
