// Benchmark-only exports: fmaPeak(seconds) -> GFLOP/s of the GEMM's instruction set on one core,
// the ceiling benchmarks/kernels.ts reports each GEMM against (measured in the same run);
// gemmProfileStart() and gemmProfileStop() -> [{form, M, N, K, epilogue, calls, seconds}], the
// CPU GEMM's time per form and shape in between (lib/bench/gemm-profile.ts); threadCpus(),
// pinThread(cpu) and unpinThread(): the calling thread on one CPU, with the peer processes it
// starts, for one-thread comparisons (lib/bench/affinity.ts); threadPoolStats() -> {loops, helped,
// backoff, serialMs}: what the CPU thread pool did since the thread count was last set, so that a
// two-thread measurement can say whether its loops ran on two threads (lib/bench/kernels.ts).
#include "addon.h"
#include "check.h"
#include "tdmpc2/cpu_info.h"

#include <algorithm>
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

}  // namespace

TDMPC2_EXPORT("fmaPeak", FmaPeak);
TDMPC2_EXPORT("threadPoolStats", ThreadPoolStats);
TDMPC2_EXPORT("threadCpus", ThreadCpus);
TDMPC2_EXPORT("pinThread", PinThread);
TDMPC2_EXPORT("unpinThread", UnpinThread);
TDMPC2_EXPORT("gemmProfileStart", GemmProfileStart);
TDMPC2_EXPORT("gemmProfileStop", GemmProfileStop);

}  // namespace tdmpc2::binding
