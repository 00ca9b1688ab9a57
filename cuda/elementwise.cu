// CUDA twins of native/cpu/elementwise.cc (semantics in tdmpc2/elementwise.h).
#include "common.cuh"
#include "tdmpc2/elementwise.h"

namespace tdmpc2 {
namespace {

__global__ void copy_cols_kernel(int64_t M, int64_t cols, const float* src, int64_t src_ld,
                                 int64_t src_col, float* dst, int64_t dst_ld, int64_t dst_col,
                                 bool accumulate) {
  const int64_t total = M * cols;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t m = i / cols, j = i % cols;
    const float v = src[m * src_ld + src_col + j];
    float* d = dst + m * dst_ld + dst_col + j;
    *d = accumulate ? *d + v : v;
  }
}

__global__ void axpy_kernel(int64_t n, float alpha, const float* x, float* y) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x)
    y[i] += alpha * x[i];
}

// Per-block partial sums of squared differences (in double), and the gradient.
__global__ void mse_kernel(int64_t n, const float* pred, const float* target, float* grad,
                           float scale, double* partial) {
  __shared__ double shared[256];
  double s = 0;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
    // The difference in double, as on the CPU (a float difference loses its low bits).
    const double d = double(pred[i]) - double(target[i]);
    s += d * d;
    if (grad != nullptr) grad[i] = scale * 2.f * (pred[i] - target[i]);
  }
  shared[threadIdx.x] = s;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
    if (threadIdx.x < stride) shared[threadIdx.x] += shared[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[blockIdx.x] = shared[0];
}

unsigned grid_for(int64_t n, int threads) {
  const int64_t blocks = (n + threads - 1) / threads;
  return unsigned(blocks < 4096 ? (blocks > 0 ? blocks : 1) : 4096);
}

}  // namespace

void copy_cols_cuda(int64_t M, int64_t cols, const float* src, int64_t src_ld, int64_t src_col,
                    float* dst, int64_t dst_ld, int64_t dst_col, bool accumulate) {
  if (M * cols == 0) return;
  copy_cols_kernel<<<grid_for(M * cols, 256), 256>>>(M, cols, src, src_ld, src_col, dst, dst_ld,
                                                      dst_col, accumulate);
  cuda::check_launch("copy_cols_kernel");
}

void axpy_cuda(int64_t n, float alpha, const float* x, float* y) {
  if (n == 0) return;
  axpy_kernel<<<grid_for(n, 256), 256>>>(n, alpha, x, y);
  cuda::check_launch("axpy_kernel");
}

double mse_cuda(int64_t n, const float* pred, const float* target, float* grad, float scale) {
  if (n == 0) return 0.0;
  constexpr int kThreads = 256;
  constexpr unsigned kMaxBlocks = 256;
  static_assert(kMaxBlocks <= unsigned(cuda::kReductionScratch), "one partial per block");
  const unsigned blocks = grid_for(n, kThreads) < kMaxBlocks ? grid_for(n, kThreads) : kMaxBlocks;
  double* partial = cuda::reduction_scratch();
  double host[kMaxBlocks];
  mse_kernel<<<blocks, kThreads>>>(n, pred, target, grad, scale, partial);
  cuda::check_launch("mse_kernel");
  TDMPC2_CUDA_CHECK(cudaMemcpy(host, partial, blocks * sizeof(double), cudaMemcpyDeviceToHost));
  double s = 0;
  for (unsigned b = 0; b < blocks; ++b) s += host[b];
  return s;
}

}  // namespace tdmpc2
