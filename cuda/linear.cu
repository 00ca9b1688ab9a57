// linear forward/backward on CUDA: a shared-memory tiled FP32 GEMM used in the three forms, a
// bias add and a column reduction for db. Same semantics as native/cpu/linear.cc (linear.h).
// Straightforward on purpose: the tensor-core GEMM with fused epilogues is the CUDA issue's work.
#include "common.cuh"
#include "tdmpc2/linear.h"

namespace tdmpc2 {
namespace {

constexpr int TILE = 16;

enum class Form { NT, NN, TN };

template <Form F>
__device__ __forceinline__ float load_a(const float* A, int64_t lda, int64_t i, int64_t k) {
  return F == Form::TN ? A[k * lda + i] : A[i * lda + k];
}
template <Form F>
__device__ __forceinline__ float load_b(const float* B, int64_t ldb, int64_t k, int64_t j) {
  return F == Form::NT ? B[j * ldb + k] : B[k * ldb + j];
}

// C[M,N] = beta·C + op(A)·op(B); one 16×16 output tile per block.
template <Form F>
__global__ void gemm_kernel(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                            const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  __shared__ float As[TILE][TILE + 1];
  __shared__ float Bs[TILE][TILE + 1];
  const int64_t row = int64_t(blockIdx.y) * TILE + threadIdx.y;
  const int64_t col = int64_t(blockIdx.x) * TILE + threadIdx.x;
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

template <Form F>
void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
          int64_t ldb, float beta, float* C, int64_t ldc) {
  const dim3 block(TILE, TILE);
  const dim3 grid(unsigned((N + TILE - 1) / TILE), unsigned((M + TILE - 1) / TILE));
  gemm_kernel<F><<<grid, block>>>(M, N, K, A, lda, B, ldb, beta, C, ldc);
  cuda::check_launch("gemm_kernel");
}

__global__ void add_bias_kernel(float* Y, const float* b, int64_t M, int64_t N) {
  const int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (i < M * N) Y[i] += b[i % N];
}

// db[n] += Σ_m dY[m,n]: one thread per column, coalesced across the warp.
__global__ void column_sum_kernel(const float* dY, float* db, int64_t M, int64_t N) {
  const int64_t n = blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (n >= N) return;
  float s = 0.f;
  for (int64_t m = 0; m < M; ++m) s += dY[m * N + n];
  db[n] += s;
}

}  // namespace

void linear_forward_cuda(const float* X, const float* W, const float* b, float* Y, int64_t M,
                         int64_t K, int64_t N) {
  gemm<Form::NT>(M, N, K, X, K, W, K, 0.f, Y, N);
  if (b == nullptr) return;
  add_bias_kernel<<<cuda::blocks_for(M * N, 256), 256>>>(Y, b, M, N);
  cuda::check_launch("add_bias_kernel");
}

void linear_backward_cuda(const float* X, const float* W, const float* dY, float* dX, float* dW,
                          float* db, int64_t M, int64_t K, int64_t N) {
  if (dX != nullptr) gemm<Form::NN>(M, K, N, dY, N, W, K, 0.f, dX, K);
  if (dW != nullptr) gemm<Form::TN>(N, K, M, dY, N, X, K, 1.f, dW, K);
  if (db != nullptr) {
    column_sum_kernel<<<cuda::blocks_for(N, 128), 128>>>(dY, db, M, N);
    cuda::check_launch("column_sum_kernel");
  }
}

}  // namespace tdmpc2
