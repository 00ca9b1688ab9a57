#include "gemm_profile.h"

#include <chrono>
#include <cstring>
#include <mutex>
#include <vector>

#include "tdmpc2/cpu_info.h"

namespace tdmpc2::cpu {

std::atomic<bool> g_gemm_profile_on{false};

namespace {

// The entries of the current profile, one per distinct (form, M, N, K, epilogue). A benchmark
// sees a few dozen shapes, so a linear search is enough; the planner's worker and the main thread
// may record at once, hence the lock (taken only while profiling).
struct Profile {
  std::mutex mu;
  std::vector<GemmProfileEntry> entries;
};

Profile& profile() {
  static Profile p;
  return p;
}

}  // namespace

void gemm_profile_record(const char* form, int64_t M, int64_t N, int64_t K, bool epilogue,
                         double seconds) {
  Profile& p = profile();
  std::lock_guard<std::mutex> lock(p.mu);
  for (GemmProfileEntry& e : p.entries)
    if (std::strcmp(e.form, form) == 0 && e.M == M && e.N == N && e.K == K && e.epilogue == epilogue) {
      e.calls += 1;
      e.seconds += seconds;
      return;
    }
  p.entries.push_back(GemmProfileEntry{form, M, N, K, epilogue, 1, seconds});
}

double gemm_profile_clock() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace tdmpc2::cpu

namespace tdmpc2 {

void cpu_gemm_profile_start() {
  cpu::Profile& p = cpu::profile();
  {
    std::lock_guard<std::mutex> lock(p.mu);
    p.entries.clear();
  }
  cpu::g_gemm_profile_on.store(true, std::memory_order_relaxed);
}

std::vector<GemmProfileEntry> cpu_gemm_profile_stop() {
  cpu::g_gemm_profile_on.store(false, std::memory_order_relaxed);
  cpu::Profile& p = cpu::profile();
  std::lock_guard<std::mutex> lock(p.mu);
  std::vector<GemmProfileEntry> out;
  out.swap(p.entries);
  return out;
}

}  // namespace tdmpc2
