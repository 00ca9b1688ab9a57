// The policy prior's sampling head (SPEC §6, HEAD world_model.py `pi`): from the π-net output
// raw[N, 2A] (μ in the first A columns, the raw log-std in the last A) and the standard-normal
// noise eps[N, A] (drawn by the caller from Philox, or injected by tests and fixtures) to the
// squashed action and the log-prob/entropy terms; and the backward of the reparameterised sample.
// The per-row formulas are in math/policy.h.
//
//   policy_forward:  action[N,A] = tanh(μ + e·exp(logσ)), mean[N,A] = tanh μ, log_std[N,A] = logσ,
//                    lp_gauss[N], log_prob[N] (entropy = −log_prob), scaled_entropy[N].
//                    Everything but action may be null (skipped). All outputs overwritten.
//   policy_backward: d_raw[N,2A] (overwritten) = dL/draw given d_action[N,A] = dL/da and
//                    d_scaled_entropy[N] = dL/d(scaled_entropy); either may be null (= 0).
//
// mask: null, or 1/0 action-dim masks with row stride mask_stride (0: one mask [A] for every row,
// A: a mask per row [N,A], for multitask batches mixing tasks). log_std_min ≤ log_std_max.
// All pointers on one device; outputs must not alias inputs or each other (binding-checked).
#pragma once
#include <cstdint>

namespace tdmpc2 {

struct PolicyRange {
  float log_std_min, log_std_max;
};

void policy_forward_cpu(const float* raw, const float* eps, const float* mask, int64_t mask_stride,
                        float* action, float* mean, float* log_std, float* lp_gauss,
                        float* log_prob, float* scaled_entropy, int64_t N, int64_t A,
                        PolicyRange range);
void policy_backward_cpu(const float* raw, const float* eps, const float* mask,
                         int64_t mask_stride, const float* d_action,
                         const float* d_scaled_entropy, float* d_raw, int64_t N, int64_t A,
                         PolicyRange range);

#ifdef TDMPC2_WITH_CUDA
void policy_forward_cuda(const float* raw, const float* eps, const float* mask,
                         int64_t mask_stride, float* action, float* mean, float* log_std,
                         float* lp_gauss, float* log_prob, float* scaled_entropy, int64_t N,
                         int64_t A, PolicyRange range);
void policy_backward_cuda(const float* raw, const float* eps, const float* mask,
                          int64_t mask_stride, const float* d_action,
                          const float* d_scaled_entropy, float* d_raw, int64_t N, int64_t A,
                          PolicyRange range);
#endif

}  // namespace tdmpc2
