// The CUDA GEMM behind cuda/gemm.cuh: a shared-memory tiled FP32 kernel, one 16×16 output tile
// per block, used in the three forms. Straightforward on purpose: the tensor-core GEMM with fused
// epilogues is the CUDA issue's work.
#include "common.cuh"
#include "gemm.cuh"

namespace tdmpc2::cuda {
namespace {

constexpr int TILE = 16;
constexpr unsigned kMaxGridY = 65535;  // the hardware limit of gridDim.y

enum class Form { NT, NN, TN };

template <Form F>
__device__ __forceinline__ float load_a(const float* A, int64_t lda, int64_t i, int64_t k) {
  return F == Form::TN ? A[k * lda + i] : A[i * lda + k];
}
template <Form F>
__device__ __forceinline__ float load_b(const float* B, int64_t ldb, int64_t k, int64_t j) {
  return F == Form::NT ? B[j * ldb + k] : B[k * ldb + j];
}

// C[M,N] = beta·C + op(A)·op(B). Row tiles stride by gridDim.y so any M fits the grid limit;
// the loop bounds are uniform across the block, so the barriers inside are safe.
template <Form F>
__global__ void gemm_kernel(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                            const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  __shared__ float As[TILE][TILE + 1];
  __shared__ float Bs[TILE][TILE + 1];
  const int64_t col = int64_t(blockIdx.x) * TILE + threadIdx.x;
  const int64_t row_tiles = (M + TILE - 1) / TILE;
  for (int64_t tile = blockIdx.y; tile < row_tiles; tile += gridDim.y) {
    const int64_t row = tile * TILE + threadIdx.y;
    float acc = 0.f;
    for (int64_t k0 = 0; k0 < K; k0 += TILE) {
      const int64_t ka = k0 + threadIdx.x, kb = k0 + threadIdx.y;
      As[threadIdx.y][threadIdx.x] = (row < M && ka < K) ? load_a<F>(A, lda, row, ka) : 0.f;
      Bs[threadIdx.y][threadIdx.x] = (kb < K && col < N) ? load_b<F>(B, ldb, kb, col) : 0.f;
      __syncthreads();
#pragma unroll
      for (int k = 0; k < TILE; ++k) acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
      __syncthreads();
    }
    if (row < M && col < N) {
      float* c = C + row * ldc + col;
      *c = beta != 0.f ? *c + acc : acc;
    }
  }
}

template <Form F>
void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
          int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  const int64_t row_tiles = (M + TILE - 1) / TILE;
  const dim3 block(TILE, TILE);
  const dim3 grid(unsigned((N + TILE - 1) / TILE),
                  unsigned(row_tiles < kMaxGridY ? row_tiles : kMaxGridY));
  gemm_kernel<F><<<grid, block>>>(M, N, K, A, lda, B, ldb, beta, C, ldc);
  check_launch("gemm_kernel");
}

}  // namespace

void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm<Form::NT>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm<Form::NN>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm<Form::TN>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace tdmpc2::cuda
