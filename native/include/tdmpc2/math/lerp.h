// Linear interpolation with PyTorch's `lerp` semantics (ATen Lerp.h and the CPU vector kernel):
//   |w| < 0.5:  a + w·(b − a)          as fma(w, b − a, a)
//   otherwise:  b − (1 − w)·(b − a)    as fma(w − 1, b − a, b)
// The two branches keep the result exact at both ends (w = 0 gives a, w = 1 gives b). Torch's
// CPU kernel uses these fused forms, and nvcc contracts its CUDA kernel to the same FMAs, so
// writing the fma explicitly reproduces both. Used by Adam's first moment (exp_avg.lerp_) and the
// Polyak target update (torch._foreach_lerp_).
#pragma once
#include <cmath>

#include "common.h"

namespace tdmpc2 {

TDMPC2_HD float torch_lerp(float a, float b, float w) {
  const float d = b - a;
  return fabsf(w) < 0.5f ? fmaf(w, d, a) : fmaf(w - 1.0f, d, b);
}

}  // namespace tdmpc2
