// SimNorm on the CPU (tdmpc2/simnorm.h): each group of V values through math/simnorm.h.
#include "tdmpc2/simnorm.h"

#include "tdmpc2/math.h"

namespace tdmpc2 {

void simnorm_forward_cpu(const float* X, float* Y, int64_t rows, int64_t L, int64_t V) {
  const int64_t total = rows * L;
  for (int64_t g = 0; g < total; g += V) simnorm_group(X + g, Y + g, V);
}

void simnorm_backward_cpu(const float* Y, const float* dY, float* dX, int64_t rows, int64_t L,
                          int64_t V) {
  const int64_t total = rows * L;
  for (int64_t g = 0; g < total; g += V) simnorm_group_backward(Y + g, dY + g, dX + g, V);
}

}  // namespace tdmpc2
