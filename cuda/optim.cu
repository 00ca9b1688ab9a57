// Optimisation kernels on CUDA (see tdmpc2/optim.h): grid-stride element loops over the shared
// math (adam_update, polyak_update from math/adam.h), and a two-pass sum of squares: each block
// reduces its grid-stride share in double (warp shuffles, then one shared-memory round), writing
// one partial; a single block then adds the partials in a fixed order. No atomics, so the result
// is the same on every run for a given n.
#include <algorithm>

#include "common.cuh"
#include "tdmpc2/math.h"
#include "tdmpc2/optim.h"

namespace tdmpc2 {
namespace {

constexpr int kThreads = 256;
constexpr unsigned kMaxBlocks = 4096;  // grid cap for the element loops; they stride beyond
constexpr int kMaxPartials = 1024;     // blocks of the first reduction pass = threads of the second
static_assert(kMaxPartials + 1 <= cuda::kReductionScratch, "the partials and the result");

unsigned grid_for(int64_t n) { return std::min(cuda::blocks_for(n, kThreads), kMaxBlocks); }

__global__ void adam_kernel(float* __restrict__ param, float* __restrict__ grad,
                            float* __restrict__ m, float* __restrict__ v, int64_t n,
                            AdamScalars s, bool zero_grad) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    float p = param[i], mi = m[i], vi = v[i];
    adam_update(p, mi, vi, grad[i], s);
    param[i] = p;
    m[i] = mi;
    v[i] = vi;
    if (zero_grad) grad[i] = 0.f;
  }
}

__global__ void scale_kernel(float* x, int64_t n, float s) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) x[i] *= s;
}

__global__ void polyak_kernel(float* __restrict__ target, const float* __restrict__ online,
                              int64_t n, float tau) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    target[i] = polyak_update(target[i], online[i], tau);
}

// Sum of x over the block, valid in thread 0. blockDim.x is a multiple of 32, at most 1024.
__device__ double block_sum(double x) {
  __shared__ double warp_sums[32];
  for (int o = 16; o > 0; o >>= 1) x += __shfl_down_sync(0xffffffffu, x, o);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) warp_sums[warp] = x;
  __syncthreads();
  if (warp == 0) {
    const int warps = int(blockDim.x >> 5);
    x = lane < warps ? warp_sums[lane] : 0.0;
    for (int o = 16; o > 0; o >>= 1) x += __shfl_down_sync(0xffffffffu, x, o);
  }
  return x;
}

// Pass 1: partials[block] = Σ x[i]² over the block's grid-stride share, in double.
__global__ void sum_squares_partial_kernel(const float* __restrict__ x, int64_t n,
                                           double* __restrict__ partials) {
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  double s = 0.0;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const double xi = x[i];
    s += xi * xi;
  }
  s = block_sum(s);
  if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

// Pass 2 (one block of kMaxPartials threads): *result = Σ partials[0..count).
__global__ void sum_partials_kernel(const double* __restrict__ partials, int count,
                                    double* __restrict__ result) {
  double s = int(threadIdx.x) < count ? partials[threadIdx.x] : 0.0;
  s = block_sum(s);
  if (threadIdx.x == 0) *result = s;
}

}  // namespace

void adam_step_cuda(float* param, float* grad, float* m, float* v, int64_t n,
                    const AdamScalars& s, bool zero_grad) {
  if (n <= 0) return;
  adam_kernel<<<grid_for(n), kThreads>>>(param, grad, m, v, n, s, zero_grad);
  cuda::check_launch("adam_kernel");
}

double sum_squares_cuda(const float* x, int64_t n) {
  if (n <= 0) return 0.0;
  double* scratch = cuda::reduction_scratch();
  const int blocks = int(std::min<unsigned>(cuda::blocks_for(n, kThreads), kMaxPartials));
  sum_squares_partial_kernel<<<blocks, kThreads>>>(x, n, scratch);
  cuda::check_launch("sum_squares_partial_kernel");
  sum_partials_kernel<<<1, kMaxPartials>>>(scratch, blocks, scratch + kMaxPartials);
  cuda::check_launch("sum_partials_kernel");
  double result = 0.0;
  TDMPC2_CUDA_CHECK(
      cudaMemcpy(&result, scratch + kMaxPartials, sizeof(double), cudaMemcpyDeviceToHost));
  return result;
}

void scale_cuda(float* x, int64_t n, float s) {
  if (n <= 0) return;
  scale_kernel<<<grid_for(n), kThreads>>>(x, n, s);
  cuda::check_launch("scale_kernel");
}

void polyak_cuda(float* target, const float* online, int64_t n, float tau) {
  if (n <= 0) return;
  polyak_kernel<<<grid_for(n), kThreads>>>(target, online, n, tau);
  cuda::check_launch("polyak_kernel");
}

}  // namespace tdmpc2
