// Tensor handles as JS sees them: a type-tagged External owning a reference to shared storage.
// Several handles may view one storage (reshape, row slices); the storage is freed when the last
// handle is disposed or collected.
#pragma once
#include <napi.h>

#include <memory>

#include "tdmpc2/tensor.h"

namespace tdmpc2::binding {

// Memory of one allocation on one device; frees itself.
struct Storage {
  float* data = nullptr;
  int64_t count = 0;
  int device = kCpu;
  Storage(int64_t count, int device);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
};

struct TensorBox {
  std::shared_ptr<Storage> storage;  // null once disposed
  Tensor t;
  int pins = 0;  // running async ops that use this tensor; dispose is refused while > 0
};

// Wraps a new box in a tagged External whose finalizer releases the storage.
Napi::Value wrap_tensor(Napi::Env env, TensorBox* box);

// The box behind `value`, or nullptr when value is not a tensor handle (no throw).
TensorBox* unwrap_tensor(Napi::Value value);

}  // namespace tdmpc2::binding
