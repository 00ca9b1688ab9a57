// softCrossEntropy / twoHotInvForward / twoHotInvBackward / twoHotEncode: validation, then the
// CPU or CUDA kernel (see tdmpc2/critic.h). Logits have C = max(K, 1) columns.
#include <cmath>
#include <string>

#include "addon.h"
#include "check.h"
#include "tdmpc2/critic.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

constexpr int64_t kMaxBins = int64_t(1) << 24;

// (K, vmin, vmax) at arguments i, i+1, i+2: K ∈ [0, 2²⁴], vmin < vmax, both finite in float32
// with a finite float32 span (the bin centres are computed in float32).
TwoHotBins bins_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  TwoHotBins b;
  b.K = int_arg(info, i, op, "numBins", 0, kMaxBins);
  const float lo = finite_float_arg(info, i + 1, op, "vmin");
  const float hi = finite_float_arg(info, i + 2, op, "vmax");
  if (!(hi > lo) || !std::isfinite(hi - lo))
    throw_range(std::string(op) + ": vmax: expected a number greater than vmin (" +
                std::to_string(lo) + ") with a finite float32 span, got " + std::to_string(hi));
  b.vmin = info[i + 1].As<Napi::Number>().DoubleValue();
  b.vmax = info[i + 2].As<Napi::Number>().DoubleValue();
  return b;
}

// Rows of a [R, C] logits tensor; RangeError naming the argument otherwise.
int64_t logits_rows(const Tensor& t, int64_t C, const char* op, const char* name) {
  require_ndim(t, 2, op, name);
  require_shape(t, {-1, C}, op, name);
  return t.shape[0];
}

// softCrossEntropy(logits [R,C], target [R], loss [R], dlogits [R,C] | null, gradScale,
//                  numBins, vmin, vmax)
Napi::Value SoftCrossEntropy(const Napi::CallbackInfo& info) {
  const char* op = "softCrossEntropy";
  require_arg_count(info, 8, op, "(logits, target, loss, dlogits, gradScale, numBins, vmin, vmax)");
  Tensor& logits = tensor_arg(info, 0, op, "logits");
  Tensor& target = tensor_arg(info, 1, op, "target");
  Tensor& loss = tensor_arg(info, 2, op, "loss");
  Tensor* dlogits = optional_tensor_arg(info, 3, op, "dlogits");
  const float grad_scale = finite_float_arg(info, 4, op, "gradScale");
  const TwoHotBins bins = bins_arg(info, 5, op);
  const int64_t C = bins.cols();
  const int64_t R = logits_rows(logits, C, op, "logits");
  require_shape(target, {R}, op, "target");
  require_shape(loss, {R}, op, "loss");
  if (dlogits != nullptr) require_shape(*dlogits, {R, C}, op, "dlogits");
  require_same_device({{&logits, "logits"}, {&target, "target"}, {&loss, "loss"},
                       {dlogits, "dlogits"}}, op);
  require_disjoint_outputs({{&loss, "loss"}, {dlogits, "dlogits"}},
                           {{&logits, "logits"}, {&target, "target"}}, op);
  if (R == 0) return info.Env().Undefined();
  float* dl = dlogits != nullptr ? dlogits->data : nullptr;
#ifdef TDMPC2_WITH_CUDA
  if (!logits.on_cpu()) {
    cuda_set_device(logits.device);
    soft_ce_forward_cuda(logits.data, target.data, loss.data, dl, grad_scale, R, bins);
    return info.Env().Undefined();
  }
#endif
  soft_ce_forward_cpu(logits.data, target.data, loss.data, dl, grad_scale, R, bins);
  return info.Env().Undefined();
}

