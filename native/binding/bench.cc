// Benchmark-only exports: fmaPeak(seconds) -> GFLOP/s of the GEMM's instruction set on one core,
// the ceiling benchmarks/kernels.ts reports each GEMM against (measured in the same run);
// gemmProfileStart() and gemmProfileStop() -> [{form, M, N, K, epilogue, calls, seconds}], the
// CPU GEMM's time per form and shape in between (lib/bench/gemm-profile.ts).
#include "addon.h"
#include "check.h"
#include "tdmpc2/cpu_info.h"

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

}  // namespace

TDMPC2_EXPORT("fmaPeak", FmaPeak);
TDMPC2_EXPORT("gemmProfileStart", GemmProfileStart);
TDMPC2_EXPORT("gemmProfileStop", GemmProfileStop);

}  // namespace tdmpc2::binding
