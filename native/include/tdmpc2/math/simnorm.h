// SimNorm (simplicial normalisation of the latent): the row is cut into groups of V consecutive
// values and each group goes through a softmax (temperature 1). TD-MPC2 uses V = 8.
//
// Forward per group: m = max z, s_j = e^(z_j − m) / Σ_k e^(z_k − m) (max-subtracted: no overflow).
// Backward per group: ∂L/∂z_j = s_j·(∂L/∂s_j − Σ_k ∂L/∂s_k · s_k)  (the softmax Jacobian-vector
// product; needs only the output s).
#pragma once
#include <cstdint>
#include <cstring>

#include "common.h"
#include "exp.h"

namespace tdmpc2 {

#if !defined(__CUDACC__)
// Host fast path (g++ only: nvcc's front end need not parse __builtin_shuffle; the CUDA kernels
// take one group per thread anyway) for V = 8 (TD-MPC2's group size): eight groups at a time,
// transposed so that each SIMD lane holds one group and the group's j-th values form one vector.
// The max, the sum and the backward's dot product then run down the vectors in index order
// j = 0..7 — exactly the scalar order — and come back to the groups as a broadcast per group, so
// results are bit for bit those of simnorm_group/simnorm_group_backward, without eight-way scalar
// loops per group. GCC vector extensions: 8 floats are one ymm with AVX2/AVX-512 (the
// target_clones of the callers), two xmm on baseline x86-64.
namespace simnorm_v8 {
typedef float v8 __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

inline __attribute__((always_inline)) void load(const float* p, v8& v) { std::memcpy(&v, p, 32); }
inline __attribute__((always_inline)) void store(float* p, const v8& v) { std::memcpy(p, &v, 32); }

// r[i][j] → r[j][i] for an 8×8 block held in eight vectors.
inline __attribute__((always_inline)) void transpose(v8 r[8]) {
  const v8i lo = {0, 8, 1, 9, 4, 12, 5, 13}, hi = {2, 10, 3, 11, 6, 14, 7, 15};
  const v8i lo2 = {0, 1, 8, 9, 4, 5, 12, 13}, hi2 = {2, 3, 10, 11, 6, 7, 14, 15};
  const v8i lo4 = {0, 1, 2, 3, 8, 9, 10, 11}, hi4 = {4, 5, 6, 7, 12, 13, 14, 15};
  v8 a[8], b[8];
  for (int i = 0; i < 8; i += 2) {
    a[i] = __builtin_shuffle(r[i], r[i + 1], lo);
    a[i + 1] = __builtin_shuffle(r[i], r[i + 1], hi);
  }
  for (int g = 0; g < 8; g += 4) {
    b[g] = __builtin_shuffle(a[g], a[g + 2], lo2);
    b[g + 1] = __builtin_shuffle(a[g], a[g + 2], hi2);
    b[g + 2] = __builtin_shuffle(a[g + 1], a[g + 3], lo2);
    b[g + 3] = __builtin_shuffle(a[g + 1], a[g + 3], hi2);
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = __builtin_shuffle(b[c], b[c + 4], lo4);
    r[c + 4] = __builtin_shuffle(b[c], b[c + 4], hi4);
  }
}

// out = lane i of m in all eight lanes. By reference, not returned: a returned 32-byte vector has
// an ISA-dependent ABI (see layernorm.h).
inline __attribute__((always_inline)) void splat(const v8& m, int i, v8& out) {
  out = __builtin_shuffle(m, v8i{i, i, i, i, i, i, i, i});
}

// y[0..64) = eight groups: each value minus its group's maximum (simnorm_group_max's order).
inline __attribute__((always_inline)) void subtract_max_block(float* y) {
  v8 r[8], t[8];
  for (int i = 0; i < 8; ++i) load(y + 8 * i, r[i]);
  for (int i = 0; i < 8; ++i) t[i] = r[i];
  transpose(t);  // t[j]: value j of each group
  v8 m = t[0];
  for (int j = 1; j < 8; ++j) m = t[j] > m ? t[j] : m;
  for (int i = 0; i < 8; ++i) {
    v8 mi;
    splat(m, i, mi);
    store(y + 8 * i, r[i] - mi);
  }
}

// y[0..64) = eight groups of exponentials: each divided by its group's sum, summed in index order
// and applied as one reciprocal (simnorm_group_scale's operations).
inline __attribute__((always_inline)) void scale_block(float* y) {
  v8 r[8], t[8];
  for (int i = 0; i < 8; ++i) load(y + 8 * i, r[i]);
  for (int i = 0; i < 8; ++i) t[i] = r[i];
  transpose(t);
  v8 sum = {};
  for (int j = 0; j < 8; ++j) sum += t[j];
  const v8 inv = 1.f / sum;
  for (int i = 0; i < 8; ++i) {
    v8 invi;
    splat(inv, i, invi);
    store(y + 8 * i, r[i] * invi);
  }
}

// simnorm_group_backward on the eight groups of s, dy, dz [0..64): dz = s·(dy − Σ_j dy_j·s_j),
// the dot product in index order.
inline __attribute__((always_inline)) void backward_block(const float* s, const float* dy,
                                                          float* dz) {
  v8 rs[8], rd[8], ts[8], td[8];
  for (int i = 0; i < 8; ++i) {
    load(s + 8 * i, rs[i]);
    load(dy + 8 * i, rd[i]);
    ts[i] = rs[i];
    td[i] = rd[i];
  }
  transpose(ts);
  transpose(td);
  v8 dot = {};
  for (int j = 0; j < 8; ++j) dot += td[j] * ts[j];
  for (int i = 0; i < 8; ++i) {
    v8 doti;
    splat(dot, i, doti);
    store(dz + 8 * i, rs[i] * (rd[i] - doti));
  }
}
}  // namespace simnorm_v8
#endif

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
  for (int64_t j = 0; j < V; ++j) y[j] = exp_fast_below89(z[j] - m);  // ≤ 0
  simnorm_group_scale(y, V);
}

