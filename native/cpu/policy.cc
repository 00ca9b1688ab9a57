// The policy prior's sampling head on the CPU (semantics in policy.h): the per-row math of
// math/policy.h over a loop of rows.
#include "tdmpc2/policy.h"

#include "tdmpc2/math/policy.h"

namespace tdmpc2 {

void policy_forward_cpu(const float* raw, const float* eps, const float* mask, int64_t mask_stride,
                        float* action, float* mean, float* log_std, float* lp_gauss,
                        float* log_prob, float* scaled_entropy, int64_t N, int64_t A,
                        PolicyRange range) {
  for (int64_t n = 0; n < N; ++n) {
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

void policy_backward_cpu(const float* raw, const float* eps, const float* mask,
                         int64_t mask_stride, const float* d_action,
                         const float* d_scaled_entropy, float* d_raw, int64_t N, int64_t A,
                         PolicyRange range) {
  for (int64_t n = 0; n < N; ++n) {
    const int64_t o = n * A;
    policy_row_backward(raw + 2 * o, eps + o, mask != nullptr ? mask + n * mask_stride : nullptr,
                        A, range.log_std_min, range.log_std_max,
                        d_action != nullptr ? d_action + o : nullptr,
                        d_scaled_entropy != nullptr ? d_scaled_entropy[n] : 0.f, d_raw + 2 * o);
  }
}

}  // namespace tdmpc2
