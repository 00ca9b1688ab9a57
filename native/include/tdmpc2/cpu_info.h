// What the CPU backend runs on: the SIMD path chosen at load and the thread count.
#pragma once
#include <cstdint>
#include <vector>

namespace tdmpc2 {

// "avx512", "avx2" or "scalar": the GEMM micro-kernels in use — the widest this CPU supports,
// unless the TDMPC2_CPU_ISA environment variable (read once, at first use) names a narrower one.
const char* cpu_isa();
// The GEMM's register tiles, "MRxNR": of X·Wᵀ and dY·W (A's rows read in place; on AVX-512 12x32
// on AMD and 6x64 on other CPUs, or as TDMPC2_GEMM_ROWS_TILE says) and of dYᵀ·X (Aᵀ packed).
const char* cpu_gemm_rows_tile();
const char* cpu_gemm_transposed_tile();
// The dense layer's explicit epilogue rows (LayerNorm statistics, LayerNorm + Mish / SimNorm and
// their backward): "avx512" or "avx2" as cpu_isa(), or "portable" (no explicit rows for this
// instruction set, or TDMPC2_EPILOGUE_ROWS=portable). Results do not depend on it.
const char* cpu_epilogue_rows();
// Threads the CPU kernels may use, the caller included: TDMPC2_NUM_THREADS when set, else the
// cores this process may run on (sched_getaffinity), until set_cpu_threads changes it.
int cpu_threads();
// Sets the thread count (clamped to [1, 256]); waits for a running parallel loop to finish.
// Starts the pool afresh: new helpers, a clean stall guard, the record below at zero.
void set_cpu_threads(int n);

// Benchmark helper: what the CPU thread pool did since the thread count was last set.
struct CpuPoolStats {
  int64_t loops;      // parallel loops submitted while helpers were allowed (> 1 thread and item)
  int64_t helped;     // of those, the loops a helper joined
  int backoff;        // the stall guard's level: each bad loop doubles the next serial spell
  double serial_ms;   // how much longer loops run on the calling thread alone (the guard's spell)
};
CpuPoolStats cpu_pool_stats();

// Test helper: the pool's stall guard (native/cpu/stall_guard.h), fresh, fed n loops back to back,
// each five numbers in `loops`: the submitter's time running items and then waiting for the
// helpers (µs), the items, those the submitter ran, and the helpers that joined. Writes the
// guard's level and the serial spell it has started (ms from the loop's end; 0: none) after
// each loop into out[2·n].
void cpu_stall_guard_replay(const float* loops, int64_t n, double* out);

// Benchmark helper: GFLOP/s of independent FMA chains of cpu_isa()'s instruction set on the
// calling thread over about `seconds` — the single-core ceiling the GEMM is measured against.
double cpu_fma_peak_gflops(double seconds);

// Benchmark helpers: one core for both sides of a comparison. The CPUs the calling thread may run
// on (while pinned, those it had before), ascending, empty where the OS does not say; pinning it
// to one of them, which the peer processes it starts inherit, while the CPU kernels' helper
// threads it starts run on the others; and back. Linux only: elsewhere pin returns false.
std::vector<int> cpu_thread_cpus();
bool cpu_pin_thread(int cpu);
bool cpu_unpin_thread();

// Benchmark helper: where a workload's GEMM time goes. Between start and stop every product
// (its packed-B GEMM with the fused epilogue; B's pack excluded) and every pack of B is timed, on
// whichever thread ran it, and summed per form and shape. start clears the previous profile.
struct GemmProfileEntry {
  const char* form;  // "nt" (X·Wᵀ), "nn" (dY·W), "tn" (dYᵀ·X), or "pack nt|nn|tn": B packed for it
  int64_t M, N, K;   // C is M×N, depth K (a pack: M = 0, B is K×N)
  bool epilogue;     // a fused row epilogue ran inside the product
  int64_t calls;
  double seconds;
};
void cpu_gemm_profile_start();
std::vector<GemmProfileEntry> cpu_gemm_profile_stop();

}  // namespace tdmpc2
