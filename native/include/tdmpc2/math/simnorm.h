// SimNorm (simplicial normalisation of the latent): the row is cut into groups of V consecutive
// values and each group goes through a softmax (temperature 1). TD-MPC2 uses V = 8.
//
// Forward per group: m = max z, s_j = e^(z_j − m) / Σ_k e^(z_k − m) (max-subtracted: no overflow).
// Backward per group: ∂L/∂z_j = s_j·(∂L/∂s_j − Σ_k ∂L/∂s_k · s_k)  (the softmax Jacobian-vector
// product; needs only the output s).
#pragma once
#include <cstdint>

#include "common.h"
#include "exp.h"

namespace tdmpc2 {

TDMPC2_HD float simnorm_group_max(const float* z, int64_t V) {
  float m = z[0];
  for (int64_t j = 1; j < V; ++j) m = z[j] > m ? z[j] : m;
  return m;
}

// e ← e / Σ e over one group (the sum in index order).
TDMPC2_HD void simnorm_group_scale(float* e, int64_t V) {
  float sum = 0.f;
  for (int64_t j = 0; j < V; ++j) sum += e[j];
  const float inv = 1.f / sum;
  for (int64_t j = 0; j < V; ++j) e[j] *= inv;
}

// One group of V values: y = softmax(z). y may be z (in place).
TDMPC2_HD void simnorm_group(const float* z, float* y, int64_t V) {
  const float m = simnorm_group_max(z, V);
  for (int64_t j = 0; j < V; ++j) y[j] = exp_fast(z[j] - m);
  simnorm_group_scale(y, V);
}

// In place over n values (n a multiple of V): the same operations as simnorm_group on each
// group, bit for bit, but the exp runs as one pass over the whole span, which vectorises (the
// CPU's row loops use this; a CUDA thread takes one group).
TDMPC2_HD void simnorm_span(float* y, int64_t n, int64_t V) {
  for (int64_t g = 0; g < n; g += V) {
    const float m = simnorm_group_max(y + g, V);
    for (int64_t j = g; j < g + V; ++j) y[j] -= m;
  }
  for (int64_t i = 0; i < n; ++i) y[i] = exp_fast(y[i]);
  for (int64_t g = 0; g < n; g += V) simnorm_group_scale(y + g, V);
}

// One group: dz = s ⊙ (dy − Σ dy ⊙ s). dz may be s or dy (each j is read before it is written).
TDMPC2_HD void simnorm_group_backward(const float* s, const float* dy, float* dz, int64_t V) {
  float dot = 0.f;
  for (int64_t j = 0; j < V; ++j) dot += dy[j] * s[j];
  for (int64_t j = 0; j < V; ++j) dz[j] = s[j] * (dy[j] - dot);
}

}  // namespace tdmpc2
