// Small data-movement and loss kernels the autograd needs around the big layers.
//
//   copy_cols:  dst[m, dst_col + j] (+)= src[m, src_col + j] for m < M, j < cols.
//               Row strides dst_ld / src_ld (elements). `accumulate` adds instead of overwriting.
//               Concatenation ([z, a]) is two copies; its backward is two copies the other way.
//   axpy:       y[i] += alpha · x[i]
//   mse:        returns Σ_i (pred[i] − target[i])² (accumulated in double) and, when grad is not
//               null, writes grad[i] = scale · 2 · (pred[i] − target[i]) (overwritten).
//               With scale = w / n this is the gradient of w · mean((pred − target)²).
#pragma once
#include <cstdint>

namespace tdmpc2 {

void copy_cols_cpu(int64_t M, int64_t cols, const float* src, int64_t src_ld, int64_t src_col,
                   float* dst, int64_t dst_ld, int64_t dst_col, bool accumulate);
void axpy_cpu(int64_t n, float alpha, const float* x, float* y);
double mse_cpu(int64_t n, const float* pred, const float* target, float* grad, float scale);

#ifdef TDMPC2_WITH_CUDA
void copy_cols_cuda(int64_t M, int64_t cols, const float* src, int64_t src_ld, int64_t src_col,
                    float* dst, int64_t dst_ld, int64_t dst_col, bool accumulate);
void axpy_cuda(int64_t n, float alpha, const float* x, float* y);
double mse_cuda(int64_t n, const float* pred, const float* target, float* grad, float scale);
#endif

}  // namespace tdmpc2
