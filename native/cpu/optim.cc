// Optimisation kernels on the CPU: Adam, sum of squares, scale, Polyak (see tdmpc2/optim.h).
//
// The element loops are built three times with target_clones (baseline, AVX2+FMA, AVX-512) like
// the GEMM, so fmaf is one instruction where the CPU has it and the loops vectorise; every clone
// computes the same IEEE operations, so results do not depend on the clone. (The build passes
// -fno-math-errno: without it GCC keeps the loop scalar because sqrtf might set errno.)
#include "tdmpc2/optim.h"

#include <cstring>

#include "isa_clones.h"
#include "tdmpc2/math.h"

namespace tdmpc2 {
namespace {

typedef float v8f __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));

}  // namespace

TDMPC2_ISA_CLONES void adam_step_cpu(float* __restrict param, float* __restrict grad,
                                     float* __restrict m, float* __restrict v, int64_t n,
                                     const AdamScalars& s_, bool zero_grad) {
  const AdamScalars s = s_;  // a local copy: the compiler need not reload it after each store
  if (zero_grad)
    for (int64_t i = 0; i < n; ++i) {
      adam_update(param[i], m[i], v[i], grad[i], s);
      grad[i] = 0.f;
    }
  else
    for (int64_t i = 0; i < n; ++i) adam_update(param[i], m[i], v[i], grad[i], s);
}

// Sixteen double partial sums in two 8-lane vectors, combined in a fixed order at the end: the
// loop vectorises without -ffast-math, and since a float's square is exact in double, a fused or
// separate multiply-add gives the same sums in every clone.
TDMPC2_ISA_CLONES double sum_squares_cpu(const float* x, int64_t n) {
  v8d acc0 = {}, acc1 = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v8f a, b;
    std::memcpy(&a, x + i, sizeof(a));
    std::memcpy(&b, x + i + 8, sizeof(b));
    const v8d da = __builtin_convertvector(a, v8d);
    const v8d db = __builtin_convertvector(b, v8d);
    acc0 += da * da;
    acc1 += db * db;
  }
  double tail = 0.0;
  for (; i < n; ++i) tail += double(x[i]) * double(x[i]);
  const v8d acc = acc0 + acc1;
  double s = 0.0;
  for (int l = 0; l < 8; ++l) s += acc[l];
  return s + tail;
}

TDMPC2_ISA_CLONES void scale_cpu(float* x, int64_t n, float s) {
  for (int64_t i = 0; i < n; ++i) x[i] *= s;
}

TDMPC2_ISA_CLONES void polyak_cpu(float* __restrict target, const float* __restrict online,
                                  int64_t n, float tau) {
  for (int64_t i = 0; i < n; ++i) target[i] = polyak_update(target[i], online[i], tau);
}

}  // namespace tdmpc2
