// The persistent thread pool behind cpu::parallel_for (see thread_pool.h for the contract).
//
// One loop at a time: the submitter publishes the loop (body, item count) and a new generation in
// one control word; idle workers spin on that word for up to kSpin, then sleep on a condition
// variable. A worker joins the loop by a compare-exchange on the control word, which fails once
// the submitter has closed the loop, so the submitter waits only for workers that actually joined
// — a worker still asleep or descheduled when the items run out is never waited for.
//
// What cannot be avoided is waiting for an item a joined worker holds. On a shared machine the OS
// may deschedule that worker for milliseconds (a time slice of another process), which would make
// the loop slower than running it alone. So the submitter reports each loop to a stall guard
// (stall_guard.h), which after a stall, or a loop the helpers hardly helped, runs the next loops
// serially for a spell that doubles with each bad loop and shrinks again with good ones. On a
// quiet machine nothing changes; on a loaded one the pool backs off, and a stall costs at most one
// probe per spell. set_num_threads starts the guard afresh.
#include "thread_pool.h"

#ifdef __linux__
#include <pthread.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "affinity.h"
#include "stall_guard.h"

namespace tdmpc2::cpu {
namespace {

// How long an idle worker polls for the next loop before it sleeps: long enough to catch the
// next GEMM of a layer sequence without a futex wake-up, short enough not to burn a shared core.
constexpr auto kSpin = std::chrono::microseconds(50);
constexpr int kMaxThreads = 256;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The control word: generation (bits 63..32), open flag (bit 31), helpers allowed (30..16),
// helpers joined (15..0).
constexpr uint64_t kOpen = uint64_t(1) << 31;
inline uint64_t gen_of(uint64_t c) { return c >> 32; }
inline int allowed_of(uint64_t c) { return int((c >> 16) & 0x7fff); }
inline int joined_of(uint64_t c) { return int(c & 0xffff); }

using Clock = std::chrono::steady_clock;

thread_local bool t_in_loop = false;  // this thread is running items of a loop

int default_threads() {
  if (const char* env = std::getenv("TDMPC2_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1) return int(std::min<long>(n, kMaxThreads));
  }
  const std::vector<int> cpus = thread_cpus();  // a pinned thread's CPUs before the pin
  if (!cpus.empty()) return std::min(int(cpus.size()), kMaxThreads);
  return int(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1u, unsigned(kMaxThreads)));
}

class Pool {
 public:
  Pool() : threads_(default_threads()) {}

  int threads() const { return threads_.load(std::memory_order_relaxed); }

  void resize(int n) {
    std::lock_guard<std::mutex> submit(submit_);  // no loop runs while the workers change
    stop_workers();
    threads_.store(std::clamp(n, 1, kMaxThreads), std::memory_order_relaxed);
    // The stall guard's history was of the old workers; new ones start with a clean slate. Kept,
    // it would grow with every change: each new worker's first loops run before its thread is
    // scheduled, look like stalls, and a benchmark that switches one and two threads every few
    // calls climbed to one-second serial spells, so its two-thread rows ran on one thread.
    guard_ = StallGuard();
    loops_.store(0, std::memory_order_relaxed);
    helped_.store(0, std::memory_order_relaxed);
  }

  // Read by any thread: the counters are atomic; the guard's fields are the submitter's, so a
  // reading taken while a loop runs elsewhere is taken under submit_.
  CpuPoolStats stats() {
    std::lock_guard<std::mutex> submit(submit_);
    const auto left = guard_.serial_until() - Clock::now();
    return {loops_.load(std::memory_order_relaxed), helped_.load(std::memory_order_relaxed), guard_.level(),
            left.count() > 0 ? std::chrono::duration<double, std::milli>(left).count() : 0.0};
  }

