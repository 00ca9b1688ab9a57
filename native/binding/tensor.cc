// Tensor handles: creation from/to Float32Array, views, copies, fill, dispose.
#include <cstring>

#include "addon.h"
#include "check.h"
#include "tdmpc2/memory.h"
#include "tensor_handle.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {

namespace {
constexpr napi_type_tag kTensorTag = {0x7d6c2a51e4b94f07ULL, 0xa3c815f26b0e9d44ULL};
}

Storage::Storage(int64_t n, int dev) : count(n), device(dev) {
#ifdef TDMPC2_WITH_CUDA
  if (dev >= 0) {
    data = cuda_alloc(size_t(n), dev);
    return;
  }
#endif
  data = host_alloc(size_t(n));
}

Storage::~Storage() {
#ifdef TDMPC2_WITH_CUDA
  if (device >= 0) {
    cuda_free(data, device);
    return;
  }
#endif
  host_free(data);
}

Napi::Value wrap_tensor(Napi::Env env, TensorBox* box) {
  auto ext = Napi::External<TensorBox>::New(env, box, [](Napi::Env, TensorBox* b) { delete b; });
  ext.TypeTag(&kTensorTag);
  return ext;
}

TensorBox* unwrap_tensor(Napi::Value value) {
  if (!value.IsExternal()) return nullptr;
  auto ext = value.As<Napi::External<TensorBox>>();
  if (!ext.CheckTypeTag(&kTensorTag)) return nullptr;
  return ext.Data();
}

namespace {

TensorBox* new_tensor(const Shape& s, int device) {
  auto box = new TensorBox();
  try {
    box->storage = std::make_shared<Storage>(s.numel(), device);
  } catch (...) {
    delete box;
    throw;
  }
  box->t.data = box->storage->data;
  box->t.ndim = s.ndim;
  for (int d = 0; d < s.ndim; ++d) box->t.shape[d] = s.dims[d];
  box->t.device = device;
  return box;
}

void fill(Tensor& t, float value) {
#ifdef TDMPC2_WITH_CUDA
  if (!t.on_cpu()) return cuda_fill(t.data, value, size_t(t.numel()), t.device);
#endif
  for (int64_t i = 0, n = t.numel(); i < n; ++i) t.data[i] = value;
}

// Copies count floats between any two devices.
void copy(float* dst, int dst_dev, const float* src, int src_dev, int64_t count) {
  if (count == 0) return;
#ifdef TDMPC2_WITH_CUDA
  if (dst_dev >= 0 && src_dev >= 0) {
    if (dst_dev == src_dev) return cuda_copy_device(dst, src, size_t(count), dst_dev);
    std::unique_ptr<float[]> tmp(new float[size_t(count)]);
    cuda_copy_to_host(tmp.get(), src, size_t(count), src_dev);
    return cuda_copy_to_device(dst, tmp.get(), size_t(count), dst_dev);
  }
  if (dst_dev >= 0) return cuda_copy_to_device(dst, src, size_t(count), dst_dev);
  if (src_dev >= 0) return cuda_copy_to_host(dst, src, size_t(count), src_dev);
#endif
  std::memmove(dst, src, size_t(count) * sizeof(float));
}

Napi::Float32Array float32_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                               const char* name) {
  if (!info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(std::string(op) + ": " + name + ": expected a Float32Array, got " +
               describe_js_value(info[i]));
  return info[i].As<Napi::Float32Array>();
}

// tensorFromArray(data: Float32Array, shape: number[], device: number) -> tensor
Napi::Value TensorFromArray(const Napi::CallbackInfo& info) {
  const char* op = "tensorFromArray";
  require_arg_count(info, 3, op, "(data, shape, device)");
  Napi::Float32Array data = float32_arg(info, 0, op, "data");
  const Shape s = shape_arg(info, 1, op, "shape");
  if (int64_t(data.ElementLength()) != s.numel())
    throw_range(std::string(op) + ": data: shape " + s.str() + " needs " +
                std::to_string(s.numel()) + " elements, got a Float32Array of length " +
                std::to_string(data.ElementLength()));
  const int device = device_arg(info, 2, op, "device");
  TensorBox* box = new_tensor(s, device);
  try {
    copy(box->t.data, device, data.Data(), kCpu, s.numel());
  } catch (...) {
    delete box;
    throw;
  }
  return wrap_tensor(info.Env(), box);
}

// tensorZeros(shape: number[], device: number) -> tensor
Napi::Value TensorZeros(const Napi::CallbackInfo& info) {
  const char* op = "tensorZeros";
  require_arg_count(info, 2, op, "(shape, device)");
  const Shape s = shape_arg(info, 0, op, "shape");
  const int device = device_arg(info, 1, op, "device");
  TensorBox* box = new_tensor(s, device);
  try {
    fill(box->t, 0.f);
  } catch (...) {
    delete box;
    throw;
  }
  return wrap_tensor(info.Env(), box);
}

// tensorRead(t, out?: Float32Array) -> Float32Array (out when given)
Napi::Value TensorRead(const Napi::CallbackInfo& info) {
  const char* op = "tensorRead";
  require_arg_count(info, 1, op, "(tensor, out?)");
  Tensor& t = tensor_arg(info, 0, op, "tensor");
  Napi::Float32Array out;
  if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) {
    out = float32_arg(info, 1, op, "out");
    if (int64_t(out.ElementLength()) != t.numel())
      throw_range(std::string(op) + ": out: expected a Float32Array of length " +
                  std::to_string(t.numel()) + " for shape " + t.shape_string() + ", got length " +
                  std::to_string(out.ElementLength()));
  } else {
    out = Napi::Float32Array::New(info.Env(), size_t(t.numel()));
  }
  copy(out.Data(), kCpu, t.data, t.device, t.numel());
  return out;
}

