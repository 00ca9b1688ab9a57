// Per-shape timing of the CPU GEMM for benchmarks (tdmpc2/cpu_info.h cpu_gemm_profile_*): off by
// default, when it costs the products one relaxed atomic load each.
#pragma once
#include <atomic>
#include <cstdint>

namespace tdmpc2::cpu {

extern std::atomic<bool> g_gemm_profile_on;

inline bool gemm_profile_on() { return g_gemm_profile_on.load(std::memory_order_relaxed); }

// One product (gemm_packed, its epilogue included) or one pack of B, `seconds` long. form: "nt",
// "nn", "tn", or "pack nt", "pack nn", "pack tn" (M = 0 for a pack). Thread-safe.
void gemm_profile_record(const char* form, int64_t M, int64_t N, int64_t K, bool epilogue,
                         double seconds);

// Seconds on a monotonic clock, for the two ends of a recorded interval.
double gemm_profile_clock();

// Runs `work`; while profiling, records its time under (form, M, N, K, epilogue).
template <class F>
inline void gemm_profiled(const char* form, int64_t M, int64_t N, int64_t K, bool epilogue,
                          F&& work) {
  if (!gemm_profile_on()) return work();
  const double t0 = gemm_profile_clock();
  work();
  gemm_profile_record(form, M, N, K, epilogue, gemm_profile_clock() - t0);
}

}  // namespace tdmpc2::cpu
