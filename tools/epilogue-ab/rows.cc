// The dense backward's row loop (native/cpu/dense.cc backward_rows) with and without the explicit
// AVX-512 row (native/cpu/epilogue_avx512.cc), in one process: dense.cc is compiled into this file
// so that its internal functions can be called directly. Calls alternate (which goes first swaps
// every pair) and the per-pair time ratio is reported, as in tools/gemm-ab: this machine's speed
// drifts within seconds, two calls a few microseconds apart see the same conditions.
#include "../../native/cpu/dense.cc"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace tdmpc2;

int main(int argc, char** argv) {
  const int64_t M = argc > 1 ? std::atol(argv[1]) : 256, N = argc > 2 ? std::atol(argv[2]) : 512;
  const int pairs = argc > 3 ? std::atoi(argv[3]) : 300;
  if (cpu::ln_mish_backward_row_simd() == nullptr) {
    std::fprintf(stderr, "no AVX-512 rows on this CPU: nothing to compare\n");
    return 1;
  }
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  std::vector<float> H(M * N), dY(M * N), dH0(M * N), dH1(M * N), stats(2 * M), gamma(N), beta(N);
  for (float& x : H) x = u(gen);
  for (float& x : dY) x = u(gen);
  for (float& x : gamma) x = 1.f + 0.25f * u(gen);
  for (float& x : beta) x = 0.25f * u(gen);
  for (int64_t m = 0; m < M; ++m)
    layernorm_row_stats(H.data() + m * N, N, stats[2 * m], stats[2 * m + 1]);
  std::vector<float> g0(4 * N, 0.f), g1(4 * N, 0.f);  // dγ, dβ, db of each side
  const DenseDropout no_dropout{};
  for (const DenseEpilogue ep : {DenseEpilogue::LnMish, DenseEpilogue::LnSimNorm}) {
    const RowEpilogue portable{ep, 8, N, nullptr, gamma.data(), beta.data()};
    RowEpilogue simd = portable;
    simd.backward_row = ep == DenseEpilogue::LnMish ? cpu::ln_mish_backward_row_simd()
                                                    : cpu::ln_simnorm8_backward_row_simd();
    auto run = [&](bool fast) {
      std::vector<float>& g = fast ? g1 : g0;
      const auto t0 = std::chrono::steady_clock::now();
      backward_rows(fast ? simd : portable, no_dropout, 0, M, H.data(), stats.data(), dY.data(),
                    (fast ? dH1 : dH0).data(), g.data(), g.data() + N, g.data() + 2 * N);
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    std::vector<double> ratio, t_portable, t_simd;
    for (int i = 0; i < pairs; ++i) {
      const bool simd_first = i & 1;
      const double a = run(simd_first), b = run(!simd_first);
      const double tp = simd_first ? b : a, ts = simd_first ? a : b;
      t_portable.push_back(tp), t_simd.push_back(ts), ratio.push_back(tp / ts);
    }
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    std::printf("%s backward rows %ldx%ld: portable %.1f us, AVX-512 %.1f us (medians); "
                "speedup %.3f (median of %d pairs); dH identical: %s\n",
                ep == DenseEpilogue::LnMish ? "LN+Mish" : "LN+SimNorm", long(M), long(N),
                median(t_portable) * 1e6, median(t_simd) * 1e6, median(ratio), pairs,
                dH0 == dH1 ? "yes" : "NO");
  }
}
