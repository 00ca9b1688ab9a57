// linearForward / linearBackward: validation, then the CPU or CUDA kernel (see tdmpc2/linear.h).
#include "addon.h"
#include "check.h"
#include "tdmpc2/linear.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

// linearForward(X [M,K], W [N,K], b [N] | null, Y [M,N])
Napi::Value LinearForward(const Napi::CallbackInfo& info) {
  const char* op = "linearForward";
  require_arg_count(info, 4, op, "(X, W, b, Y)");
  Tensor& X = tensor_arg(info, 0, op, "X");
  Tensor& W = tensor_arg(info, 1, op, "W");
  Tensor* b = optional_tensor_arg(info, 2, op, "b");
  Tensor& Y = tensor_arg(info, 3, op, "Y");
  require_ndim(X, 2, op, "X");
  require_ndim(W, 2, op, "W");
  const int64_t M = X.shape[0], K = X.shape[1], N = W.shape[0];
  require_shape(W, {N, K}, op, "W");
  if (b != nullptr) require_shape(*b, {N}, op, "b");
  require_shape(Y, {M, N}, op, "Y");
  require_same_device(X, "X", W, "W", op);
  if (b != nullptr) require_same_device(X, "X", *b, "b", op);
  require_same_device(X, "X", Y, "Y", op);
  require_no_overlap(Y, "Y", X, "X", op);
  require_no_overlap(Y, "Y", W, "W", op);
  if (b != nullptr) require_no_overlap(Y, "Y", *b, "b", op);
  if (M == 0 || N == 0) return info.Env().Undefined();
  const float* bias = b != nullptr ? b->data : nullptr;
#ifdef TDMPC2_WITH_CUDA
  if (!X.on_cpu()) {
    cuda_set_device(X.device);
    linear_forward_cuda(X.data, W.data, bias, Y.data, M, K, N);
    return info.Env().Undefined();
  }
#endif
  linear_forward_cpu(X.data, W.data, bias, Y.data, M, K, N);
  return info.Env().Undefined();
}

// linearBackward(X [M,K], W [N,K], dY [M,N], dX [M,K] | null, dW [N,K] | null, db [N] | null)
Napi::Value LinearBackward(const Napi::CallbackInfo& info) {
  const char* op = "linearBackward";
  require_arg_count(info, 6, op, "(X, W, dY, dX, dW, db)");
  Tensor& X = tensor_arg(info, 0, op, "X");
  Tensor& W = tensor_arg(info, 1, op, "W");
  Tensor& dY = tensor_arg(info, 2, op, "dY");
  Tensor* dX = optional_tensor_arg(info, 3, op, "dX");
  Tensor* dW = optional_tensor_arg(info, 4, op, "dW");
  Tensor* db = optional_tensor_arg(info, 5, op, "db");
  require_ndim(X, 2, op, "X");
  require_ndim(W, 2, op, "W");
  const int64_t M = X.shape[0], K = X.shape[1], N = W.shape[0];
  require_shape(W, {N, K}, op, "W");
  require_shape(dY, {M, N}, op, "dY");
  require_same_device(X, "X", W, "W", op);
  require_same_device(X, "X", dY, "dY", op);
  struct Out { Tensor* t; const char* name; };
  for (Out o : {Out{dX, "dX"}, Out{dW, "dW"}, Out{db, "db"}}) {
    if (o.t == nullptr) continue;
    require_same_device(X, "X", *o.t, o.name, op);
    require_no_overlap(*o.t, o.name, X, "X", op);
    require_no_overlap(*o.t, o.name, W, "W", op);
    require_no_overlap(*o.t, o.name, dY, "dY", op);
  }
  if (dX != nullptr) require_shape(*dX, {M, K}, op, "dX");
  if (dW != nullptr) require_shape(*dW, {N, K}, op, "dW");
  if (db != nullptr) require_shape(*db, {N}, op, "db");
  if (dX != nullptr && dW != nullptr) require_no_overlap(*dX, "dX", *dW, "dW", op);
  if (dX != nullptr && db != nullptr) require_no_overlap(*dX, "dX", *db, "db", op);
  if (dW != nullptr && db != nullptr) require_no_overlap(*dW, "dW", *db, "db", op);
  float* pdX = dX != nullptr ? dX->data : nullptr;
  float* pdW = dW != nullptr ? dW->data : nullptr;
  float* pdb = db != nullptr ? db->data : nullptr;
  if (M == 0 || K == 0 || N == 0) {
    // Degenerate products: dX = dY·W is all zeros when N == 0; accumulators are unchanged.
    if (pdX != nullptr && M * K > 0) {
#ifdef TDMPC2_WITH_CUDA
      if (!X.on_cpu()) {
        cuda_fill(pdX, 0.f, size_t(M * K), X.device);
        return info.Env().Undefined();
      }
#endif
      for (int64_t i = 0; i < M * K; ++i) pdX[i] = 0.f;
    }
    return info.Env().Undefined();
  }
#ifdef TDMPC2_WITH_CUDA
  if (!X.on_cpu()) {
    cuda_set_device(X.device);
    linear_backward_cuda(X.data, W.data, dY.data, pdX, pdW, pdb, M, K, N);
    return info.Env().Undefined();
  }
#endif
  linear_backward_cpu(X.data, W.data, dY.data, pdX, pdW, pdb, M, K, N);
  return info.Env().Undefined();
}

}  // namespace

TDMPC2_EXPORT("linearForward", LinearForward);
TDMPC2_EXPORT("linearBackward", LinearBackward);

}  // namespace tdmpc2::binding
