// The machine's single-thread FMA ceiling, measured: a loop of independent fused multiply-adds
// on the widest vector registers this CPU runs (the same target_clones levels as the GEMM), so a
// benchmark can report its kernels as a fraction of what one core can do.
#pragma once
#include <cstdint>

namespace tdmpc2 {

struct FmaPeak {
  double gflops;   // 2 FLOPs per FMA lane per second
  double seconds;  // time measured
  int64_t flops;   // FLOPs executed
};

// Runs the loop for about `milliseconds` on the calling thread.
FmaPeak cpu_fma_peak(double milliseconds);

}  // namespace tdmpc2
