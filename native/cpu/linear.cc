// linear forward/backward on the CPU: three GEMMs plus the bias (see linear.h for semantics).
#include "tdmpc2/linear.h"

#include "gemm.h"

namespace tdmpc2 {

void linear_forward_cpu(const float* X, const float* W, const float* b, float* Y, int64_t M,
                        int64_t K, int64_t N) {
  cpu::gemm_nt(M, N, K, X, K, W, K, 0.f, Y, N);
  if (b == nullptr) return;
  for (int64_t m = 0; m < M; ++m) {
    float* y = Y + m * N;
    for (int64_t n = 0; n < N; ++n) y[n] += b[n];
  }
}

void linear_backward_cpu(const float* X, const float* W, const float* dY, float* dX, float* dW,
                         float* db, int64_t M, int64_t K, int64_t N) {
  if (dX != nullptr) cpu::gemm_nn(M, K, N, dY, N, W, K, 0.f, dX, K);
  if (dW != nullptr) cpu::gemm_tn(N, K, M, dY, N, X, K, 1.f, dW, K);
  if (db != nullptr) {
    for (int64_t m = 0; m < M; ++m) {
      const float* g = dY + m * N;
      for (int64_t n = 0; n < N; ++n) db[n] += g[n];
    }
  }
}

}  // namespace tdmpc2
