// The CPU GEMM: one internal interface for every matrix product the kernels need, so that the
// micro-kernels behind it can be replaced without touching the callers. Row-major, float32.
//
//   gemm_nt: C[M,N] = beta·C + A[M,K] · B[N,K]ᵀ     (forward: X · Wᵀ)
//   gemm_nn: C[M,N] = beta·C + A[M,K] · B[K,N]      (input gradient: dY · W)
//   gemm_tn: C[M,N] = beta·C + A[K,M]ᵀ · B[K,N]     (weight gradient: dYᵀ · X)
//
// beta is 0 (overwrite; C's old contents are ignored, NaNs included) or 1 (accumulate).
// lda/ldb/ldc are row strides in elements.
#pragma once
#include <cstdint>

namespace tdmpc2::cpu {

void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace tdmpc2::cpu
