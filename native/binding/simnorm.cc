// simnormForward / simnormBackward: validation, then the CPU or CUDA kernel (tdmpc2/simnorm.h).
// Any shape: the last axis (L values) is cut into groups of V; the leading axes are rows.
#include <string>

#include "addon.h"
#include "check.h"
#include "tdmpc2/simnorm.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

// Tensor `like` fixes the shape; V must divide its last axis.
int64_t group_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const Tensor& like) {
  const int64_t V = int_arg(info, i, op, "V", 1, kMaxElements);
  const int64_t L = like.shape[like.ndim - 1];
  if (L % V != 0)
    throw_range(std::string(op) + ": V: the group size must divide the last dimension " +
                std::to_string(L) + " of shape " + like.shape_string() + ", got " +
                std::to_string(V));
  return V;
}

void require_same_shape(const Tensor& t, const char* name, const Tensor& like,
                        const char* like_name, const char* op) {
  bool same = t.ndim == like.ndim;
  for (int d = 0; same && d < t.ndim; ++d) same = t.shape[d] == like.shape[d];
  if (!same)
    throw_range(std::string(op) + ": " + name + ": expected the shape of " + like_name + " " +
                like.shape_string() + ", got " + t.shape_string());
}

// simnormForward(X, Y, V)
Napi::Value SimnormForward(const Napi::CallbackInfo& info) {
  const char* op = "simnormForward";
  require_arg_count(info, 3, op, "(X, Y, V)");
  Tensor& X = tensor_arg(info, 0, op, "X");
  Tensor& Y = tensor_arg(info, 1, op, "Y");
  require_same_shape(Y, "Y", X, "X", op);
  const int64_t V = group_arg(info, 2, op, X);
  require_same_device(X, "X", Y, "Y", op);
  require_no_overlap(Y, "Y", X, "X", op);
  const int64_t L = X.shape[X.ndim - 1];
  if (X.numel() == 0) return info.Env().Undefined();
  const int64_t rows = X.numel() / L;
#ifdef TDMPC2_WITH_CUDA
  if (!X.on_cpu()) {
    cuda_set_device(X.device);
    simnorm_forward_cuda(X.data, Y.data, rows, L, V);
    return info.Env().Undefined();
  }
#endif
  simnorm_forward_cpu(X.data, Y.data, rows, L, V);
  return info.Env().Undefined();
}

// simnormBackward(Y, dY, dX, V): Y is the forward's output.
Napi::Value SimnormBackward(const Napi::CallbackInfo& info) {
  const char* op = "simnormBackward";
  require_arg_count(info, 4, op, "(Y, dY, dX, V)");
  Tensor& Y = tensor_arg(info, 0, op, "Y");
  Tensor& dY = tensor_arg(info, 1, op, "dY");
  Tensor& dX = tensor_arg(info, 2, op, "dX");
  require_same_shape(dY, "dY", Y, "Y", op);
  require_same_shape(dX, "dX", Y, "Y", op);
  const int64_t V = group_arg(info, 3, op, Y);
  require_same_device(Y, "Y", dY, "dY", op);
  require_same_device(Y, "Y", dX, "dX", op);
  require_no_overlap(dX, "dX", Y, "Y", op);
  require_no_overlap(dX, "dX", dY, "dY", op);
  const int64_t L = Y.shape[Y.ndim - 1];
  if (Y.numel() == 0) return info.Env().Undefined();
  const int64_t rows = Y.numel() / L;
#ifdef TDMPC2_WITH_CUDA
  if (!Y.on_cpu()) {
    cuda_set_device(Y.device);
    simnorm_backward_cuda(Y.data, dY.data, dX.data, rows, L, V);
    return info.Env().Undefined();
  }
#endif
  simnorm_backward_cpu(Y.data, dY.data, dX.data, rows, L, V);
  return info.Env().Undefined();
}

}  // namespace

TDMPC2_EXPORT("simnormForward", SimnormForward);
TDMPC2_EXPORT("simnormBackward", SimnormBackward);

}  // namespace tdmpc2::binding
