// The CPU backend's thread pool: a few persistent workers that help the calling thread run a
// loop of independent work items (row panels of a GEMM, rows of an epilogue).
//
// Scheduling is dynamic: items are claimed one at a time from an atomic counter, so a worker that
// the OS deschedules (2 shared cores, other processes running) leaves its share to the others
// instead of holding up a statically split loop; the caller always takes items itself, so a
// parallel loop is never slower than the serial one by more than the hand-off (a few µs).
//
// Why one pool per process, not per addon instance: the kernels are plain C++ functions without
// an addon context, and cores are a process-wide resource — two addon instances (Node worker
// threads) each with its own pool would oversubscribe them. The pool is created on first use and
// never destroyed (its idle workers sleep on a condition variable; process exit ends them).
//
// Concurrent submitters (the planner's libuv worker next to the main thread): one loop runs on
// the pool at a time; a submitter that finds the pool busy, or a call from inside a running loop,
// runs its loop serially on its own thread. Nothing blocks on the pool, so nothing can deadlock.
//
// Determinism: which thread runs an item varies, so callers make each item's result independent
// of that (disjoint outputs, fixed order inside an item); no reduction depends on the split.
#pragma once
#include <cstdint>
#include <type_traits>

#include "tdmpc2/cpu_info.h"

namespace tdmpc2::cpu {

// A non-owning reference to `void(int64_t item)`: no allocation per loop (std::function may).
class ItemFn {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, ItemFn>>>
  ItemFn(F& f) : obj_(&f), call_([](void* o, int64_t i) { (*static_cast<F*>(o))(i); }) {}
  void operator()(int64_t i) const { call_(obj_, i); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t);
};

// Threads the CPU kernels may use, the calling thread included (≥ 1). Initially
// TDMPC2_NUM_THREADS when set to a positive integer, else the cores this process may run on.
int num_threads();

// Sets the thread count (clamped to [1, 256]); waits for a running loop to finish first.
void set_num_threads(int n);

// The pool's record since the thread count was last set (tdmpc2/cpu_info.h cpu_pool_stats).
CpuPoolStats pool_stats();

// Runs body(i) for every i in [0, items), on up to min(num_threads(), max_threads) threads (the
// caller included), and returns when all are done. If body throws, no further items start and the
// first exception is rethrown on the calling thread.
void parallel_for(int64_t items, int max_threads, ItemFn body);

}  // namespace tdmpc2::cpu
