// The GEMM A/B comparison (tools/gemm-ab/run.sh): both builds in one process, one thread, calls
// alternating base/variant with a 1 ms FMA-peak probe before each pair (pairs.h). Prints each
// side's median share of the adjacent probe, the median per-pair speedup of the variant and the
// largest difference between the two results (0 when the change keeps bits).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "pairs.h"

namespace tdbase {
double cpu_fma_peak_gflops(double seconds);
}
extern "C" void* base_pack(int64_t K, int64_t N, const float* B, int form);
extern "C" void base_gemm(const void*, int64_t, const float*, int64_t, int, float, float*, int64_t);
extern "C" void* var_pack(int64_t K, int64_t N, const float* B, int form);
extern "C" void var_gemm(const void*, int64_t, const float*, int64_t, int, float, float*, int64_t);
extern "C" void base_gemm_tn(int64_t, int64_t, int64_t, const float*, const float*, float, float*);
extern "C" void var_gemm_tn(int64_t, int64_t, int64_t, const float*, const float*, float, float*);

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: ab M K N nt|nn|tn|tn-call [beta 0|1] [pairs 300]\n");
    return 2;
  }
  const int64_t M = std::atol(argv[1]), K = std::atol(argv[2]), N = std::atol(argv[3]);
  // tn-call: dYᵀ·X through gemm_tn, B's packing (if any) timed with the product.
  const bool tn_call = !std::strcmp(argv[4], "tn-call");
  if (!tn_call && std::strcmp(argv[4], "nt") && std::strcmp(argv[4], "nn") &&
      std::strcmp(argv[4], "tn")) {
    std::fprintf(stderr, "ab: the form is nt, nn, tn or tn-call, not %s\n", argv[4]);
    return 2;
  }
  const int form = !std::strcmp(argv[4], "nt") ? 0 : !std::strcmp(argv[4], "nn") ? 1 : 2;
  const float beta = argc > 5 ? float(std::atof(argv[5])) : 0.f;
  const int pairs = argc > 6 ? std::atoi(argv[6]) : 300;
  if (M < 1 || K < 1 || N < 1 || pairs < 1) {  // no pairs would leave the medians empty
    std::fprintf(stderr, "ab: M, K, N and pairs must be positive\n");
    return 2;
  }
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  AlignedFloats A(M * K), B(N * K), C0(M * N, 0.f), C1(M * N, 0.f);
  for (float& x : A) x = u(gen);
  for (float& x : B) x = u(gen);
  const int64_t lda = form == 2 ? M : K;
  // Packed once here for nt/nn/tn; tn-call packs inside each call (these calls also set each
  // side's pool to one thread).
  const void* pb = base_pack(K, N, B.data(), form);
  const void* pv = var_pack(K, N, B.data(), form);
  using Clock = std::chrono::steady_clock;
  auto time = [&](bool variant) {
    const auto t0 = Clock::now();
    if (tn_call && variant) var_gemm_tn(M, N, K, A.data(), B.data(), beta, C1.data());
    else if (tn_call) base_gemm_tn(M, N, K, A.data(), B.data(), beta, C0.data());
    else if (variant) var_gemm(pv, M, A.data(), lda, form, beta, C1.data(), N);
    else base_gemm(pb, M, A.data(), lda, form, beta, C0.data(), N);
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  const double gflop = 2.0 * double(M) * double(N) * double(K) / 1e9;
  const Pairs p = alternate_pairs(
      pairs, gflop, [] { return tdbase::cpu_fma_peak_gflops(0.001); }, time);
  double diff = 0;  // with beta = 1 both accumulate over the same number of calls
  for (size_t i = 0; i < C0.size(); ++i) diff = std::max(diff, double(std::fabs(C0[i] - C1[i])));
  std::printf("%s %ldx%ldx%ld beta %g: of the FMA peak base %.3f, variant %.3f; "
              "variant speedup %.3f (median of %d pairs); max |C_base - C_variant| %g\n",
              argv[4], long(M), long(K), long(N), double(beta), quantile(p.share_a, 0.5),
              quantile(p.share_b, 0.5), quantile(p.speedup_b, 0.5), pairs, diff);
}
