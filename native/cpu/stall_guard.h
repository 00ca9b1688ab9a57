// The thread pool's stall guard (thread_pool.cc says why the pool needs one): after each parallel
// loop the submitter reports what it saw, and the guard decides whether the next loops run on the
// calling thread alone, and until when. Bookkeeping over the durations it is handed, with no clock
// of its own, so that a scripted sequence of loops can be replayed through it
// (cpu_stall_guard_replay, test/cpu/stall-guard.test.ts).
//
// A loop is bad when the submitter waited for a helper that held an item (over kStallMin and over
// four of its own items' time: the helper was descheduled), or, in a loop long enough to tell
// (kJudgeAfter), when the helpers ran under a quarter of the items (they hardly got a core) or the
// loop took over 90 % of what the submitter alone would have needed (no gain). Each bad loop
// raises the level and starts a serial spell of 8 ms × 2^(level − 1), up to level 8 (~1 s). Good
// news steps the level back once: a loop long enough to have been judged, or shorter loops that
// helpers joined, once their time adds up to the current level's spell (as long on two threads
// without trouble as the last spell ran on one). On a quiet machine the level stays at 0 or 1; on
// a loaded one the spells grow, and a stall costs at most one probe per spell.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace tdmpc2::cpu {

// What the submitter saw of one parallel loop.
struct LoopReport {
  std::chrono::steady_clock::duration own;   // running items itself
  std::chrono::steady_clock::duration wait;  // then waiting for the helpers that joined
  int64_t items;                             // items in the loop
  int64_t done_here;                         // of those, run by the submitter
  int joined;                                // helpers that joined
};

class StallGuard {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kStallMin = std::chrono::microseconds(200);
  static constexpr auto kJudgeAfter = std::chrono::microseconds(500);
  static constexpr auto kSpell = std::chrono::milliseconds(8);
  static constexpr int kMaxLevel = 8;

  // The serial spell that a bad loop at `level` (1..kMaxLevel) starts.
  static Clock::duration spell(int level) { return kSpell * (1 << (level - 1)); }

  // Whether loops starting at `now` run on the calling thread alone.
  bool serial_at(Clock::time_point now) const { return now < serial_until_; }
  int level() const { return level_; }
  Clock::time_point serial_until() const { return serial_until_; }

  // Records a loop that ended at `end`.
  void report(const LoopReport& r, Clock::time_point end) {
    const Clock::duration per_item = r.own / std::max<int64_t>(r.done_here, 1);
    const Clock::duration total = r.own + r.wait;
    const bool stalled = r.wait > kStallMin && r.wait > 4 * per_item;
    const bool unhelped = r.own > kJudgeAfter && 4 * (r.items - r.done_here) < r.items;
    const bool no_gain = total > kJudgeAfter && 10 * total > 9 * r.items * per_item;
    if (stalled || unhelped || no_gain) {
      level_ = std::min(level_ + 1, kMaxLevel);
      serial_until_ = end + spell(level_);
      good_ = {};
    } else if (level_ > 0 && r.own > kJudgeAfter) {
      --level_;  // long enough to have stalled, and it did not
      good_ = {};
    } else if (level_ > 0 && r.joined > 0 && (good_ += total) >= spell(level_)) {
      // Without this, a run of short loops (a small model's plan, ~0.2 ms each) never stepped the
      // level back, and each rare stall grew the next spell until planning on two threads ran on
      // one for whole calls.
      --level_;
      good_ = {};
    }
  }

 private:
  Clock::time_point serial_until_{};
  int level_ = 0;
  Clock::duration good_{};  // short helped loops since the level last changed
};

}  // namespace tdmpc2::cpu
