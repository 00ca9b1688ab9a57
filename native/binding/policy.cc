// policyForward / policyBackward: validation, then the CPU or CUDA kernel (see tdmpc2/policy.h).
#include <string>

#include "addon.h"
#include "check.h"
#include "tdmpc2/policy.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

// The π-net output raw [N, 2A]: returns {N, A}.
struct RowsDims {
  int64_t N, A;
};
RowsDims raw_dims(const Tensor& raw, const char* op) {
  require_ndim(raw, 2, op, "raw");
  if (raw.shape[1] % 2 != 0)
    throw_range(std::string(op) + ": raw: expected shape [N, 2A] (mean and log-std halves), got " +
                raw.shape_string() + " with an odd number of columns");
  return RowsDims{raw.shape[0], raw.shape[1] / 2};
}

// The mask's row stride: 0 for one mask [A], A for a mask per row [N, A].
int64_t mask_stride(const Tensor* mask, RowsDims d, const char* op) {
  if (mask == nullptr) return 0;
  if (mask->ndim == 1 && mask->shape[0] == d.A) return 0;
  if (mask->ndim == 2 && mask->shape[0] == d.N && mask->shape[1] == d.A) return d.A;
  throw_range(std::string(op) + ": mask: expected shape [" + std::to_string(d.A) + "] or [" +
              std::to_string(d.N) + ", " + std::to_string(d.A) + "], got " + mask->shape_string());
}

// (logStdMin, logStdMax) at arguments i, i+1: finite, min ≤ max.
PolicyRange range_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  const float lo = finite_float_arg(info, i, op, "logStdMin");
  const float hi = finite_float_arg(info, i + 1, op, "logStdMax");
  if (!(hi >= lo))
    throw_range(std::string(op) + ": logStdMax: expected a number >= logStdMin (" +
                std::to_string(lo) + "), got " + std::to_string(hi));
  return PolicyRange{lo, hi};
}

float* data_or_null(Tensor* t) { return t != nullptr ? t->data : nullptr; }

// policyForward(raw [N,2A], eps [N,A], mask [A] | [N,A] | null, action [N,A], mean [N,A] | null,
//               logStd [N,A] | null, gaussianLogProb [N] | null, logProb [N] | null,
//               scaledEntropy [N] | null, logStdMin, logStdMax)
Napi::Value PolicyForward(const Napi::CallbackInfo& info) {
  const char* op = "policyForward";
  require_arg_count(info, 11, op,
                    "(raw, eps, mask, action, mean, logStd, gaussianLogProb, logProb, "
                    "scaledEntropy, logStdMin, logStdMax)");
  Tensor& raw = tensor_arg(info, 0, op, "raw");
  Tensor& eps = tensor_arg(info, 1, op, "eps");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor& action = tensor_arg(info, 3, op, "action");
  Tensor* mean = optional_tensor_arg(info, 4, op, "mean");
  Tensor* log_std = optional_tensor_arg(info, 5, op, "logStd");
  Tensor* lp_gauss = optional_tensor_arg(info, 6, op, "gaussianLogProb");
  Tensor* log_prob = optional_tensor_arg(info, 7, op, "logProb");
  Tensor* scaled = optional_tensor_arg(info, 8, op, "scaledEntropy");
  const PolicyRange range = range_arg(info, 9, op);
  const RowsDims d = raw_dims(raw, op);
  require_shape(eps, {d.N, d.A}, op, "eps");
  const int64_t stride = mask_stride(mask, d, op);
  require_shape(action, {d.N, d.A}, op, "action");
  if (mean != nullptr) require_shape(*mean, {d.N, d.A}, op, "mean");
  if (log_std != nullptr) require_shape(*log_std, {d.N, d.A}, op, "logStd");
  if (lp_gauss != nullptr) require_shape(*lp_gauss, {d.N}, op, "gaussianLogProb");
  if (log_prob != nullptr) require_shape(*log_prob, {d.N}, op, "logProb");
  if (scaled != nullptr) require_shape(*scaled, {d.N}, op, "scaledEntropy");
  require_same_device({{&raw, "raw"}, {&eps, "eps"}, {mask, "mask"}, {&action, "action"},
                       {mean, "mean"}, {log_std, "logStd"}, {lp_gauss, "gaussianLogProb"},
                       {log_prob, "logProb"}, {scaled, "scaledEntropy"}}, op);
  require_disjoint_outputs({{&action, "action"}, {mean, "mean"}, {log_std, "logStd"},
                            {lp_gauss, "gaussianLogProb"}, {log_prob, "logProb"},
                            {scaled, "scaledEntropy"}},
                           {{&raw, "raw"}, {&eps, "eps"}, {mask, "mask"}}, op);
  if (d.N == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!raw.on_cpu()) {
    cuda_set_device(raw.device);
    policy_forward_cuda(raw.data, eps.data, data_or_null(mask), stride, action.data,
                        data_or_null(mean), data_or_null(log_std), data_or_null(lp_gauss),
                        data_or_null(log_prob), data_or_null(scaled), d.N, d.A, range);
    return info.Env().Undefined();
  }
#endif
  policy_forward_cpu(raw.data, eps.data, data_or_null(mask), stride, action.data,
                     data_or_null(mean), data_or_null(log_std), data_or_null(lp_gauss),
                     data_or_null(log_prob), data_or_null(scaled), d.N, d.A, range);
  return info.Env().Undefined();
}

