// The FMA ceiling loop (see tdmpc2/fma_peak.h): 12 independent accumulator registers, each
// updated acc = acc·m + c per step, enough chains to cover the FMA latency on two ports. The
// values converge to c/(1 − m): no overflow, no denormals. Built three times like the GEMM, so
// the loader runs the AVX-512 (x86-64-v4), AVX2+FMA (v3) or baseline version.
#include "tdmpc2/fma_peak.h"

#include <chrono>

namespace tdmpc2 {
namespace {

typedef float v16 __attribute__((vector_size(64)));
constexpr int kChains = 12;
constexpr int64_t kSteps = 1 << 16;  // steps per timed batch

__attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4"))) float fma_batch(
    float m, float c, int64_t steps) {
  v16 acc[kChains];
  for (int k = 0; k < kChains; ++k) acc[k] = v16{} + float(k) * 1e-3f;
  const v16 vm = v16{} + m, vc = v16{} + c;
  for (int64_t s = 0; s < steps; ++s)
    for (int k = 0; k < kChains; ++k) acc[k] = acc[k] * vm + vc;  // contracted to one FMA
  v16 sum = acc[0];
  for (int k = 1; k < kChains; ++k) sum += acc[k];
  float out = 0.f;
  for (int i = 0; i < 16; ++i) out += sum[i];
  return out;
}

}  // namespace

FmaPeak cpu_fma_peak(double milliseconds) {
  using clock = std::chrono::steady_clock;
  volatile float sink = 0.f;
  sink = sink + fma_batch(0.999f, 1e-3f, 1024);  // warm up (frequency, page-in)
  const auto t0 = clock::now();
  int64_t batches = 0;
  double seconds = 0.0;
  do {
    sink = sink + fma_batch(0.999f, 1e-3f, kSteps);
    ++batches;
    seconds = std::chrono::duration<double>(clock::now() - t0).count();
  } while (seconds * 1e3 < milliseconds);
  // 16 lanes per register: the v3 clone splits a v16 into two 8-lane FMAs, the same FLOPs.
  const int64_t flops = batches * kSteps * kChains * 16 * 2;
  return FmaPeak{double(flops) / seconds / 1e9, seconds, flops};
}

}  // namespace tdmpc2
