// Benchmark-only exports: fmaPeak(seconds) -> GFLOP/s of the GEMM's instruction set on one core,
// the ceiling benchmarks/kernels.ts reports each GEMM against (measured in the same run).
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

}  // namespace

TDMPC2_EXPORT("fmaPeak", FmaPeak);

}  // namespace tdmpc2::binding