  void run(int64_t items, int max_threads, ItemFn body) {
    const int helpers = int(std::min<int64_t>({int64_t(threads()) - 1, int64_t(max_threads) - 1,
                                               items - 1}));
    std::unique_lock<std::mutex> submit(submit_, std::defer_lock);
    if (helpers > 0 && !t_in_loop) loops_.fetch_add(1, std::memory_order_relaxed);
    if (helpers <= 0 || t_in_loop || !submit.try_lock() || guard_.serial_at(Clock::now())) {
      if (submit.owns_lock()) submit.unlock();
      for (int64_t i = 0; i < items; ++i) body(i);
      return;
    }
    start_workers(threads() - 1);
    const int allowed = std::min(helpers, int(workers_.size()));
    if (allowed <= 0) {
      for (int64_t i = 0; i < items; ++i) body(i);
      return;
    }

    body_ = &body;
    items_ = items;
    next_.store(0, std::memory_order_relaxed);
    finished_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    ++generation_;
    ctrl_.store((generation_ << 32) | kOpen | (uint64_t(allowed) << 16), std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lk(sleep_mu_);
      sleep_cv_.notify_all();
    }

    t_in_loop = true;
    const auto t0 = Clock::now();
    const int64_t done_here = work();
    const auto t1 = Clock::now();
    t_in_loop = false;
    // Close the loop: from here no worker can join, and the count of those who did is final.
    const int joined = joined_of(ctrl_.fetch_and(~kOpen, std::memory_order_acq_rel));
    if (joined > 0) helped_.fetch_add(1, std::memory_order_relaxed);
    for (int spins = 0; finished_.load(std::memory_order_acquire) != joined; ++spins) {
      // A joined worker is running an item; yield now and then so that, on a loaded machine, the
      // OS can run it on this core instead of letting us spin.
      if (spins < 2000) cpu_relax(); else std::this_thread::yield();
    }
    const auto t2 = Clock::now();
    body_ = nullptr;
    guard_.report({t1 - t0, t2 - t1, items, done_here, joined}, t2);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Claims and runs items until none are left; the first exception stops the claiming. Returns
  // how many this thread ran.
  int64_t work() {
    const int64_t items = items_;
    int64_t done = 0;
    for (int64_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < items; ++done) {
      try {
        (*body_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lk(error_mu_);
        if (!error_) error_ = std::current_exception();
        next_.store(items, std::memory_order_relaxed);
      }
    }
    return done;
  }

  void worker_main() {
    uint64_t seen = gen_of(ctrl_.load(std::memory_order_acquire));
    for (;;) {
      uint64_t c = ctrl_.load(std::memory_order_acquire);
      const auto t0 = Clock::now();
      for (int spins = 0; gen_of(c) == seen && !stop_.load(std::memory_order_relaxed); ++spins) {
        if ((spins & 255) == 255 && Clock::now() - t0 > kSpin) {
          std::unique_lock<std::mutex> lk(sleep_mu_);
          sleepers_.fetch_add(1, std::memory_order_seq_cst);
          sleep_cv_.wait(lk, [&] {
            return gen_of(ctrl_.load(std::memory_order_seq_cst)) != seen ||
                   stop_.load(std::memory_order_relaxed);
          });
          sleepers_.fetch_sub(1, std::memory_order_relaxed);
        } else {
          cpu_relax();
        }
        c = ctrl_.load(std::memory_order_acquire);
      }
      if (stop_.load(std::memory_order_relaxed)) return;
      seen = gen_of(c);
      bool joined = false;
      while ((c & kOpen) && gen_of(c) == seen && joined_of(c) < allowed_of(c)) {
        if (ctrl_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) {
          joined = true;
          break;
        }
      }
      if (!joined) continue;
      t_in_loop = true;
      work();
      t_in_loop = false;
      finished_.fetch_add(1, std::memory_order_release);
    }
  }

  // Called with submit_ held, before every loop: returns at once when the workers are there.
  void start_workers(int n) {
    if (int(workers_.size()) >= n) return;
    // A benchmark thread pinned to one CPU (affinity.h) still gets helpers on the others.
    const std::vector<int> cpus = cpus_for_new_thread();
    while (int(workers_.size()) < n) {
      try {
        workers_.emplace_back([this, cpus] {
#ifdef __linux__
          pthread_setname_np(pthread_self(), "tdmpc2-cpu");  // as top -H and gdb show it
#endif
          apply_thread_cpus(cpus);
          worker_main();
        });
      } catch (...) {  // no more threads to be had: run with those we have
        break;
      }
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lk(sleep_mu_);
      stop_.store(true, std::memory_order_seq_cst);
      sleep_cv_.notify_all();
    }
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stop_.store(false, std::memory_order_relaxed);
  }

  std::atomic<int> threads_;
  std::mutex submit_;  // held by the thread whose loop runs on the pool
  StallGuard guard_;  // read and written by the submitter only (under submit_)
  // pool_stats(): loops submitted while helpers were allowed, and those a helper joined.
  std::atomic<int64_t> loops_{0};
  std::atomic<int64_t> helped_{0};
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_{false};

  // The current loop (written before ctrl_ publishes it, read by the workers that join it).
  ItemFn* body_ = nullptr;
  int64_t items_ = 0;
  uint64_t generation_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<uint64_t> ctrl_{0};
  std::atomic<int> finished_{0};
  std::mutex error_mu_;
  std::exception_ptr error_;

  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  std::atomic<int> sleepers_{0};
};

// Never destroyed: idle workers may still be asleep in it when the process exits.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int num_threads() { return pool().threads(); }

void set_num_threads(int n) { pool().resize(n); }

CpuPoolStats pool_stats() { return pool().stats(); }

void parallel_for(int64_t items, int max_threads, ItemFn body) {
  if (items <= 0) return;
  pool().run(items, max_threads, body);
}

}  // namespace tdmpc2::cpu
