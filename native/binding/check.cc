#include "check.h"

#include <cmath>

#include "addon.h"

namespace tdmpc2::binding {

namespace {
std::string prefix(const char* op, const char* name) { return std::string(op) + ": " + name + ": "; }
constexpr double kMaxSafeInteger = 9007199254740991.0;
}  // namespace

std::string describe_js_value(Napi::Value v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "the number " + std::to_string(v.As<Napi::Number>().DoubleValue());
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    case napi_external: return unwrap_tensor(v) ? "a tensor" : "a foreign native handle";
    case napi_object:
      if (v.IsTypedArray()) return "a typed array of another type";
      if (v.IsArray()) return "an array";
      return "an object";
  }
  return "an unknown value";
}

void require_arg_count(const Napi::CallbackInfo& info, size_t n, const char* op,
                       const char* signature) {
  if (info.Length() < n)
    throw_type(std::string(op) + ": expected " + std::to_string(n) + " arguments " + signature +
               ", got " + std::to_string(info.Length()));
}

TensorBox& tensor_box_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                          const char* name) {
  TensorBox* box = unwrap_tensor(info[i]);
  if (box == nullptr)
    throw_type(prefix(op, name) + "expected a tensor, got " + describe_js_value(info[i]));
  if (!box->storage) throw Error(ErrorKind::Disposed, prefix(op, name) + "tensor was disposed");
  return *box;
}

Tensor& tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  return tensor_box_arg(info, i, op, name).t;
}

Tensor* optional_tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                            const char* name) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return nullptr;
  return &tensor_arg(info, i, op, name);
}

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (!info[i].IsNumber())
    throw_type(prefix(op, name) + "expected a number, got " + describe_js_value(info[i]));
  return info[i].As<Napi::Number>().DoubleValue();
}

float finite_float_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                       const char* name) {
  const double v = number_arg(info, i, op, name);
  if (!std::isfinite(v) || std::fabs(v) > 3.4028234663852886e38)
    throw_range(prefix(op, name) + "expected a finite float32 number, got " + std::to_string(v));
  return float(v);
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                int64_t lo, int64_t hi) {
  const double v = number_arg(info, i, op, name);
  if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) > kMaxSafeInteger)
    throw_range(prefix(op, name) + "expected an integer, got " + std::to_string(v));
  if (v < double(lo) || v > double(hi))
    throw_range(prefix(op, name) + "expected an integer in [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "], got " + std::to_string(int64_t(v)));
  return int64_t(v);
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (!info[i].IsBoolean())
    throw_type(prefix(op, name) + "expected a boolean, got " + describe_js_value(info[i]));
  return info[i].As<Napi::Boolean>().Value();
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < ndim; ++i) n *= dims[i];
  return n;
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < ndim; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

Shape shape_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (!info[i].IsArray())
    throw_type(prefix(op, name) + "expected an array of dimensions, got " +
               describe_js_value(info[i]));
  const Napi::Array arr = info[i].As<Napi::Array>();
  if (arr.Length() < 1 || arr.Length() > kMaxDims)
    throw_range(prefix(op, name) + "expected 1 to 4 dimensions, got " +
                std::to_string(arr.Length()));
  Shape s;
  s.ndim = int(arr.Length());
  double total = 1;
  for (uint32_t d = 0; d < arr.Length(); ++d) {
    const Napi::Value v = arr.Get(d);
    if (!v.IsNumber())
      throw_type(prefix(op, name) + "dimension " + std::to_string(d) + " must be a number, got " +
                 describe_js_value(v));
    const double x = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(x) || std::floor(x) != x || x < 0 || x > kMaxSafeInteger)
      throw_range(prefix(op, name) + "dimension " + std::to_string(d) +
                  " must be a non-negative integer, got " + std::to_string(x));
    s.dims[d] = int64_t(x);
    total *= x;
  }
  if (total > double(kMaxElements))
    throw_range(prefix(op, name) + "shape " + s.str() + " has " + std::to_string(total) +
                " elements, more than the limit " + std::to_string(kMaxElements));
  return s;
}

int device_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  const int64_t d = int_arg(info, i, op, name, -1, 1023);
  if (d >= 0) require_cuda_device(info.Env(), int(d), op);
  return int(d);
}

std::string shape_string(const int64_t* dims, size_t n) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + (dims[i] < 0 ? std::string("*") : std::to_string(dims[i]));
  return s + "]";
}

std::string shape_string(std::initializer_list<int64_t> dims) {
  return shape_string(dims.begin(), dims.size());
}

void require_ndim(const Tensor& t, int ndim, const char* op, const char* name) {
  if (t.ndim != ndim)
    throw_range(prefix(op, name) + "expected " + std::to_string(ndim) + " dimensions, got shape " +
                t.shape_string());
}

void require_shape(const Tensor& t, std::initializer_list<int64_t> expected, const char* op,
                   const char* name) {
  bool ok = t.ndim == int(expected.size());
  int d = 0;
  for (int64_t e : expected) {
    if (!ok) break;
    if (e >= 0 && t.shape[d] != e) ok = false;
    ++d;
  }
  if (!ok)
    throw_range(prefix(op, name) + "expected shape " + shape_string(expected) + ", got " +
                t.shape_string());
}

void require_same_device(const Tensor& a, const char* a_name, const Tensor& b, const char* b_name,
                         const char* op) {
  if (a.device != b.device)
    throw_range(std::string(op) + ": " + a_name + " is on " + a.device_string() + " but " +
                b_name + " is on " + b.device_string() + "; all tensors must be on one device");
}

void require_no_overlap(const Tensor& out, const char* out_name, const Tensor& in,
                        const char* in_name, const char* op) {
  if (out.device != in.device) return;
  const float* o0 = out.data;
  const float* o1 = out.data + out.numel();
  const float* i0 = in.data;
  const float* i1 = in.data + in.numel();
  if (o0 < i1 && i0 < o1)
    throw_range(std::string(op) + ": output " + out_name + " shares memory with input " +
                in_name + "; pass a separate tensor");
}

void require_same_device(std::initializer_list<NamedTensor> tensors, const char* op) {
  const NamedTensor* first = nullptr;
  for (const NamedTensor& n : tensors) {
    if (n.t == nullptr) continue;
    if (first == nullptr) first = &n;
    else require_same_device(*first->t, first->name, *n.t, n.name, op);
  }
}

void require_disjoint_outputs(std::initializer_list<NamedTensor> outputs,
                              std::initializer_list<NamedTensor> inputs, const char* op) {
  for (const NamedTensor* o = outputs.begin(); o != outputs.end(); ++o) {
    if (o->t == nullptr) continue;
    for (const NamedTensor& in : inputs)
      if (in.t != nullptr) require_no_overlap(*o->t, o->name, *in.t, in.name, op);
    for (const NamedTensor* p = o + 1; p != outputs.end(); ++p) {
      if (p->t == nullptr || p->t->device != o->t->device) continue;
      const float* a0 = o->t->data;
      const float* b0 = p->t->data;
      if (a0 < b0 + p->t->numel() && b0 < a0 + o->t->numel())
        throw_range(std::string(op) + ": outputs " + o->name + " and " + p->name +
                    " share memory; pass separate tensors");
    }
  }
}

}  // namespace tdmpc2::binding
