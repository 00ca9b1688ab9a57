// rngUniform / rngNormal / philoxBlock: validation, then the CPU or CUDA kernel (see tdmpc2/rng.h).
#include <cmath>
#include <string>

#include "addon.h"
#include "check.h"
#include "tdmpc2/math/philox.h"
#include "tdmpc2/rng.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

constexpr int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 − 1: exact as a JS number
constexpr int64_t kMaxUint32 = 4294967295;

struct Address {
  uint64_t seed;
  uint32_t stream;
  uint64_t offset;
};

// (seed, stream, offset) at arguments i, i+1, i+2.
Address address_args(const Napi::CallbackInfo& info, size_t i, const char* op) {
  Address a;
  a.seed = uint64_t(int_arg(info, i, op, "seed", 0, kMaxSafeInteger));
  a.stream = uint32_t(int_arg(info, i + 1, op, "stream", 0, kMaxUint32));
  a.offset = uint64_t(int_arg(info, i + 2, op, "offset", 0, kMaxSafeInteger));
  return a;
}

using FillFn = void (*)(float*, int64_t, uint64_t, uint32_t, uint64_t);

Napi::Value fill_random(const Napi::CallbackInfo& info, const char* op, FillFn cpu,
                        [[maybe_unused]] FillFn cuda) {
  require_arg_count(info, 4, op, "(out, seed, stream, offset)");
  Tensor& out = tensor_arg(info, 0, op, "out");
  const Address a = address_args(info, 1, op);
  const int64_t n = out.numel();
  if (n == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!out.on_cpu()) {
    cuda_set_device(out.device);
    cuda(out.data, n, a.seed, a.stream, a.offset);
    return info.Env().Undefined();
  }
#endif
  cpu(out.data, n, a.seed, a.stream, a.offset);
  return info.Env().Undefined();
}

#ifdef TDMPC2_WITH_CUDA
constexpr FillFn kUniformCuda = rng_uniform_cuda;
constexpr FillFn kNormalCuda = rng_normal_cuda;
#else
constexpr FillFn kUniformCuda = nullptr;
constexpr FillFn kNormalCuda = nullptr;
#endif

// rngUniform(out, seed, stream, offset): out[i] = uniform number i of the draw, in [0, 1).
Napi::Value RngUniform(const Napi::CallbackInfo& info) {
  return fill_random(info, "rngUniform", rng_uniform_cpu, kUniformCuda);
}

// rngNormal(out, seed, stream, offset): out[i] = standard-normal number i of the draw.
Napi::Value RngNormal(const Napi::CallbackInfo& info) {
  return fill_random(info, "rngNormal", rng_normal_cpu, kNormalCuda);
}

// An array of exactly `len` integers in [0, 2^32 − 1].
void u32_array_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                   uint32_t len, uint32_t* out) {
  const std::string prefix = std::string(op) + ": " + name + ": ";
  if (!info[i].IsArray())
    throw_type(prefix + "expected an array of " + std::to_string(len) +
               " uint32 numbers, got " + describe_js_value(info[i]));
  const Napi::Array arr = info[i].As<Napi::Array>();
  if (arr.Length() != len)
    throw_range(prefix + "expected " + std::to_string(len) + " elements, got " +
                std::to_string(arr.Length()));
  for (uint32_t k = 0; k < len; ++k) {
    const Napi::Value v = arr.Get(k);
    if (!v.IsNumber())
      throw_type(prefix + "element " + std::to_string(k) + " must be a number, got " +
                 describe_js_value(v));
    const double x = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(x) || std::floor(x) != x || x < 0 || x > double(kMaxUint32))
      throw_range(prefix + "element " + std::to_string(k) +
                  " must be an integer in [0, 4294967295], got " + std::to_string(x));
    out[k] = uint32_t(x);
  }
}

// philoxBlock(counter: [c0, c1, c2, c3], key: [k0, k1]) -> [4 uint32]: the raw Philox4x32-10
// bijection, for the known-answer test.
Napi::Value PhiloxBlock(const Napi::CallbackInfo& info) {
  const char* op = "philoxBlock";
  require_arg_count(info, 2, op, "(counter, key)");
  Philox4 c;
  uint32_t key[2];
  u32_array_arg(info, 0, op, "counter", 4, c.v);
  u32_array_arg(info, 1, op, "key", 2, key);
  const Philox4 r = philox4x32_10(c, key[0], key[1]);
  Napi::Array out = Napi::Array::New(info.Env(), 4);
  for (uint32_t k = 0; k < 4; ++k) out.Set(k, Napi::Number::New(info.Env(), double(r.v[k])));
  return out;
}

}  // namespace

TDMPC2_EXPORT("rngUniform", RngUniform);
TDMPC2_EXPORT("rngNormal", RngNormal);
TDMPC2_EXPORT("philoxBlock", PhiloxBlock);

}  // namespace tdmpc2::binding
