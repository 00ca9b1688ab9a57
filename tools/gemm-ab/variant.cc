// One side of the GEMM A/B comparison (tools/gemm-ab/run.sh): compiled once per side with
// -Dtdmpc2=<namespace> -DSIDE=<name>, next to that side's copy of native/cpu, so that both copies
// of the GEMM live in one process under different namespaces.
#include "gemm.h"
#include "thread_pool.h"

#define TDMPC2_AB_CAT2(a, b) a##b
#define TDMPC2_AB_CAT(a, b) TDMPC2_AB_CAT2(a, b)

using namespace tdmpc2::cpu;

namespace {

// PackedB::pack for the family of `form`: where the GEMM has per-form tile families (PackedB::a()
// exists), dYᵀ·X packs for the transposed-A one; an older GEMM has one family and five arguments.
template <class P>
auto pack_for(P& p, int64_t K, int64_t N, const float* B, int form, int)
    -> decltype(p.a(), void()) {
  using A = decltype(p.a());
  p.pack(K, N, B, form == 0 ? K : N, form == 0, form == 2 ? A::kTransposed : A::kRows);
}
template <class P>
void pack_for(P& p, int64_t K, int64_t N, const float* B, int form, long) {
  p.pack(K, N, B, form == 0 ? K : N, form == 0);
}

}  // namespace

// form 0: X·Wᵀ (B = W[N,K] packed transposed); 1: dY·W (B[K,N]); 2: dYᵀ·X (B[K,N], A[K,M]ᵀ).
// Also sets this side's thread pool to one thread (each side has its own pool): the comparison is
// of one core.
extern "C" void* TDMPC2_AB_CAT(SIDE, _pack)(int64_t K, int64_t N, const float* B,
                                            int form) {
  set_num_threads(1);
  auto* packed = new PackedB();
  pack_for(*packed, K, N, B, form, 0);
  return packed;
}

extern "C" void TDMPC2_AB_CAT(SIDE, _gemm)(const void* packed, int64_t M, const float* A,
                                           int64_t lda, int form, float beta, float* C,
                                           int64_t ldc) {
  gemm_packed(M, A, lda, form == 2, *static_cast<const PackedB*>(packed), beta, C, ldc);
}

// dYᵀ·X through gemm_tn: B[K,N] packed (or not) inside the call, as the dense backward runs it.
extern "C" void TDMPC2_AB_CAT(SIDE, _gemm_tn)(int64_t M, int64_t N, int64_t K, const float* A,
                                              const float* B, float beta, float* C) {
  gemm_tn(M, N, K, A, M, B, N, beta, C, N);
}
