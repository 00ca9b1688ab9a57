// The two-hot discrete-regression critic (SPEC §5, §7, §9): the soft cross-entropy the reward and
// Q heads are trained with, the decode of logits to a scalar (two_hot_inv) and its backward, and
// the encode of scalars to two-hot distributions.
//
// Bins: TwoHotBins {K, vmin, vmax} (math/two_hot.h). Logits have C = max(K, 1) columns: K ≥ 2
// bins, or one column in the degenerate configs (K = 0: identity, K = 1: symlog).
//
//   soft_ce_forward:  loss[R]      = −Σ_k two_hot(target_r)_k · log_softmax(logits_r)_k
//                     dlogits[R,C] = grad_scale · (softmax(logits_r)·Σ_k t_k − two_hot(target_r))
//                     (overwritten; null to skip). The gradient of Σ_r grad_scale·loss_r: the
//                     caller folds its loss weights (ρ^t/(H·B), coefficients) into grad_scale.
//                     Max-subtracted log-sum-exp; 0·log 0 = 0 for zero-weight bins. A NaN
//                     target gives a NaN loss and an all-NaN dlogits row. For K ≤ 1 the loss is
//                     −t·log_softmax of one column, i.e. 0 with gradient 0, as in HEAD.
//   two_hot_inv_forward:  value[R] = symexp(Σ_k softmax(logits_r)_k · c_k), c = linspace(vmin,
//                     vmax, K); K = 0: value = logit, K = 1: value = symexp(logit).
//   two_hot_inv_backward: dlogits[R,C] (overwritten) = dvalue_r · ∂value_r/∂logits_r
//                     = dvalue_r · e^|s_r| · softmax_k · (c_k − s_r),  s_r = Σ_k softmax_k c_k.
//   two_hot_encode:   out[R,C] = two_hot(x_r) (K = 0: x, K = 1: symlog x).
//
// All pointers are on one device; outputs must not alias inputs (binding-checked). R ≥ 1.
#pragma once
#include <cstdint>

#include "tdmpc2/math/two_hot.h"

namespace tdmpc2 {

void soft_ce_forward_cpu(const float* logits, const float* target, float* loss, float* dlogits,
                         float grad_scale, int64_t R, TwoHotBins bins);
void two_hot_inv_forward_cpu(const float* logits, float* value, int64_t R, TwoHotBins bins);
void two_hot_inv_backward_cpu(const float* logits, const float* dvalue, float* dlogits, int64_t R,
                              TwoHotBins bins);
void two_hot_encode_cpu(const float* x, float* out, int64_t R, TwoHotBins bins);

#ifdef TDMPC2_WITH_CUDA
void soft_ce_forward_cuda(const float* logits, const float* target, float* loss, float* dlogits,
                          float grad_scale, int64_t R, TwoHotBins bins);
void two_hot_inv_forward_cuda(const float* logits, float* value, int64_t R, TwoHotBins bins);
void two_hot_inv_backward_cuda(const float* logits, const float* dvalue, float* dlogits, int64_t R,
                               TwoHotBins bins);
void two_hot_encode_cuda(const float* x, float* out, int64_t R, TwoHotBins bins);
#endif

}  // namespace tdmpc2
