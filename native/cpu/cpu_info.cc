#include "tdmpc2/cpu_info.h"

#include "affinity.h"
#include "gemm.h"
#include "thread_pool.h"

namespace tdmpc2 {

// The GEMM's micro-kernel family: what the CPU backend actually runs.
const char* cpu_isa() { return cpu::gemm_isa(); }

const char* cpu_gemm_rows_tile() { return cpu::gemm_tile_name(cpu::GemmA::kRows); }
const char* cpu_gemm_transposed_tile() { return cpu::gemm_tile_name(cpu::GemmA::kTransposed); }

int cpu_threads() { return cpu::num_threads(); }

void set_cpu_threads(int n) { cpu::set_num_threads(n); }

CpuPoolStats cpu_pool_stats() { return cpu::pool_stats(); }

std::vector<int> cpu_thread_cpus() { return cpu::thread_cpus(); }
bool cpu_pin_thread(int cpu) { return cpu::pin_calling_thread(cpu); }
bool cpu_unpin_thread() { return cpu::unpin_calling_thread(); }

}  // namespace tdmpc2
