// The CUDA GEMM: the one interface every CUDA kernel family uses for its matrix products, like
// native/cpu/gemm.h on the CPU, so the tiled kernel behind it can be replaced (tensor cores,
// fused epilogues) without touching the callers. Row-major, float32, on the current device.
//
//   gemm_nt: C[M,N] = beta·C + A[M,K] · B[N,K]ᵀ     (forward: X · Wᵀ)
//   gemm_nn: C[M,N] = beta·C + A[M,K] · B[K,N]      (input gradient: dY · W)
//   gemm_tn: C[M,N] = beta·C + A[K,M]ᵀ · B[K,N]     (weight gradient: dYᵀ · X)
//
// beta is 0 (overwrite; C's old contents are ignored, NaNs included) or 1 (accumulate).
// lda/ldb/ldc are row strides in elements. Launch errors throw tdmpc2::Error.
#pragma once
#include <cstdint>

namespace tdmpc2::cuda {

void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace tdmpc2::cuda
