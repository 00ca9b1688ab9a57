// Optimisation kernels over one flat float32 buffer of n elements (a parameter group). The
// TypeScript optimiser loops over groups; nothing here keeps state between calls.
//
//   adam_step:   for each i, adam_update(param[i], m[i], v[i], grad[i], s) (math/adam.h): one step
//                of PyTorch's torch.optim.Adam with the scalars of step t from adam_scalars().
//                param, m, v are updated in place; grad is read only (the gradScale in s is applied
//                to a copy, the gradient buffer keeps its unscaled values), or, with zero_grad,
//                set to 0 once read: the optimiser's zero_grad fused into the step's pass over
//                the buffers (a separate fill is one more pass over every gradient).
//   sum_squares: Σ x[i]², accumulated in double (the squared global gradient norm is the sum of
//                these over the groups). Deterministic for a given n and backend.
//   scale:       x[i] ← x[i]·s (float32 multiply), in place.
//   polyak:      target[i] ← target[i] + τ·(online[i] − target[i]) with torch's lerp rounding.
//
// All pointers on one device; n ≥ 0. param, grad, m, v must not overlap each other, nor target
// and online (the binding checks).
#pragma once
#include <cstdint>

#include "math/adam.h"

namespace tdmpc2 {

void adam_step_cpu(float* param, float* grad, float* m, float* v, int64_t n, const AdamScalars& s,
                   bool zero_grad);
double sum_squares_cpu(const float* x, int64_t n);
void scale_cpu(float* x, int64_t n, float s);
void polyak_cpu(float* target, const float* online, int64_t n, float tau);

#ifdef TDMPC2_WITH_CUDA
// On the current device (the binding calls cuda_set_device first). sum_squares_cuda waits for the
// result and returns it to the host.
void adam_step_cuda(float* param, float* grad, float* m, float* v, int64_t n,
                    const AdamScalars& s, bool zero_grad);
double sum_squares_cuda(const float* x, int64_t n);
void scale_cuda(float* x, int64_t n, float s);
void polyak_cuda(float* target, const float* online, int64_t n, float tau);
#endif

}  // namespace tdmpc2