// In place over n values (n a multiple of V): the same operations as simnorm_group on each
// group, bit for bit, but the exp runs as one pass over the whole span, which vectorises (the
// CPU's row loops use this; a CUDA thread takes one group).
TDMPC2_HD void simnorm_span(float* y, int64_t n, int64_t V) {
#if !defined(__CUDACC__)
  if (V == 8) {  // three passes as below, the per-group max and sum eight groups at a time
    const int64_t blocks = n / 64 * 64;
    for (int64_t b = 0; b < blocks; b += 64) simnorm_v8::subtract_max_block(y + b);
    for (int64_t g = blocks; g < n; g += 8) {
      const float m = simnorm_group_max(y + g, 8);
      for (int64_t j = g; j < g + 8; ++j) y[j] -= m;
    }
    for (int64_t i = 0; i < n; ++i) y[i] = exp_fast_below89(y[i]);  // ≤ 0
    for (int64_t b = 0; b < blocks; b += 64) simnorm_v8::scale_block(y + b);
    for (int64_t g = blocks; g < n; g += 8) simnorm_group_scale(y + g, 8);
    return;
  }
#endif
  for (int64_t g = 0; g < n; g += V) {
    const float m = simnorm_group_max(y + g, V);
    for (int64_t j = g; j < g + V; ++j) y[j] -= m;
  }
  for (int64_t i = 0; i < n; ++i) y[i] = exp_fast_below89(y[i]);  // ≤ 0
  for (int64_t g = 0; g < n; g += V) simnorm_group_scale(y + g, V);
}

// One group: dz = s ⊙ (dy − Σ dy ⊙ s). dz may be s or dy (each j is read before it is written).
TDMPC2_HD void simnorm_group_backward(const float* s, const float* dy, float* dz, int64_t V) {
  float dot = 0.f;
  for (int64_t j = 0; j < V; ++j) dot += dy[j] * s[j];
  for (int64_t j = 0; j < V; ++j) dz[j] = s[j] * (dy[j] - dot);
}

// simnorm_group_backward over n values (n a multiple of V), bit for bit; the host runs eight
// groups of V = 8 at a time. dz may be s or dy.
TDMPC2_HD void simnorm_span_backward(const float* s, const float* dy, float* dz, int64_t n,
                                     int64_t V) {
  int64_t g = 0;
#if !defined(__CUDACC__)
  if (V == 8)
    for (; g + 64 <= n; g += 64) simnorm_v8::backward_block(s + g, dy + g, dz + g);
#endif
  for (; g < n; g += V) simnorm_group_backward(s + g, dy + g, dz + g, V);
}

}  // namespace tdmpc2
