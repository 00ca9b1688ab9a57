// Benchmark helpers: cpuFmaPeak(milliseconds) -> { gflops, seconds, flops }, the single-thread
// FMA ceiling benchmarks report their kernels against (tdmpc2/fma_peak.h).
#include "addon.h"
#include "check.h"
#include "tdmpc2/fma_peak.h"

namespace tdmpc2::binding {
namespace {

Napi::Value CpuFmaPeak(const Napi::CallbackInfo& info) {
  const char* op = "cpuFmaPeak";
  require_arg_count(info, 1, op, "(milliseconds)");
  const int64_t ms = int_arg(info, 0, op, "milliseconds", 1, 60'000);
  const FmaPeak p = cpu_fma_peak(double(ms));
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("gflops", p.gflops);
  out.Set("seconds", p.seconds);
  out.Set("flops", double(p.flops));
  return out;
}

}  // namespace

TDMPC2_EXPORT("cpuFmaPeak", CpuFmaPeak);

}  // namespace tdmpc2::binding
