// Our CPU GEMM against OpenBLAS's cblas_sgemm in one process (tools/gemm-ab/openblas.sh): one
// thread, calls alternating ours/OpenBLAS with a 1 ms FMA-peak probe before each pair (pairs.h),
// as ab.cc compares two builds of ours. benchmarks/kernels.ts compares the two across processes,
// a few calls of each in turn; here the two calls of a pair are milliseconds apart, so the
// per-pair time ratio compares them even while this machine's speed drifts. Ours runs as the
// kernels benchmark calls it: gemm_nt/gemm_nn/gemm_tn with B packed inside the call. Prints each
// side's median share of the adjacent probe, the median per-pair speedup of ours (OpenBLAS time /
// ours: ≥ 1 means ours is at least as fast), its quartiles, and the largest difference between
// the two results.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "gemm.h"
#include "pairs.h"
#include "tdmpc2/cpu_info.h"
#include "thread_pool.h"

extern "C" char* openblas_get_corename(void);

int main(int argc, char** argv) {
  using namespace tdmpc2::cpu;
  if (argc < 5) {
    std::fprintf(stderr, "usage: openblas M K N nt|nn|tn [beta 0|1] [pairs 300]\n");
    return 2;
  }
  const int64_t M = std::atol(argv[1]), K = std::atol(argv[2]), N = std::atol(argv[3]);
  const bool nt = !std::strcmp(argv[4], "nt"), tn = !std::strcmp(argv[4], "tn");
  if (!nt && !tn && std::strcmp(argv[4], "nn")) {
    std::fprintf(stderr, "openblas: the form is nt, nn or tn, not %s\n", argv[4]);
    return 2;
  }
  const float beta = argc > 5 ? float(std::atof(argv[5])) : 0.f;
  const int pairs = argc > 6 ? std::atoi(argv[6]) : 300;
  if (M < 1 || K < 1 || N < 1 || pairs < 1) {
    std::fprintf(stderr, "openblas: M, K, N and pairs must be positive\n");
    return 2;
  }
  set_num_threads(1);
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  // A is [M,K] (nt, nn) or [K,M] (tn); B is [N,K] (nt) or [K,N].
  AlignedFloats A(M * K), B(N * K), C0(M * N, 0.f), C1(M * N, 0.f);
  for (float& x : A) x = u(gen);
  for (float& x : B) x = u(gen);
  const int64_t lda = tn ? M : K, ldb = nt ? K : N;
  using Clock = std::chrono::steady_clock;
  auto time = [&](bool ours) {
    const auto t0 = Clock::now();
    if (ours && nt) gemm_nt(M, N, K, A.data(), lda, B.data(), ldb, beta, C0.data(), N);
    else if (ours && tn) gemm_tn(M, N, K, A.data(), lda, B.data(), ldb, beta, C0.data(), N);
    else if (ours) gemm_nn(M, N, K, A.data(), lda, B.data(), ldb, beta, C0.data(), N);
    else
      cblas_sgemm(CblasRowMajor, tn ? CblasTrans : CblasNoTrans, nt ? CblasTrans : CblasNoTrans,
                  int(M), int(N), int(K), 1.f, A.data(), int(lda), B.data(), int(ldb), beta,
                  C1.data(), int(N));
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  for (int i = 0; i < 3; ++i) time(true), time(false);  // first calls allocate and warm up
  const double gflop = 2.0 * double(M) * double(N) * double(K) / 1e9;
  // Side a is OpenBLAS, side b ours: speedup_b is OpenBLAS's time over ours.
  const Pairs p = alternate_pairs(
      pairs, gflop, [] { return tdmpc2::cpu_fma_peak_gflops(0.001); }, time);
  // With beta = 1 both accumulated over the same number of calls; compare relative to the size.
  double diff = 0, size = 0;
  for (size_t i = 0; i < C0.size(); ++i) {
    diff = std::max(diff, double(std::fabs(C0[i] - C1[i])));
    size = std::max(size, double(std::fabs(C1[i])));
  }
  std::printf("%s %ldx%ldx%ld beta %g, OpenBLAS %s: of the FMA peak ours %.3f, OpenBLAS %.3f; "
              "ours/OpenBLAS speed %.3f (median of %d pairs; quartiles %.3f–%.3f); "
              "max |C_ours - C_openblas| %.3g of max |C| %.3g\n",
              argv[4], long(M), long(K), long(N), double(beta), openblas_get_corename(),
              quantile(p.share_b, 0.5), quantile(p.share_a, 0.5), quantile(p.speedup_b, 0.5), pairs,
              quantile(p.speedup_b, 0.25), quantile(p.speedup_b, 0.75), diff, size);
}
