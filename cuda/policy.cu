// The policy prior's sampling head on CUDA: one thread per row running the per-row forward and
// backward of math/policy.h, the same functions the CPU loop calls (native/cpu/policy.cc). A is
// the action dimension (1–38 in practice), so a row is a short serial loop.
#include "common.cuh"
#include "tdmpc2/math/policy.h"
#include "tdmpc2/policy.h"

namespace tdmpc2 {
namespace {

constexpr int kThreads = 128;
constexpr int64_t kMaxBlocks = int64_t(1) << 20;  // rows beyond the grid: grid-stride loop

unsigned row_blocks(int64_t N) {
  const int64_t n = (N + kThreads - 1) / kThreads;
  return unsigned(n < kMaxBlocks ? n : kMaxBlocks);
}

__global__ void policy_forward_kernel(const float* raw, const float* eps, const float* mask,
                                      int64_t mask_stride, float* action, float* mean,
                                      float* log_std, float* lp_gauss, float* log_prob,
                                      float* scaled_entropy, int64_t N, int64_t A,
                                      PolicyRange range) {
  for (int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; n < N;
       n += int64_t(gridDim.x) * blockDim.x) {
    const int64_t o = n * A;
    const PolicyRowStats s = policy_row_forward(
        raw + 2 * o, eps + o, mask != nullptr ? mask + n * mask_stride : nullptr, A,
        range.log_std_min, range.log_std_max, action + o, mean != nullptr ? mean + o : nullptr,
        log_std != nullptr ? log_std + o : nullptr);
    if (lp_gauss != nullptr) lp_gauss[n] = s.lp_g;
    if (log_prob != nullptr) log_prob[n] = s.log_prob;
    if (scaled_entropy != nullptr) scaled_entropy[n] = s.scaled_entropy;
  }
}

__global__ void policy_backward_kernel(const float* raw, const float* eps, const float* mask,
                                       int64_t mask_stride, const float* d_action,
                                       const float* d_scaled_entropy, float* d_raw, int64_t N,
                                       int64_t A, PolicyRange range) {
  for (int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; n < N;
       n += int64_t(gridDim.x) * blockDim.x) {
    const int64_t o = n * A;
    policy_row_backward(raw + 2 * o, eps + o, mask != nullptr ? mask + n * mask_stride : nullptr,
                        A, range.log_std_min, range.log_std_max,
                        d_action != nullptr ? d_action + o : nullptr,
                        d_scaled_entropy != nullptr ? d_scaled_entropy[n] : 0.f, d_raw + 2 * o);
  }
}

}  // namespace

void policy_forward_cuda(const float* raw, const float* eps, const float* mask,
                         int64_t mask_stride, float* action, float* mean, float* log_std,
                         float* lp_gauss, float* log_prob, float* scaled_entropy, int64_t N,
                         int64_t A, PolicyRange range) {
  if (N <= 0) return;
  policy_forward_kernel<<<row_blocks(N), kThreads>>>(raw, eps, mask, mask_stride, action, mean,
                                                     log_std, lp_gauss, log_prob, scaled_entropy,
                                                     N, A, range);
  cuda::check_launch("policy_forward_kernel");
}

void policy_backward_cuda(const float* raw, const float* eps, const float* mask,
                          int64_t mask_stride, const float* d_action,
                          const float* d_scaled_entropy, float* d_raw, int64_t N, int64_t A,
                          PolicyRange range) {
  if (N <= 0) return;
  policy_backward_kernel<<<row_blocks(N), kThreads>>>(raw, eps, mask, mask_stride, d_action,
                                                      d_scaled_entropy, d_raw, N, A, range);
  cuda::check_launch("policy_backward_kernel");
}

}  // namespace tdmpc2
