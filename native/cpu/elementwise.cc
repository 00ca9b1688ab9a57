#include "tdmpc2/elementwise.h"

#include <cstring>

namespace tdmpc2 {

void copy_cols_cpu(int64_t M, int64_t cols, const float* src, int64_t src_ld, int64_t src_col,
                   float* dst, int64_t dst_ld, int64_t dst_col, bool accumulate) {
  for (int64_t m = 0; m < M; ++m) {
    const float* s = src + m * src_ld + src_col;
    float* d = dst + m * dst_ld + dst_col;
    if (accumulate) {
      for (int64_t j = 0; j < cols; ++j) d[j] += s[j];
    } else {
      std::memcpy(d, s, size_t(cols) * sizeof(float));
    }
  }
}

void axpy_cpu(int64_t n, float alpha, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

double mse_cpu(int64_t n, const float* pred, const float* target, float* grad, float scale) {
  // Eight independent partial sums: vectorisable without reassociation flags, and more accurate.
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) {
      const double d = double(pred[i + k]) - double(target[i + k]);
      part[k] += d * d;
    }
  for (; i < n; ++i) {
    const double d = double(pred[i]) - double(target[i]);
    part[0] += d * d;
  }
  if (grad != nullptr)
    for (int64_t j = 0; j < n; ++j) grad[j] = scale * 2.f * (pred[j] - target[j]);
  double s = 0;
  for (double p : part) s += p;
  return s;
}

}  // namespace tdmpc2
