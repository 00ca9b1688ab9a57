// One Adam update of one element, as PyTorch's non-fused `torch.optim.Adam` computes it
// (`_single_tensor_adam`, amsgrad off, no weight decay, not capturable). Per step t ≥ 1, in torch:
//
//   exp_avg.lerp_(grad, 1 − β1)                        m ← m + (1 − β1)·(g − m)   (lerp, see lerp.h)
//   exp_avg_sq.mul_(β2).addcmul_(grad, grad, 1 − β2)   v ← (v·β2) + ((1 − β2)·g)·g
//   bias_correction1 = 1 − β1^t,  bias_correction2 = 1 − β2^t        (Python floats: double)
//   step_size = lr / bias_correction1;  bc2_sqrt = sqrt(bias_correction2)
//   denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)   d ← sqrt(v) / bc2_sqrt + eps
//   param.addcdiv_(exp_avg, denom, value=−step_size)   p ← p + (−step_size)·(m / d)
//
// Older torch releases wrote the first moment as m·β1 + (1 − β1)·g (one ulp from the lerp); recent
// ones write bias_correction2 ** 0.5 (the same double). tdmpc2 HEAD passes capturable=True, which
// folds step_size into denom: the same quantities, rounded differently (SPEC §9.4).
// The scalars are computed on the host in double and handed to the kernels as float32, as ATen
// converts a Python scalar to the tensor's opmath type. Where torch's kernels contract a
// multiply-add into an FMA (the CUDA addcmul/addcdiv, the lerp) so do we, explicitly, so that
// every backend rounds the same way; matching torch to ~1 ulp per step (its CPU addcdiv groups
// (value·m)/d instead of value·(m/d)).
//
// gradScale multiplies g before anything else: it is the global-norm clip coefficient of
// clip_grad_norm_ (which torch applies to the gradients in place before the step), fused here so
// the gradients are read once; 1 leaves g unchanged.
#pragma once
#include <cmath>
#include <cstdint>

#include "common.h"
#include "lerp.h"

namespace tdmpc2 {

struct AdamScalars {
  float grad_scale;       // multiplies g first (clip coefficient; 1 = none)
  float one_minus_beta1;  // lerp weight of the first moment
  float beta2;
  float one_minus_beta2;
  float bc2_sqrt;         // sqrt(1 − β2^t)
  float eps;
  float neg_step_size;    // −lr / (1 − β1^t)
};

// The per-step scalars, computed in double as Python does, then rounded to float32.
inline AdamScalars adam_scalars(double lr, double beta1, double beta2, double eps, int64_t step,
                                double grad_scale) {
  const double bc1 = 1.0 - std::pow(beta1, double(step));
  const double bc2 = 1.0 - std::pow(beta2, double(step));
  AdamScalars s;
  s.grad_scale = float(grad_scale);
  s.one_minus_beta1 = float(1.0 - beta1);
  s.beta2 = float(beta2);
  s.one_minus_beta2 = float(1.0 - beta2);
  s.bc2_sqrt = float(std::sqrt(bc2));
  s.eps = float(eps);
  s.neg_step_size = float(-(lr / bc1));
  return s;
}

// Updates p, m, v in place from gradient g.
TDMPC2_HD void adam_update(float& p, float& m, float& v, float g, const AdamScalars& s) {
  g = g * s.grad_scale;
  m = torch_lerp(m, g, s.one_minus_beta1);
  v = fmaf(s.one_minus_beta2 * g, g, v * s.beta2);
  const float denom = sqrtf(v) / s.bc2_sqrt + s.eps;
  p = fmaf(s.neg_step_size, m / denom, p);
}

// Polyak averaging of one element: target ← target + τ·(online − target) (torch lerp_).
TDMPC2_HD float polyak_update(float target, float online, float tau) {
  return torch_lerp(target, online, tau);
}

}  // namespace tdmpc2
