// Module init: exports every registered function behind one exception guard.
#include "addon.h"

#include <new>

#include "tdmpc2/error.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {

std::vector<ExportEntry>& export_registry() {
  static std::vector<ExportEntry> entries;
  return entries;
}

Addon& addon(Napi::Env env) { return *env.GetInstanceData<Addon>(); }

const Addon& probed_addon(Napi::Env env) {
  Addon& a = addon(env);
  if (a.cuda_probed) return a;
  a.cuda_probed = true;
#ifdef TDMPC2_WITH_CUDA
  const CudaStatus s = cuda_status();
  a.cuda_available = s.available;
  a.cuda_reason = s.reason;
  for (const auto& d : s.devices) a.cuda_devices.push_back(d.id);
#else
  a.cuda_reason = "built without CUDA";
#endif
  return a;
}

void require_cuda_device(Napi::Env env, int device, const char* op) {
  const Addon& a = probed_addon(env);
  if (!a.cuda_available)
    throw Error(ErrorKind::Cuda, std::string(op) + ": device cuda:" + std::to_string(device) +
                                     " requested but CUDA is unavailable (" + a.cuda_reason + ")");
  for (int d : a.cuda_devices)
    if (d == device) return;
  throw_range(std::string(op) + ": device cuda:" + std::to_string(device) + " does not exist (" +
              std::to_string(a.cuda_devices.size()) + " CUDA device(s))");
}

Napi::Error to_js_error(Napi::Env env, const Error& e) {
  switch (e.kind()) {
    case ErrorKind::Type: return Napi::TypeError::New(env, e.what());
    case ErrorKind::Range: return Napi::RangeError::New(env, e.what());
    default: break;
  }
  Napi::Error err = Napi::Error::New(env, e.what());
  const char* code = nullptr;
  switch (e.kind()) {
    case ErrorKind::Disposed: code = "ERR_DISPOSED"; break;
    case ErrorKind::Cuda: code = "ERR_CUDA"; break;
    case ErrorKind::OutOfMemory: code = "ERR_OOM"; break;
    default: break;
  }
  if (code != nullptr) err.Set("code", Napi::String::New(env, code));
  return err;
}

namespace {

// The single trampoline of every export: no C++ exception crosses into N-API.
Napi::Value guarded_call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto fn = reinterpret_cast<ExportFn>(info.Data());
  try {
    return fn(info);
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  } catch (const Error& e) {
    to_js_error(env, e).ThrowAsJavaScriptException();
  } catch (const std::bad_alloc&) {
    to_js_error(env, Error(ErrorKind::OutOfMemory, "out of host memory"))
        .ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    Napi::Error::New(env, e.what()).ThrowAsJavaScriptException();
  } catch (...) {
    Napi::Error::New(env, "unknown native exception").ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<Addon>(new Addon());
  for (const ExportEntry& e : export_registry()) {
    exports.Set(e.name, Napi::Function::New(env, guarded_call, e.name,
                                            reinterpret_cast<void*>(e.fn)));
  }
  return exports;
}

}  // namespace
}  // namespace tdmpc2::binding

static Napi::Object InitTdmpc2(Napi::Env env, Napi::Object exports) {
  return tdmpc2::binding::init(env, exports);
}
NODE_API_MODULE(tdmpc2, InitTdmpc2)
