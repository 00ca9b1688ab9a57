// The dense layer's row loops (native/cpu/dense.cc forward_rows and backward_rows) with and
// without the explicit rows of this CPU's instruction set (native/cpu/epilogue_avx512.cc or
// epilogue_avx2.cc), in one process: dense.cc is
// compiled into this file so that its internal functions can be called directly. Calls alternate
// (which goes first swaps every pair) and the per-pair time ratio is reported, as in
// tools/gemm-ab: this machine's speed drifts within seconds, two calls a few microseconds apart
// see the same conditions.
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
    std::fprintf(stderr, "no explicit rows on this CPU: nothing to compare\n");
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
  std::vector<float> Y0(M * N), Y1(M * N), st(2 * M);
  const DenseDropout no_dropout{};
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  // Runs f(false) (portable) and f(true) (explicit) alternately, prints the medians and the ratio.
  auto compare = [&](const char* what, auto&& f, const std::vector<float>& out0,
                     const std::vector<float>& out1) {
    std::vector<double> ratio, t_portable, t_simd;
    for (int i = 0; i < pairs; ++i) {
      const bool simd_first = i & 1;
      auto time = [&](bool fast) {
        const auto t0 = std::chrono::steady_clock::now();
        f(fast);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      };
      const double a = time(simd_first), b = time(!simd_first);
      const double tp = simd_first ? b : a, ts = simd_first ? a : b;
      t_portable.push_back(tp), t_simd.push_back(ts), ratio.push_back(tp / ts);
    }
    std::printf("%s %ldx%ld: portable %.1f us, %s %.1f us (medians); speedup %.3f (median of "
                "%d pairs); outputs identical: %s\n",
                what, long(M), long(N), median(t_portable) * 1e6, cpu::gemm_isa(), median(t_simd) * 1e6,
                median(ratio), pairs, out0 == out1 ? "yes" : "NO");
  };
  for (const DenseEpilogue ep : {DenseEpilogue::LnMish, DenseEpilogue::LnSimNorm}) {
    const bool mish = ep == DenseEpilogue::LnMish;
    const RowEpilogue portable{ep, 8, N, nullptr, gamma.data(), beta.data()};
    RowEpilogue fwd = portable, bwd = portable;
    fwd.mish_row = cpu::ln_mish_row_simd();
    fwd.simnorm_row = cpu::ln_simnorm8_row_simd();
    fwd.stats = cpu::ln_stats_simd();
    bwd.backward_row =
        mish ? cpu::ln_mish_backward_row_simd() : cpu::ln_simnorm8_backward_row_simd();
    compare(mish ? "LN+Mish forward rows" : "LN+SimNorm forward rows", [&](bool fast) {
      forward_rows(fast ? fwd : portable, no_dropout, 0, M, H.data(), (fast ? Y1 : Y0).data(),
                   st.data());
    }, Y0, Y1);
    compare(mish ? "LN+Mish backward rows" : "LN+SimNorm backward rows", [&](bool fast) {
      std::vector<float>& g = fast ? g1 : g0;
      backward_rows(fast ? bwd : portable, no_dropout, 0, M, H.data(), stats.data(), dY.data(),
                    (fast ? dH1 : dH0).data(), g.data(), g.data() + N, g.data() + 2 * N);
    }, dH0, dH1);
  }
}
