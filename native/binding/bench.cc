// Benchmark-only exports: fmaPeak(seconds) -> GFLOP/s of the GEMM's instruction set on one core,
// the ceiling benchmarks/kernels.ts reports each GEMM against (measured in the same run);
// gemmProfileStart() and gemmProfileStop() -> [{form, M, N, K, epilogue, calls, seconds}], the
// CPU GEMM's time per form and shape in between (lib/bench/gemm-profile.ts); threadCpus(),
// pinThread(cpu) and unpinThread(): the calling thread on one CPU, with the peer processes it
// starts, for one-thread comparisons (lib/bench/affinity.ts); threadPoolStats() -> {loops, helped,
// backoff, serialMs}: what the CPU thread pool did since the thread count was last set, so that a
// two-thread measurement can say whether its loops ran on two threads (lib/bench/kernels.ts);
// stallGuardReplay(loops Float32Array[5·n]) -> Float64Array[2·n]: the pool's stall guard over a
// scripted sequence of loops (test/cpu/stall-guard.test.ts).
#include "addon.h"
#include "check.h"
#include "tdmpc2/cpu_info.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace tdmpc2::binding {
namespace {

Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  const char* op = "fmaPeak";
  require_arg_count(info, 1, op, "(seconds)");
  const double seconds = number_arg(info, 0, op, "seconds");
  if (!(seconds > 0 && seconds <= 10))
    throw_range(std::string(op) + ": seconds: expected a number in (0, 10], got " +
                describe_js_value(info[0]));
  return Napi::Number::New(info.Env(), cpu_fma_peak_gflops(seconds));
}

Napi::Value GemmProfileStart(const Napi::CallbackInfo& info) {
  cpu_gemm_profile_start();
  return info.Env().Undefined();
}

Napi::Value GemmProfileStop(const Napi::CallbackInfo& info) {
  const std::vector<GemmProfileEntry> entries = cpu_gemm_profile_stop();
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const GemmProfileEntry& e = entries[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("form", e.form);
    o.Set("M", double(e.M));
    o.Set("N", double(e.N));
    o.Set("K", double(e.K));
    o.Set("epilogue", e.epilogue);
    o.Set("calls", double(e.calls));
    o.Set("seconds", e.seconds);
    out.Set(uint32_t(i), o);
  }
  return out;
}

Napi::Array CpuList(Napi::Env env, const std::vector<int>& cpus) {
  Napi::Array out = Napi::Array::New(env, cpus.size());
  for (size_t i = 0; i < cpus.size(); ++i) out.Set(uint32_t(i), cpus[i]);
  return out;
}

Napi::Value ThreadCpus(const Napi::CallbackInfo& info) {
  return CpuList(info.Env(), cpu_thread_cpus());
}

// true when pinned; false where the OS cannot pin (not Linux, or it refused).
Napi::Value PinThread(const Napi::CallbackInfo& info) {
  const char* op = "pinThread";
  require_arg_count(info, 1, op, "(cpu)");
  const int64_t cpu = int_arg(info, 0, op, "cpu", 0, 1 << 20);
  const std::vector<int> cpus = cpu_thread_cpus();
  if (!cpus.empty() && std::find(cpus.begin(), cpus.end(), cpu) == cpus.end())
    throw_range(std::string(op) + ": cpu: expected one of the CPUs this thread may run on " +
                shape_string(std::vector<int64_t>(cpus.begin(), cpus.end()).data(), cpus.size()) +
                ", got " + std::to_string(cpu));
  return Napi::Boolean::New(info.Env(), cpu_pin_thread(int(cpu)));
}

// true when the thread was pinned and has its CPUs back.
Napi::Value UnpinThread(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), cpu_unpin_thread());
}

Napi::Value ThreadPoolStats(const Napi::CallbackInfo& info) {
  const CpuPoolStats s = cpu_pool_stats();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("loops", double(s.loops));
  o.Set("helped", double(s.helped));
  o.Set("backoff", s.backoff);
  o.Set("serialMs", s.serial_ms);
  return o;
}

// Each loop: own µs, wait µs, items, done here, helpers joined (cpu_stall_guard_replay).
Napi::Value StallGuardReplay(const Napi::CallbackInfo& info) {
  const char* op = "stallGuardReplay";
  require_arg_count(info, 1, op, "(loops)");
  const std::string prefix = std::string(op) + ": loops: ";
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(prefix + "expected a Float32Array, got " + describe_js_value(info[0]));
  const Napi::Float32Array loops = info[0].As<Napi::Float32Array>();
  const size_t len = loops.ElementLength();
  if (len == 0 || len % 5 != 0)
    throw_range(prefix + "expected 5 numbers per loop (own µs, wait µs, items, done here, " +
                "helpers joined), got length " + std::to_string(len));
  // Bounds that keep the guard's arithmetic (items × per-item time in ns) inside int64.
  constexpr float kMaxUs = 1e7f, kMaxCount = 65536;
  const float* l = loops.Data();
  for (size_t i = 0; i < len; i += 5) {
    const std::string at = prefix + "loop " + std::to_string(i / 5) + ": ";
    for (size_t k = 0; k < 5; ++k) {
      const float x = l[i + k];
      if (!std::isfinite(x) || x < 0 || x > (k < 2 ? kMaxUs : kMaxCount) || (k >= 2 && std::floor(x) != x))
        throw_range(at + "element " + std::to_string(k) + " must be " +
                    (k < 2 ? "a duration in [0, 1e7] µs" : "an integer in [0, 65536]") + ", got " +
                    std::to_string(x));
    }
    if (l[i + 3] > l[i + 2])
      throw_range(at + "done here (" + std::to_string(int64_t(l[i + 3])) + ") exceeds the items (" +
                  std::to_string(int64_t(l[i + 2])) + ")");
  }
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), 2 * (len / 5));
  cpu_stall_guard_replay(l, int64_t(len / 5), out.Data());
  return out;
}

}  // namespace

TDMPC2_EXPORT("fmaPeak", FmaPeak);
TDMPC2_EXPORT("stallGuardReplay", StallGuardReplay);
TDMPC2_EXPORT("threadPoolStats", ThreadPoolStats);
TDMPC2_EXPORT("threadCpus", ThreadCpus);
TDMPC2_EXPORT("pinThread", PinThread);
TDMPC2_EXPORT("unpinThread", UnpinThread);
TDMPC2_EXPORT("gemmProfileStart", GemmProfileStart);
TDMPC2_EXPORT("gemmProfileStop", GemmProfileStop);

}  // namespace tdmpc2::binding