// twoHotInvForward(logits [R,C], value [R], numBins, vmin, vmax)
Napi::Value TwoHotInvForward(const Napi::CallbackInfo& info) {
  const char* op = "twoHotInvForward";
  require_arg_count(info, 5, op, "(logits, value, numBins, vmin, vmax)");
  Tensor& logits = tensor_arg(info, 0, op, "logits");
  Tensor& value = tensor_arg(info, 1, op, "value");
  const TwoHotBins bins = bins_arg(info, 2, op);
  const int64_t R = logits_rows(logits, bins.cols(), op, "logits");
  require_shape(value, {R}, op, "value");
  require_same_device({{&logits, "logits"}, {&value, "value"}}, op);
  require_disjoint_outputs({{&value, "value"}}, {{&logits, "logits"}}, op);
  if (R == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!logits.on_cpu()) {
    cuda_set_device(logits.device);
    two_hot_inv_forward_cuda(logits.data, value.data, R, bins);
    return info.Env().Undefined();
  }
#endif
  two_hot_inv_forward_cpu(logits.data, value.data, R, bins);
  return info.Env().Undefined();
}

// twoHotInvBackward(logits [R,C], dvalue [R], dlogits [R,C], numBins, vmin, vmax)
Napi::Value TwoHotInvBackward(const Napi::CallbackInfo& info) {
  const char* op = "twoHotInvBackward";
  require_arg_count(info, 6, op, "(logits, dvalue, dlogits, numBins, vmin, vmax)");
  Tensor& logits = tensor_arg(info, 0, op, "logits");
  Tensor& dvalue = tensor_arg(info, 1, op, "dvalue");
  Tensor& dlogits = tensor_arg(info, 2, op, "dlogits");
  const TwoHotBins bins = bins_arg(info, 3, op);
  const int64_t C = bins.cols();
  const int64_t R = logits_rows(logits, C, op, "logits");
  require_shape(dvalue, {R}, op, "dvalue");
  require_shape(dlogits, {R, C}, op, "dlogits");
  require_same_device({{&logits, "logits"}, {&dvalue, "dvalue"}, {&dlogits, "dlogits"}}, op);
  require_disjoint_outputs({{&dlogits, "dlogits"}}, {{&logits, "logits"}, {&dvalue, "dvalue"}},
                           op);
  if (R == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!logits.on_cpu()) {
    cuda_set_device(logits.device);
    two_hot_inv_backward_cuda(logits.data, dvalue.data, dlogits.data, R, bins);
    return info.Env().Undefined();
  }
#endif
  two_hot_inv_backward_cpu(logits.data, dvalue.data, dlogits.data, R, bins);
  return info.Env().Undefined();
}

// twoHotEncode(x [R], out [R,C], numBins, vmin, vmax)
Napi::Value TwoHotEncode(const Napi::CallbackInfo& info) {
  const char* op = "twoHotEncode";
  require_arg_count(info, 5, op, "(x, out, numBins, vmin, vmax)");
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& out = tensor_arg(info, 1, op, "out");
  const TwoHotBins bins = bins_arg(info, 2, op);
  require_ndim(x, 1, op, "x");
  const int64_t R = x.shape[0];
  require_shape(out, {R, bins.cols()}, op, "out");
  require_same_device({{&x, "x"}, {&out, "out"}}, op);
  require_disjoint_outputs({{&out, "out"}}, {{&x, "x"}}, op);
  if (R == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!x.on_cpu()) {
    cuda_set_device(x.device);
    two_hot_encode_cuda(x.data, out.data, R, bins);
    return info.Env().Undefined();
  }
#endif
  two_hot_encode_cpu(x.data, out.data, R, bins);
  return info.Env().Undefined();
}

}  // namespace

TDMPC2_EXPORT("softCrossEntropy", SoftCrossEntropy);
TDMPC2_EXPORT("twoHotInvForward", TwoHotInvForward);
TDMPC2_EXPORT("twoHotInvBackward", TwoHotInvBackward);
TDMPC2_EXPORT("twoHotEncode", TwoHotEncode);

}  // namespace tdmpc2::binding
