#include "tdmpc2/cpu_info.h"

#include <chrono>

#include "affinity.h"
#include "epilogue_simd.h"
#include "gemm.h"
#include "stall_guard.h"
#include "thread_pool.h"

namespace tdmpc2 {

// The GEMM's micro-kernel family: what the CPU backend actually runs.
const char* cpu_isa() { return cpu::gemm_isa(); }

const char* cpu_gemm_rows_tile() { return cpu::gemm_tile_name(cpu::GemmA::kRows); }
const char* cpu_gemm_transposed_tile() { return cpu::gemm_tile_name(cpu::GemmA::kTransposed); }

const char* cpu_epilogue_rows() { return cpu::epilogue_rows_name(); }

int cpu_threads() { return cpu::num_threads(); }

void set_cpu_threads(int n) { cpu::set_num_threads(n); }

CpuPoolStats cpu_pool_stats() { return cpu::pool_stats(); }

void cpu_stall_guard_replay(const float* loops, int64_t n, double* out) {
  using std::chrono::duration;
  using std::chrono::duration_cast;
  using Clock = cpu::StallGuard::Clock;
  const auto us = [](float x) { return duration_cast<Clock::duration>(duration<double, std::micro>(x)); };
  cpu::StallGuard guard;
  Clock::time_point t{};
  for (int64_t i = 0; i < n; ++i) {
    const float* l = loops + 5 * i;
    const cpu::LoopReport r{us(l[0]), us(l[1]), int64_t(l[2]), int64_t(l[3]), int(l[4])};
    t += r.own + r.wait;
    guard.report(r, t);
    out[2 * i] = guard.level();
    out[2 * i + 1] = guard.serial_at(t) ? duration<double, std::milli>(guard.serial_until() - t).count() : 0.0;
  }
}

std::vector<int> cpu_thread_cpus() { return cpu::thread_cpus(); }
bool cpu_pin_thread(int cpu) { return cpu::pin_calling_thread(cpu); }
bool cpu_unpin_thread() { return cpu::unpin_calling_thread(); }

}  // namespace tdmpc2
