// linear forward/backward on CUDA: three GEMMs (cuda/gemm.cuh), a bias add and a column
// reduction for db. Same semantics as native/cpu/linear.cc (linear.h).
#include "common.cuh"
#include "gemm.cuh"
#include "tdmpc2/linear.h"

namespace tdmpc2 {
namespace {

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
  cuda::gemm_nt(M, N, K, X, K, W, K, 0.f, Y, N);
  if (b == nullptr) return;
  add_bias_kernel<<<cuda::blocks_for(M * N, 256), 256>>>(Y, b, M, N);
  cuda::check_launch("add_bias_kernel");
}

void linear_backward_cuda(const float* X, const float* W, const float* dY, float* dX, float* dW,
                          float* db, int64_t M, int64_t K, int64_t N) {
  if (dX != nullptr) cuda::gemm_nn(M, K, N, dY, N, W, K, 0.f, dX, K);
  if (dW != nullptr) cuda::gemm_tn(N, K, M, dY, N, X, K, 1.f, dW, K);
  if (db != nullptr) {
    column_sum_kernel<<<cuda::blocks_for(N, 128), 128>>>(dY, db, M, N);
    cuda::check_launch("column_sum_kernel");
  }
}

}  // namespace tdmpc2
