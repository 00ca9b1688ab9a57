// CPU GEMM: packed panels and a 6×16 register-tile micro-kernel (the Goto/BLIS structure).
//
// The micro-kernel is written with GCC vector extensions, so the same source compiles to
// AVX-512, AVX2+FMA or SSE2; the driver is built three times with target_clones and the dynamic
// loader picks the widest clone this CPU runs (the binary itself stays baseline x86-64).
// Every GEMM form packs its operands into the same layouts, so one micro-kernel serves NT, NN
// and TN:  Ap = MR rows of op(A) interleaved along K,  Bp = NR columns of op(B) along K.
#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace tdmpc2::cpu {
namespace {

constexpr int64_t MR = 6;    // rows of C per micro-tile
constexpr int64_t NR = 16;   // columns of C per micro-tile (one zmm, two ymm)
constexpr int64_t KC = 256;  // depth of a packed block: Ap block (MC×KC) in L2, Bp panel in L1
constexpr int64_t MC = 120;  // rows per packed A block (multiple of MR)
constexpr int64_t NC = 512;  // columns per packed B block (multiple of NR)

typedef float v16 __attribute__((vector_size(64)));

enum class Form { NT, NN, TN };

// op(A)[i,k] and op(B)[k,j] for each form.
struct Operands {
  Form form;
  const float* A;
  int64_t lda;
  const float* B;
  int64_t ldb;
  float a(int64_t i, int64_t k) const { return form == Form::TN ? A[k * lda + i] : A[i * lda + k]; }
  float b(int64_t k, int64_t j) const { return form == Form::NT ? B[j * ldb + k] : B[k * ldb + j]; }
};

// Pack rows [i0, i0+mc) × depth [k0, k0+kc) of op(A) as ceil(mc/MR) panels of [kc][MR],
// zero-padding the last panel so the micro-kernel never branches on M.
inline void pack_a(const Operands& op, int64_t i0, int64_t mc, int64_t k0, int64_t kc, float* Ap) {
  for (int64_t ip = 0; ip < mc; ip += MR) {
    const int64_t rows = std::min(MR, mc - ip);
    float* panel = Ap + ip * kc;
    for (int64_t k = 0; k < kc; ++k) {
      int64_t r = 0;
      for (; r < rows; ++r) panel[k * MR + r] = op.a(i0 + ip + r, k0 + k);
      for (; r < MR; ++r) panel[k * MR + r] = 0.f;
    }
  }
}

// Pack depth [k0, k0+kc) × columns [j0, j0+nc) of op(B) as ceil(nc/NR) panels of [kc][NR].
inline void pack_b(const Operands& op, int64_t k0, int64_t kc, int64_t j0, int64_t nc, float* Bp) {
  for (int64_t jp = 0; jp < nc; jp += NR) {
    const int64_t cols = std::min(NR, nc - jp);
    float* panel = Bp + jp * kc;
    if (op.form != Form::NT && cols == NR) {
      for (int64_t k = 0; k < kc; ++k)
        std::memcpy(panel + k * NR, op.B + (k0 + k) * op.ldb + j0 + jp, NR * sizeof(float));
      continue;
    }
    for (int64_t k = 0; k < kc; ++k) {
      int64_t c = 0;
      for (; c < cols; ++c) panel[k * NR + c] = op.b(k0 + k, j0 + jp + c);
      for (; c < NR; ++c) panel[k * NR + c] = 0.f;
    }
  }
}

// acc[MR][NR] = Ap[kc][MR] · Bp[kc][NR]; then C (rows × cols valid) = beta·C + acc.
__attribute__((always_inline)) inline void micro_kernel(int64_t kc, const float* Ap,
                                                        const float* Bp, float beta, float* C,
                                                        int64_t ldc, int64_t rows, int64_t cols) {
  v16 c0 = {}, c1 = {}, c2 = {}, c3 = {}, c4 = {}, c5 = {};
  for (int64_t k = 0; k < kc; ++k) {
    v16 b;
    std::memcpy(&b, Bp + k * NR, sizeof(b));
    const float* a = Ap + k * MR;
    c0 += a[0] * b;
    c1 += a[1] * b;
    c2 += a[2] * b;
    c3 += a[3] * b;
    c4 += a[4] * b;
    c5 += a[5] * b;
  }
  const v16 acc[MR] = {c0, c1, c2, c3, c4, c5};
  if (rows == MR && cols == NR) {
    for (int64_t r = 0; r < MR; ++r) {
      v16 out = acc[r];
      if (beta != 0.f) {
        v16 old;
        std::memcpy(&old, C + r * ldc, sizeof(old));
        out += old;
      }
      std::memcpy(C + r * ldc, &out, sizeof(out));
    }
    return;
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      C[r * ldc + c] = (beta != 0.f ? C[r * ldc + c] : 0.f) + acc[r][c];
}

__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"))) void gemm_driver(
    const Operands& op, int64_t M, int64_t N, int64_t K, float beta, float* C, int64_t ldc) {
  // Packing buffers are per thread and grow once: the hot path allocates nothing after warm-up.
  thread_local std::vector<float> a_buf, b_buf;
  const size_t a_need = size_t(MC) * KC, b_need = size_t(NC) * KC;
  if (a_buf.size() < a_need) a_buf.resize(a_need);
  if (b_buf.size() < b_need) b_buf.resize(b_need);
  float* Ap = a_buf.data();
  float* Bp = b_buf.data();

  for (int64_t j0 = 0; j0 < N; j0 += NC) {
    const int64_t nc = std::min(NC, N - j0);
    for (int64_t k0 = 0; k0 < K; k0 += KC) {
      const int64_t kc = std::min(KC, K - k0);
      const float b_eff = k0 == 0 ? beta : 1.f;  // later depth blocks accumulate
      pack_b(op, k0, kc, j0, nc, Bp);
      for (int64_t i0 = 0; i0 < M; i0 += MC) {
        const int64_t mc = std::min(MC, M - i0);
        pack_a(op, i0, mc, k0, kc, Ap);
        for (int64_t jp = 0; jp < nc; jp += NR) {
          for (int64_t ip = 0; ip < mc; ip += MR) {
            micro_kernel(kc, Ap + ip * kc, Bp + jp * kc, b_eff, C + (i0 + ip) * ldc + j0 + jp,
                         ldc, std::min(MR, mc - ip), std::min(NR, nc - jp));
          }
        }
      }
    }
  }
}

void gemm(Form form, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
          const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty product: C = beta·C
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta != 0.f ? C[i * ldc + j] : 0.f;
    return;
  }
  gemm_driver(Operands{form, A, lda, B, ldb}, M, N, K, beta, C, ldc);
}

}  // namespace

void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm(Form::NT, M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm(Form::NN, M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm(Form::TN, M, N, K, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace tdmpc2::cpu
