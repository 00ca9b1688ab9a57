// linear forward/backward on the CPU: three GEMMs plus the bias (see linear.h for semantics); the
// forward adds the bias to each row panel as soon as the GEMM has finished it (still in cache).
#include "tdmpc2/linear.h"

#include "gemm.h"
#include "isa_clones.h"

namespace tdmpc2 {
namespace {

struct BiasRows {
  const float* b;
  float* Y;
  int64_t N;
  TDMPC2_ISA_CLONES static void run(void* ctx, int64_t row0, int64_t rows) {
    const BiasRows& r = *static_cast<const BiasRows*>(ctx);
    for (int64_t m = row0; m < row0 + rows; ++m) {
      float* y = r.Y + m * r.N;
      for (int64_t n = 0; n < r.N; ++n) y[n] += r.b[n];
    }
  }
};

}  // namespace

void linear_forward_cpu(const float* X, const float* W, const float* b, float* Y, int64_t M,
                        int64_t K, int64_t N) {
  BiasRows bias{b, Y, N};
  const cpu::RowEpilogue epilogue{BiasRows::run, &bias};
  cpu::gemm_nt(M, N, K, X, K, W, K, 0.f, Y, N, b != nullptr ? &epilogue : nullptr);
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
