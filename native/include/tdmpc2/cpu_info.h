// What the CPU backend runs on: the SIMD path chosen at load and the thread count.
#pragma once

namespace tdmpc2 {

// "avx512", "avx2" or "scalar": the widest path this CPU supports among those compiled in.
const char* cpu_isa();
// Threads the CPU backend may use (TDMPC2_NUM_THREADS, else the available cores).
int cpu_threads();

}  // namespace tdmpc2
