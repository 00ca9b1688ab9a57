// Fully connected layer, the kernel TD-MPC2 spends almost all its time in.
//
//   forward:  Y[M,N] = X[M,K] · W[N,K]ᵀ + b[N]            (b may be null: no bias)
//   backward: dX[M,K]  = dY[M,N] · W[N,K]                 (overwritten; null to skip)
//             dW[N,K] += dY[M,N]ᵀ · X[M,K]                (accumulated; null to skip)
//             db[N]   += Σ_m dY[m,:]                       (accumulated; null to skip)
//
// Parameter gradients accumulate because one layer is applied several times per update (the
// dynamics over the horizon, the Q heads at several time steps) and PyTorch sums those
// contributions; the optimizer step zeroes them. dX is an activation gradient that belongs to
// one call, so it is overwritten. All pointers are on the same device; M, K, N ≥ 1 (validated
// by the binding). dX must not alias dY or W.
#pragma once
#include <cstdint>

namespace tdmpc2 {

void linear_forward_cpu(const float* X, const float* W, const float* b, float* Y, int64_t M,
                        int64_t K, int64_t N);
void linear_backward_cpu(const float* X, const float* W, const float* dY, float* dX, float* dW,
                         float* db, int64_t M, int64_t K, int64_t N);

#ifdef TDMPC2_WITH_CUDA
void linear_forward_cuda(const float* X, const float* W, const float* b, float* Y, int64_t M,
                         int64_t K, int64_t N);
void linear_backward_cuda(const float* X, const float* W, const float* dY, float* dX, float* dW,
                          float* db, int64_t M, int64_t K, int64_t N);
#endif

}  // namespace tdmpc2