// policyBackward(raw [N,2A], eps [N,A], mask [A] | [N,A] | null, dAction [N,A] | null,
//                dScaledEntropy [N] | null, dRaw [N,2A], logStdMin, logStdMax)
Napi::Value PolicyBackward(const Napi::CallbackInfo& info) {
  const char* op = "policyBackward";
  require_arg_count(info, 8, op,
                    "(raw, eps, mask, dAction, dScaledEntropy, dRaw, logStdMin, logStdMax)");
  Tensor& raw = tensor_arg(info, 0, op, "raw");
  Tensor& eps = tensor_arg(info, 1, op, "eps");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor* d_action = optional_tensor_arg(info, 3, op, "dAction");
  Tensor* d_scaled = optional_tensor_arg(info, 4, op, "dScaledEntropy");
  Tensor& d_raw = tensor_arg(info, 5, op, "dRaw");
  const PolicyRange range = range_arg(info, 6, op);
  const RowsDims d = raw_dims(raw, op);
  require_shape(eps, {d.N, d.A}, op, "eps");
  const int64_t stride = mask_stride(mask, d, op);
  if (d_action != nullptr) require_shape(*d_action, {d.N, d.A}, op, "dAction");
  if (d_scaled != nullptr) require_shape(*d_scaled, {d.N}, op, "dScaledEntropy");
  require_shape(d_raw, {d.N, 2 * d.A}, op, "dRaw");
  require_same_device({{&raw, "raw"}, {&eps, "eps"}, {mask, "mask"}, {d_action, "dAction"},
                       {d_scaled, "dScaledEntropy"}, {&d_raw, "dRaw"}}, op);
  require_disjoint_outputs({{&d_raw, "dRaw"}},
                           {{&raw, "raw"}, {&eps, "eps"}, {mask, "mask"}, {d_action, "dAction"},
                            {d_scaled, "dScaledEntropy"}}, op);
  if (d.N == 0) return info.Env().Undefined();
#ifdef TDMPC2_WITH_CUDA
  if (!raw.on_cpu()) {
    cuda_set_device(raw.device);
    policy_backward_cuda(raw.data, eps.data, data_or_null(mask), stride, data_or_null(d_action),
                         data_or_null(d_scaled), d_raw.data, d.N, d.A, range);
    return info.Env().Undefined();
  }
#endif
  policy_backward_cpu(raw.data, eps.data, data_or_null(mask), stride, data_or_null(d_action),
                      data_or_null(d_scaled), d_raw.data, d.N, d.A, range);
  return info.Env().Undefined();
}

}  // namespace

TDMPC2_EXPORT("policyForward", PolicyForward);
TDMPC2_EXPORT("policyBackward", PolicyBackward);

}  // namespace tdmpc2::binding
