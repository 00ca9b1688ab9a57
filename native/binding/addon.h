// The N-API boundary: export registry, per-addon state and the guard that turns every C++
// exception into a JS error. Only native/binding/ includes napi.h.
#pragma once
#include <napi.h>

#include "tdmpc2/error.h"

#include <string>
#include <vector>

namespace tdmpc2::binding {

using ExportFn = Napi::Value (*)(const Napi::CallbackInfo&);

struct ExportEntry {
  const char* name;
  ExportFn fn;
};

// Every binding file registers its functions with TDMPC2_EXPORT; addon.cc exports them all, each
// behind the exception guard. No file has to be edited to add an op.
std::vector<ExportEntry>& export_registry();

struct ExportRegistrar {
  ExportRegistrar(const char* name, ExportFn fn) { export_registry().push_back({name, fn}); }
};

#define TDMPC2_EXPORT(js_name, fn) \
  static ::tdmpc2::binding::ExportRegistrar registrar_##fn##_instance(js_name, fn)

// Per-addon state, owned by the env (freed by its cleanup), never a process global.
struct Addon {
  bool cuda_probed = false;
  bool cuda_available = false;
  std::string cuda_reason;  // why CUDA is unavailable
  std::vector<int> cuda_devices;
};

Addon& addon(Napi::Env env);

// The addon state with the CUDA probe done (once per addon instance).
const Addon& probed_addon(Napi::Env env);

// The JS error for a native error: TypeError, RangeError, or Error with a `code` (ERR_DISPOSED,
// ERR_CUDA, ERR_OOM). For errors raised off the main thread (async work).
Napi::Error to_js_error(Napi::Env env, const Error& e);

// Throws tdmpc2::Error unless CUDA device `device` can be used; the message carries the reason.
void require_cuda_device(Napi::Env env, int device, const char* op);

}  // namespace tdmpc2::binding
