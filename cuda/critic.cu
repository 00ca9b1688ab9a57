// The two-hot critic on CUDA: one warp per row for the K-bin ops (lanes stride over the bins,
// coalesced; max and sums by warp shuffles), one thread per row for the one-column degenerate
// configs. Same semantics and the same math/two_hot.h formulas as native/cpu/critic.cc.
#include <cmath>

#include "common.cuh"
#include "tdmpc2/critic.h"

namespace tdmpc2 {
namespace {

constexpr int kWarp = 32;
constexpr int kRowsPerBlock = 8;  // 256 threads per block
constexpr unsigned kFullMask = 0xffffffffu;
constexpr unsigned kMaxBlocks = 1u << 20;  // rows beyond grid × 8 are covered by the grid stride

// NaNs are skipped by the max (as on the CPU) and propagate through the exp-sum.
__device__ __forceinline__ float warp_max(float v) {
  for (int o = kWarp / 2; o > 0; o >>= 1) {
    const float w = __shfl_xor_sync(kFullMask, v, o);
    v = w > v ? w : v;
  }
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(kFullMask, v, o);
  return v;
}

// The warp's first row and the stride between its rows. Every lane of a warp gets the same rows,
// so loops over rows are warp-uniform and the full-mask shuffles inside them are safe.
__device__ __forceinline__ int64_t first_row() {
  return int64_t(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
}
__device__ __forceinline__ int64_t row_stride() { return int64_t(gridDim.x) * kRowsPerBlock; }
__device__ __forceinline__ int lane() { return int(threadIdx.x % kWarp); }

struct WarpSoftmax {
  float max, sum;
};
__device__ __forceinline__ WarpSoftmax warp_softmax(const float* l, int64_t C) {
  float m = -INFINITY;
  for (int64_t k = lane(); k < C; k += kWarp) m = l[k] > m ? l[k] : m;
  m = warp_max(m);
  float s = 0.f;
  for (int64_t k = lane(); k < C; k += kWarp) s += softmax_exp(l[k] - m);
  return WarpSoftmax{m, warp_sum(s)};
}

// Σe and the expectation s = Σ e_k c_k / Σe of a K ≥ 2 row.
struct WarpExpectation {
  float max, sum, mean;
};
__device__ __forceinline__ WarpExpectation warp_expectation(const float* l, const TwoHotBins& b) {
  float m = -INFINITY;
  for (int64_t k = lane(); k < b.K; k += kWarp) m = l[k] > m ? l[k] : m;
  m = warp_max(m);
  float s = 0.f, num = 0.f;
  for (int64_t k = lane(); k < b.K; k += kWarp) {
    const float ek = softmax_exp(l[k] - m);
    s += ek;
    num += ek * two_hot_bin_center(k, b);
  }
  s = warp_sum(s);
  return WarpExpectation{m, s, warp_sum(num) / s};
}

__global__ void soft_ce_kernel(const float* logits, const float* target, float* loss,
                               float* dlogits, float grad_scale, int64_t R, TwoHotBins b) {
  const int64_t C = b.cols();
  for (int64_t r = first_row(); r < R; r += row_stride()) {
    const float* l = logits + r * C;
    float* dl = dlogits != nullptr ? dlogits + r * C : nullptr;
    const TwoHotPair t = two_hot_target(target[r], b);
    if (t.nan) {
      if (lane() == 0 && loss != nullptr) loss[r] = NAN;
      if (dl != nullptr)
        for (int64_t k = lane(); k < C; k += kWarp) dl[k] = NAN;
      continue;
    }
    const WarpSoftmax sm = warp_softmax(l, C);
    if (lane() == 0 && loss != nullptr)
      loss[r] = soft_ce_loss(t, l[t.lo], l[t.hi], sm.max, logf(sm.sum));
    if (dl != nullptr) {
      const float wsum = t.w_lo + t.w_hi;
      for (int64_t k = lane(); k < C; k += kWarp) {
        const float tk = k == t.lo ? t.w_lo : (k == t.hi ? t.w_hi : 0.f);
        dl[k] = soft_ce_grad(softmax_exp(l[k] - sm.max), sm.sum, wsum, tk, grad_scale);
      }
    }
  }
}

__global__ void two_hot_inv_forward_kernel(const float* logits, float* value, int64_t R,
                                           TwoHotBins b) {
  for (int64_t r = first_row(); r < R; r += row_stride()) {
    const WarpExpectation ex = warp_expectation(logits + r * b.K, b);
    if (lane() == 0) value[r] = symexp(ex.mean);
  }
}

__global__ void two_hot_inv_backward_kernel(const float* logits, const float* dvalue,
                                            float* dlogits, int64_t R, TwoHotBins b) {
  for (int64_t r = first_row(); r < R; r += row_stride()) {
    const float* l = logits + r * b.K;
    const WarpExpectation ex = warp_expectation(l, b);
    const float g = dvalue[r] * symexp_grad(ex.mean) / ex.sum;
    for (int64_t k = lane(); k < b.K; k += kWarp)
      dlogits[r * b.K + k] =
          two_hot_inv_grad(g, softmax_exp(l[k] - ex.max), two_hot_bin_center(k, b), ex.mean);
  }
}

__global__ void two_hot_encode_kernel(const float* x, float* out, int64_t R, TwoHotBins b) {
  for (int64_t r = first_row(); r < R; r += row_stride()) {
    const TwoHotPair t = two_hot_weights(x[r], b);
    float* o = out + r * b.K;
    for (int64_t k = lane(); k < b.K; k += kWarp)
      o[k] = t.nan ? NAN : (k == t.lo ? t.w_lo : (k == t.hi ? t.w_hi : 0.f));
  }
}

// The one-column configs (K ≤ 1), one thread per row.
__global__ void two_hot_inv_degenerate_kernel(const float* logits, float* value, int64_t R,
                                              TwoHotBins b) {
  for (int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; r < R;
       r += int64_t(gridDim.x) * blockDim.x)
    value[r] = two_hot_inv_degenerate(logits[r], b);
}

__global__ void two_hot_inv_degenerate_backward_kernel(const float* logits, const float* dvalue,
                                                       float* dlogits, int64_t R, TwoHotBins b) {
  for (int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; r < R;
       r += int64_t(gridDim.x) * blockDim.x)
    dlogits[r] = dvalue[r] * two_hot_inv_degenerate_grad(logits[r], b);
}

__global__ void two_hot_encode_degenerate_kernel(const float* x, float* out, int64_t R,
                                                 TwoHotBins b) {
  for (int64_t r = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; r < R;
       r += int64_t(gridDim.x) * blockDim.x)
    out[r] = two_hot_degenerate(x[r], b);
}

constexpr int kThreads = kWarp * kRowsPerBlock;

// Blocks for R rows at `per` rows per block, capped: the grid-stride loops cover the rest.
unsigned blocks_for_rows(int64_t R, int64_t per) {
  const int64_t n = (R + per - 1) / per;
  return unsigned(n < int64_t(kMaxBlocks) ? n : int64_t(kMaxBlocks));
}
unsigned warp_row_blocks(int64_t R) { return blocks_for_rows(R, kRowsPerBlock); }
unsigned thread_row_blocks(int64_t R) { return blocks_for_rows(R, kThreads); }

}  // namespace

void soft_ce_forward_cuda(const float* logits, const float* target, float* loss, float* dlogits,
                          float grad_scale, int64_t R, TwoHotBins bins) {
  if (R <= 0) return;
  soft_ce_kernel<<<warp_row_blocks(R), kThreads>>>(logits, target, loss, dlogits, grad_scale, R,
                                                   bins);
  cuda::check_launch("soft_ce_kernel");
}

void two_hot_inv_forward_cuda(const float* logits, float* value, int64_t R, TwoHotBins bins) {
  if (R <= 0) return;
  if (bins.K <= 1) {
    two_hot_inv_degenerate_kernel<<<thread_row_blocks(R), kThreads>>>(logits, value, R, bins);
    cuda::check_launch("two_hot_inv_degenerate_kernel");
    return;
  }
  two_hot_inv_forward_kernel<<<warp_row_blocks(R), kThreads>>>(logits, value, R, bins);
  cuda::check_launch("two_hot_inv_forward_kernel");
}

void two_hot_inv_backward_cuda(const float* logits, const float* dvalue, float* dlogits, int64_t R,
                               TwoHotBins bins) {
  if (R <= 0) return;
  if (bins.K <= 1) {
    two_hot_inv_degenerate_backward_kernel<<<thread_row_blocks(R), kThreads>>>(logits, dvalue,
                                                                                dlogits, R, bins);
    cuda::check_launch("two_hot_inv_degenerate_backward_kernel");
    return;
  }
  two_hot_inv_backward_kernel<<<warp_row_blocks(R), kThreads>>>(logits, dvalue, dlogits, R, bins);
  cuda::check_launch("two_hot_inv_backward_kernel");
}

void two_hot_encode_cuda(const float* x, float* out, int64_t R, TwoHotBins bins) {
  if (R <= 0) return;
  if (bins.K <= 1) {
    two_hot_encode_degenerate_kernel<<<thread_row_blocks(R), kThreads>>>(x, out, R, bins);
    cuda::check_launch("two_hot_encode_degenerate_kernel");
    return;
  }
  two_hot_encode_kernel<<<warp_row_blocks(R), kThreads>>>(x, out, R, bins);
  cuda::check_launch("two_hot_encode_kernel");
}

}  // namespace tdmpc2