// tensorWrite(t, data: Float32Array): copies data into the tensor (same element count).
Napi::Value TensorWrite(const Napi::CallbackInfo& info) {
  const char* op = "tensorWrite";
  require_arg_count(info, 2, op, "(tensor, data)");
  Tensor& t = tensor_arg(info, 0, op, "tensor");
  Napi::Float32Array data = float32_arg(info, 1, op, "data");
  if (int64_t(data.ElementLength()) != t.numel())
    throw_range(std::string(op) + ": data: expected a Float32Array of length " +
                std::to_string(t.numel()) + " for shape " + t.shape_string() + ", got length " +
                std::to_string(data.ElementLength()));
  copy(t.data, t.device, data.Data(), kCpu, t.numel());
  return info.Env().Undefined();
}

// tensorFill(t, value: number)
Napi::Value TensorFill(const Napi::CallbackInfo& info) {
  const char* op = "tensorFill";
  require_arg_count(info, 2, op, "(tensor, value)");
  Tensor& t = tensor_arg(info, 0, op, "tensor");
  const double v = number_arg(info, 1, op, "value");
  fill(t, float(v));
  return info.Env().Undefined();
}

// tensorCopy(dst, src): same element count, any devices.
Napi::Value TensorCopy(const Napi::CallbackInfo& info) {
  const char* op = "tensorCopy";
  require_arg_count(info, 2, op, "(dst, src)");
  Tensor& dst = tensor_arg(info, 0, op, "dst");
  Tensor& src = tensor_arg(info, 1, op, "src");
  if (dst.numel() != src.numel())
    throw_range(std::string(op) + ": dst has shape " + dst.shape_string() + " but src has shape " +
                src.shape_string() + "; element counts must match");
  copy(dst.data, dst.device, src.data, src.device, src.numel());
  return info.Env().Undefined();
}

