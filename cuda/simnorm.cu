// CUDA twin of native/cpu/simnorm.cc (tdmpc2/simnorm.h): one thread per group of V, through the
// same math/simnorm.h functions.
#include "common.cuh"
#include "tdmpc2/math.h"
#include "tdmpc2/simnorm.h"

namespace tdmpc2 {
namespace {

constexpr int kThreads = 256;

unsigned grid_for_groups(int64_t groups) {
  const int64_t blocks = (groups + kThreads - 1) / kThreads;
  return unsigned(blocks < 4096 ? (blocks > 0 ? blocks : 1) : 4096);
}

__global__ void simnorm_forward_kernel(const float* X, float* Y, int64_t groups, int64_t V) {
  for (int64_t g = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; g < groups;
       g += int64_t(gridDim.x) * blockDim.x)
    simnorm_group(X + g * V, Y + g * V, V);
}

__global__ void simnorm_backward_kernel(const float* Y, const float* dY, float* dX,
                                        int64_t groups, int64_t V) {
  for (int64_t g = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; g < groups;
       g += int64_t(gridDim.x) * blockDim.x)
    simnorm_group_backward(Y + g * V, dY + g * V, dX + g * V, V);
}

}  // namespace

void simnorm_forward_cuda(const float* X, float* Y, int64_t rows, int64_t L, int64_t V) {
  const int64_t groups = rows * L / V;
  if (groups == 0) return;
  simnorm_forward_kernel<<<grid_for_groups(groups), kThreads>>>(X, Y, groups, V);
  cuda::check_launch("simnorm_forward_kernel");
}

void simnorm_backward_cuda(const float* Y, const float* dY, float* dX, int64_t rows, int64_t L,
                           int64_t V) {
  const int64_t groups = rows * L / V;
  if (groups == 0) return;
  simnorm_backward_kernel<<<grid_for_groups(groups), kThreads>>>(Y, dY, dX, groups, V);
  cuda::check_launch("simnorm_backward_kernel");
}

}  // namespace tdmpc2
