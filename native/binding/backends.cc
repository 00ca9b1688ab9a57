// backends(): what this binary can run on, and why CUDA is not available when it is not.
#include "addon.h"
#include "check.h"
#include "tdmpc2/cpu_info.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

#ifndef TDMPC2_BUILDER
#define TDMPC2_BUILDER "unknown"
#endif

namespace tdmpc2::binding {
namespace {

Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);

  Napi::Object cpu = Napi::Object::New(env);
  cpu.Set("isa", cpu_isa());
  Napi::Object tiles = Napi::Object::New(env);
  tiles.Set("rows", cpu_gemm_rows_tile());
  tiles.Set("transposed", cpu_gemm_transposed_tile());
  cpu.Set("gemmTiles", tiles);
  cpu.Set("epilogueRows", cpu_epilogue_rows());
  cpu.Set("threads", cpu_threads());
  out.Set("cpu", cpu);

  Napi::Object cuda = Napi::Object::New(env);
#ifdef TDMPC2_WITH_CUDA
  cuda.Set("compiled", true);
  const CudaStatus s = cuda_status();
  cuda.Set("available", s.available);
  cuda.Set("runtimeVersion", s.runtime_version);
  cuda.Set("driverVersion", s.driver_version);
  if (s.available) {
    Napi::Array devices = Napi::Array::New(env, s.devices.size());
    for (size_t i = 0; i < s.devices.size(); ++i) {
      const CudaDeviceInfo& d = s.devices[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("id", d.id);
      o.Set("name", d.name);
      o.Set("computeCapability", std::to_string(d.major) + "." + std::to_string(d.minor));
      o.Set("totalMemory", double(d.total_memory));
      o.Set("multiprocessors", d.multiprocessors);
      devices.Set(uint32_t(i), o);
    }
    cuda.Set("devices", devices);
  } else {
    cuda.Set("reason", s.reason);
  }
#else
  cuda.Set("compiled", false);
  cuda.Set("available", false);
  cuda.Set("reason", "built without CUDA");
#endif
  out.Set("cuda", cuda);
  out.Set("builder", TDMPC2_BUILDER);
  return out;
}

// setNumThreads(n) -> n: the threads the CPU kernels may use from now on (the caller included).
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const char* op = "setNumThreads";
  require_arg_count(info, 1, op, "(n)");
  const int64_t n = int_arg(info, 0, op, "n", 1, 256);
  set_cpu_threads(int(n));
  return Napi::Number::New(info.Env(), double(cpu_threads()));
}

// exportNames() -> string[]: every registered native function (the boundary test covers each).
Napi::Value ExportNames(const Napi::CallbackInfo& info) {
  const auto& reg = export_registry();
  Napi::Array a = Napi::Array::New(info.Env(), reg.size());
  for (size_t i = 0; i < reg.size(); ++i) a.Set(uint32_t(i), reg[i].name);
  return a;
}

}  // namespace

TDMPC2_EXPORT("backends", Backends);
TDMPC2_EXPORT("exportNames", ExportNames);
TDMPC2_EXPORT("setNumThreads", SetNumThreads);

}  // namespace tdmpc2::binding