// tensorView(t, offset: number, shape: number[]) -> tensor sharing t's storage, starting
// `offset` elements into t (reshape when offset is 0, row slices otherwise).
Napi::Value TensorView(const Napi::CallbackInfo& info) {
  const char* op = "tensorView";
  require_arg_count(info, 3, op, "(tensor, offset, shape)");
  TensorBox& src = tensor_box_arg(info, 0, op, "tensor");
  const int64_t offset = int_arg(info, 1, op, "offset", 0, src.t.numel());
  const Shape s = shape_arg(info, 2, op, "shape");
  if (offset + s.numel() > src.t.numel())
    throw_range(std::string(op) + ": shape " + s.str() + " at offset " + std::to_string(offset) +
                " needs " + std::to_string(offset + s.numel()) + " elements, tensor of shape " +
                src.t.shape_string() + " has " + std::to_string(src.t.numel()));
  auto box = new TensorBox();
  box->storage = src.storage;
  box->t = src.t;
  box->t.data = src.t.data + offset;
  box->t.ndim = s.ndim;
  for (int d = 0; d < kMaxDims; ++d) box->t.shape[d] = d < s.ndim ? s.dims[d] : 0;
  return wrap_tensor(info.Env(), box);
}

// tensorShape(t) -> number[]
Napi::Value TensorShape(const Napi::CallbackInfo& info) {
  require_arg_count(info, 1, "tensorShape", "(tensor)");
  Tensor& t = tensor_arg(info, 0, "tensorShape", "tensor");
  Napi::Array a = Napi::Array::New(info.Env(), size_t(t.ndim));
  for (int d = 0; d < t.ndim; ++d) a.Set(uint32_t(d), Napi::Number::New(info.Env(), double(t.shape[d])));
  return a;
}

// tensorDevice(t) -> -1 (cpu) or the CUDA device id
Napi::Value TensorDevice(const Napi::CallbackInfo& info) {
  require_arg_count(info, 1, "tensorDevice", "(tensor)");
  Tensor& t = tensor_arg(info, 0, "tensorDevice", "tensor");
  return Napi::Number::New(info.Env(), t.device);
}

// tensorDispose(t): releases this handle's reference now; idempotent.
Napi::Value TensorDispose(const Napi::CallbackInfo& info) {
  const char* op = "tensorDispose";
  require_arg_count(info, 1, op, "(tensor)");
  TensorBox* box = unwrap_tensor(info[0]);
  if (box == nullptr)
    throw_type(std::string(op) + ": tensor: expected a tensor, got " + describe_js_value(info[0]));
  if (box->pins > 0)
    throw Error(ErrorKind::Runtime,
                std::string(op) + ": tensor is in use by a running async operation");
  box->storage.reset();
  box->t.data = nullptr;
  return info.Env().Undefined();
}

// tensorIsDisposed(t) -> boolean
Napi::Value TensorIsDisposed(const Napi::CallbackInfo& info) {
  const char* op = "tensorIsDisposed";
  require_arg_count(info, 1, op, "(tensor)");
  TensorBox* box = unwrap_tensor(info[0]);
  if (box == nullptr)
    throw_type(std::string(op) + ": tensor: expected a tensor, got " + describe_js_value(info[0]));
  return Napi::Boolean::New(info.Env(), !box->storage);
}

}  // namespace

TDMPC2_EXPORT("tensorFromArray", TensorFromArray);
TDMPC2_EXPORT("tensorZeros", TensorZeros);
TDMPC2_EXPORT("tensorRead", TensorRead);
TDMPC2_EXPORT("tensorWrite", TensorWrite);
TDMPC2_EXPORT("tensorFill", TensorFill);
TDMPC2_EXPORT("tensorCopy", TensorCopy);
TDMPC2_EXPORT("tensorView", TensorView);
TDMPC2_EXPORT("tensorShape", TensorShape);
TDMPC2_EXPORT("tensorDevice", TensorDevice);
TDMPC2_EXPORT("tensorDispose", TensorDispose);
TDMPC2_EXPORT("tensorIsDisposed", TensorIsDisposed);

}  // namespace tdmpc2::binding
