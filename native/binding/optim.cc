// adamStep / sumSquares / scale / polyakUpdate: validation, then the CPU or CUDA kernel
// (see tdmpc2/optim.h and tdmpc2/math/adam.h).
#include <cmath>
#include <cstdio>
#include <string>

#include "addon.h"
#include "check.h"
#include "tdmpc2/optim.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

constexpr int64_t kMaxSafeInteger = 9007199254740991;

// Shortest readable form of a hyperparameter: 1e-08, 0.999, inf, nan.
std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

// A finite number in [lo, hi] (hi excluded when hi_open): the hyperparameter ranges torch.optim
// checks, plus finiteness, which it does not.
double bounded_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                   double lo, double hi, bool hi_open) {
  const double x = number_arg(info, i, op, name);
  const bool ok = std::isfinite(x) && x >= lo && (hi_open ? x < hi : x <= hi);
  if (!ok) {
    const std::string hi_str = std::isinf(hi) ? "inf)" : fmt(hi) + (hi_open ? ")" : "]");
    throw_range(std::string(op) + ": " + name + ": expected a finite number in [" + fmt(lo) +
                ", " + hi_str + ", got " + fmt(x));
  }
  return x;
}

// `t` has the same shape as `ref` (a flat buffer's companions: gradient, moments, target).
void require_same_shape(const Tensor& t, const char* name, const Tensor& ref, const char* ref_name,
                        const char* op) {
  bool same = t.ndim == ref.ndim;
  for (int d = 0; same && d < t.ndim; ++d) same = t.shape[d] == ref.shape[d];
  if (!same)
    throw_range(std::string(op) + ": " + name + ": expected shape " + ref.shape_string() +
                " (the shape of " + ref_name + "), got " + t.shape_string());
}

// adamStep(param, grad, m, v, lr, beta1, beta2, eps, step, gradScale, zeroGrad): one
// torch.optim.Adam step of one parameter group; param, m, v updated in place, grad read (scaled by
// gradScale on the fly) and, with zeroGrad, set to 0 in the same pass.
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const char* op = "adamStep";
  require_arg_count(info, 11, op,
                    "(param, grad, m, v, lr, beta1, beta2, eps, step, gradScale, zeroGrad)");
  Tensor& param = tensor_arg(info, 0, op, "param");
  Tensor& grad = tensor_arg(info, 1, op, "grad");
  Tensor& m = tensor_arg(info, 2, op, "m");
  Tensor& v = tensor_arg(info, 3, op, "v");
  const double inf = INFINITY;
  const double lr = bounded_arg(info, 4, op, "lr", 0, inf, false);
  const double beta1 = bounded_arg(info, 5, op, "beta1", 0, 1, true);
  const double beta2 = bounded_arg(info, 6, op, "beta2", 0, 1, true);
  const double eps = bounded_arg(info, 7, op, "eps", 0, inf, false);
  const int64_t step = int_arg(info, 8, op, "step", 1, kMaxSafeInteger);
  const double grad_scale = bounded_arg(info, 9, op, "gradScale", 0, inf, false);
  const bool zero_grad = bool_arg(info, 10, op, "zeroGrad");
  require_same_shape(grad, "grad", param, "param", op);
  require_same_shape(m, "m", param, "param", op);
  require_same_shape(v, "v", param, "param", op);
  require_same_device({{&param, "param"}, {&grad, "grad"}, {&m, "m"}, {&v, "v"}}, op);
  require_disjoint_outputs({{&param, "param"}, {&m, "m"}, {&v, "v"}}, {{&grad, "grad"}}, op);
  const int64_t n = param.numel();
  if (n == 0) return info.Env().Undefined();
  const AdamScalars s = adam_scalars(lr, beta1, beta2, eps, step, grad_scale);
#ifdef TDMPC2_WITH_CUDA
  if (!param.on_cpu()) {
    cuda_set_device(param.device);
    adam_step_cuda(param.data, grad.data, m.data, v.data, n, s, zero_grad);
    return info.Env().Undefined();
  }
#endif
  adam_step_cpu(param.data, grad.data, m.data, v.data, n, s, zero_grad);
  return info.Env().Undefined();
}

// sumSquares(t) -> Σ t[i]² (accumulated in double).
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  const char* op = "sumSquares";
  require_arg_count(info, 1, op, "(t)");
  Tensor& t = tensor_arg(info, 0, op, "t");
  const int64_t n = t.numel();
  double s = 0.0;
  if (n > 0) {
#ifdef TDMPC2_WITH_CUDA
    if (!t.on_cpu()) {
      cuda_set_device(t.device);
      s = sum_squares_cuda(t.data, n);
    } else {
      s = sum_squares_cpu(t.data, n);
    }
#else
    s = sum_squares_cpu(t.data, n);
#endif
  }
  return Napi::Number::New(info.Env(), s);
}

// scale(t, s): t ← t·s in place (float32 multiply; any number, NaN and ±∞ included).
Napi::Value Scale(const Napi::CallbackInfo& info) {
  const char* op = "scale";
  require_arg_count(info, 2, op, "(t, s)");
  Tensor& t = tensor_arg(info, 0, op, "t");
  const float s = float(number_arg(info, 1, op, "s"));
  const int64_t n = t.numel();
  if (n == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!t.on_cpu()) {
    cuda_set_device(t.device);
    scale_cuda(t.data, n, s);
    return info.Env().Undefined();
  }
#endif
  scale_cpu(t.data, n, s);
  return info.Env().Undefined();
}

// polyakUpdate(target, online, tau): target ← target + τ·(online − target), τ ∈ [0, 1].
Napi::Value PolyakUpdate(const Napi::CallbackInfo& info) {
  const char* op = "polyakUpdate";
  require_arg_count(info, 3, op, "(target, online, tau)");
  Tensor& target = tensor_arg(info, 0, op, "target");
  Tensor& online = tensor_arg(info, 1, op, "online");
  const float tau = float(bounded_arg(info, 2, op, "tau", 0, 1, false));
  require_same_shape(online, "online", target, "target", op);
  require_same_device(target, "target", online, "online", op);
  require_no_overlap(target, "target", online, "online", op);
  const int64_t n = target.numel();
  if (n == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!target.on_cpu()) {
    cuda_set_device(target.device);
    polyak_cuda(target.data, online.data, n, tau);
    return info.Env().Undefined();
  }
#endif
  polyak_cpu(target.data, online.data, n, tau);
  return info.Env().Undefined();
}

}  // namespace

TDMPC2_EXPORT("adamStep", AdamStep);
TDMPC2_EXPORT("sumSquares", SumSquares);
TDMPC2_EXPORT("scale", Scale);
TDMPC2_EXPORT("polyakUpdate", PolyakUpdate);

}  // namespace tdmpc2::binding
