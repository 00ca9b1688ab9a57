// Which CPUs a thread runs on, for the benchmarks: a one-thread comparison is only fair when both
// sides run on the same core. On a shared VM the vCPUs differ (2026-12-01 on this project's
// machine: an FMA probe of 147 GFLOP/s on one vCPU and 219 on the other at the same moment), and
// a peer process the OS places on the other vCPU compares the vCPUs, not the code. A benchmark
// pins its thread; the peer processes it then starts inherit the pin (Linux copies the forking
// thread's mask); the CPU pool's helpers started by a pinned thread run on the other CPUs it had
// before, so two-thread rows still get two cores. Linux only: elsewhere nothing is pinned.
#pragma once
#include <vector>

namespace tdmpc2::cpu {

// The CPUs the calling thread may run on, ascending; while it is pinned, those it had before
// (the ones it may be pinned to). Empty where the OS does not say.
std::vector<int> thread_cpus();

// Pins the calling thread to `cpu`, one of thread_cpus(); false where the OS cannot (not Linux,
// or it refused).
bool pin_calling_thread(int cpu);

// Gives a pinned calling thread the CPUs it had before its first pin; false if it is not pinned.
bool unpin_calling_thread();

// For a thread the calling thread is about to start: empty when the calling thread is not pinned
// (the new thread inherits its mask as usual); else the CPUs it had before the pin other than
// the one it is pinned to (all of them if that is the only one). The new thread passes them to
// apply_thread_cpus first. Why not every CPU: a thread starts on its creator's CPU, and one
// that may stay there competes with its pinned creator until the scheduler moves it.
std::vector<int> cpus_for_new_thread();
void apply_thread_cpus(const std::vector<int>& cpus);

}  // namespace tdmpc2::cpu
