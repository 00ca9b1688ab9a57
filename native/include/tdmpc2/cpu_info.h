// What the CPU backend runs on: the SIMD path chosen at load and the thread count.
#pragma once

namespace tdmpc2 {

// "avx512", "avx2" or "scalar": the GEMM micro-kernels in use — the widest this CPU supports,
// unless the TDMPC2_CPU_ISA environment variable (read once, at first use) names a narrower one.
const char* cpu_isa();
// The GEMM's register tiles, "MRxNR": of X·Wᵀ and dY·W (A's rows read in place; on AVX-512 12x32
// on AMD and 6x64 on other CPUs, or as TDMPC2_GEMM_ROWS_TILE says) and of dYᵀ·X (Aᵀ packed).
const char* cpu_gemm_rows_tile();
const char* cpu_gemm_transposed_tile();
// Threads the CPU kernels may use, the caller included: TDMPC2_NUM_THREADS when set, else the
// cores this process may run on (sched_getaffinity), until set_cpu_threads changes it.
int cpu_threads();
// Sets the thread count (clamped to [1, 256]); waits for a running parallel loop to finish.
void set_cpu_threads(int n);

// Benchmark helper: GFLOP/s of independent FMA chains of cpu_isa()'s instruction set on the
// calling thread over about `seconds` — the single-core ceiling the GEMM is measured against.
double cpu_fma_peak_gflops(double seconds);

}  // namespace tdmpc2
