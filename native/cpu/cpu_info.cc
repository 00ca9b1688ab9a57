#include "tdmpc2/cpu_info.h"

namespace tdmpc2 {

// Mirrors the target_clones list of the GEMM driver: the loader picks the same level.
const char* cpu_isa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
  if (__builtin_cpu_supports("x86-64-v3")) return "avx2";
  return "scalar";
}

// The kernels are single-threaded until the thread pool lands (CPU speed issue); say so.
int cpu_threads() { return 1; }

}  // namespace tdmpc2
