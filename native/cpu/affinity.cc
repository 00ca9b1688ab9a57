// Thread-to-CPU pinning for the benchmarks (see affinity.h).
#include "affinity.h"

#include <algorithm>

#ifdef __linux__
#include <sched.h>
#endif

namespace tdmpc2::cpu {
namespace {

// The calling thread's mask before its first pin (empty: not pinned), and its pin.
thread_local std::vector<int> t_before_pin;
thread_local int t_pinned_cpu = -1;

#ifdef __linux__
std::vector<int> current_cpus() {
  std::vector<int> out;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

// sched_setaffinity with pid 0 sets the calling thread's mask.
bool set_cpus(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus)
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  return CPU_COUNT(&set) > 0 && sched_setaffinity(0, sizeof set, &set) == 0;
}
#else
std::vector<int> current_cpus() { return {}; }
bool set_cpus(const std::vector<int>&) { return false; }
#endif

}  // namespace

std::vector<int> thread_cpus() { return t_before_pin.empty() ? current_cpus() : t_before_pin; }

bool pin_calling_thread(int cpu) {
  std::vector<int> before = thread_cpus();
  if (std::find(before.begin(), before.end(), cpu) == before.end()) return false;
  if (!set_cpus({cpu})) return false;
  t_before_pin = std::move(before);
  t_pinned_cpu = cpu;
  return true;
}

bool unpin_calling_thread() {
  if (t_before_pin.empty() || !set_cpus(t_before_pin)) return false;
  t_before_pin.clear();
  t_pinned_cpu = -1;
  return true;
}

std::vector<int> cpus_for_new_thread() {
  std::vector<int> others;
  for (int c : t_before_pin)
    if (c != t_pinned_cpu) others.push_back(c);
  return others.empty() ? t_before_pin : others;
}

void apply_thread_cpus(const std::vector<int>& cpus) {
  if (!cpus.empty()) set_cpus(cpus);
}

}  // namespace tdmpc2::cpu
