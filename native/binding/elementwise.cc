// copyCols / axpy / mse: validation, then the CPU or CUDA kernel (tdmpc2/elementwise.h).
#include <string>

#include "addon.h"
#include "check.h"
#include "tdmpc2/elementwise.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

// copyCols(dst [M, D], dstCol, src [M, S], srcCol, cols, accumulate)
Napi::Value CopyCols(const Napi::CallbackInfo& info) {
  const char* op = "copyCols";
  require_arg_count(info, 6, op, "(dst, dstCol, src, srcCol, cols, accumulate)");
  Tensor& dst = tensor_arg(info, 0, op, "dst");
  Tensor& src = tensor_arg(info, 2, op, "src");
  require_ndim(dst, 2, op, "dst");
  require_ndim(src, 2, op, "src");
  const int64_t dst_col = int_arg(info, 1, op, "dstCol", 0, dst.shape[1]);
  const int64_t src_col = int_arg(info, 3, op, "srcCol", 0, src.shape[1]);
  const int64_t cols = int_arg(info, 4, op, "cols", 0, kMaxElements);
  const bool accumulate = bool_arg(info, 5, op, "accumulate");
  if (src.shape[0] != dst.shape[0])
    throw_range(std::string(op) + ": src has shape " + src.shape_string() + " but dst has shape " +
                dst.shape_string() + "; row counts must match");
  if (dst_col + cols > dst.shape[1])
    throw_range(std::string(op) + ": cols: columns [" + std::to_string(dst_col) + ", " +
                std::to_string(dst_col + cols) + ") exceed dst of shape " + dst.shape_string());
  if (src_col + cols > src.shape[1])
    throw_range(std::string(op) + ": cols: columns [" + std::to_string(src_col) + ", " +
                std::to_string(src_col + cols) + ") exceed src of shape " + src.shape_string());
  require_same_device(dst, "dst", src, "src", op);
  require_no_overlap(dst, "dst", src, "src", op);
  const int64_t M = dst.shape[0];
#ifdef TDMPC2_WITH_CUDA
  if (!dst.on_cpu()) {
    cuda_set_device(dst.device);
    copy_cols_cuda(M, cols, src.data, src.shape[1], src_col, dst.data, dst.shape[1], dst_col,
                   accumulate);
    return info.Env().Undefined();
  }
#endif
  copy_cols_cpu(M, cols, src.data, src.shape[1], src_col, dst.data, dst.shape[1], dst_col,
                accumulate);
  return info.Env().Undefined();
}

// axpy(y, alpha, x): y += alpha·x (same element count)
Napi::Value Axpy(const Napi::CallbackInfo& info) {
  const char* op = "axpy";
  require_arg_count(info, 3, op, "(y, alpha, x)");
  Tensor& y = tensor_arg(info, 0, op, "y");
  const double alpha = number_arg(info, 1, op, "alpha");
  Tensor& x = tensor_arg(info, 2, op, "x");
  if (x.numel() != y.numel())
    throw_range(std::string(op) + ": x has shape " + x.shape_string() + " but y has shape " +
                y.shape_string() + "; element counts must match");
  require_same_device(y, "y", x, "x", op);
  require_no_overlap(y, "y", x, "x", op);
#ifdef TDMPC2_WITH_CUDA
  if (!y.on_cpu()) {
    cuda_set_device(y.device);
    axpy_cuda(y.numel(), float(alpha), x.data, y.data);
    return info.Env().Undefined();
  }
#endif
  axpy_cpu(y.numel(), float(alpha), x.data, y.data);
  return info.Env().Undefined();
}

// mse(pred, target, grad | null, scale) -> Σ (pred − target)²; grad = scale·2·(pred − target)
Napi::Value Mse(const Napi::CallbackInfo& info) {
  const char* op = "mse";
  require_arg_count(info, 4, op, "(pred, target, grad, scale)");
  Tensor& pred = tensor_arg(info, 0, op, "pred");
  Tensor& target = tensor_arg(info, 1, op, "target");
  Tensor* grad = optional_tensor_arg(info, 2, op, "grad");
  const double scale = number_arg(info, 3, op, "scale");
  if (target.numel() != pred.numel())
    throw_range(std::string(op) + ": target has shape " + target.shape_string() +
                " but pred has shape " + pred.shape_string() + "; element counts must match");
  require_same_device(pred, "pred", target, "target", op);
  if (grad != nullptr) {
    if (grad->numel() != pred.numel())
      throw_range(std::string(op) + ": grad has shape " + grad->shape_string() +
                  " but pred has shape " + pred.shape_string() + "; element counts must match");
    require_same_device(pred, "pred", *grad, "grad", op);
    require_no_overlap(*grad, "grad", pred, "pred", op);
    require_no_overlap(*grad, "grad", target, "target", op);
  }
  float* g = grad != nullptr ? grad->data : nullptr;
  double s;
#ifdef TDMPC2_WITH_CUDA
  if (!pred.on_cpu()) {
    cuda_set_device(pred.device);
    s = mse_cuda(pred.numel(), pred.data, target.data, g, float(scale));
    return Napi::Number::New(info.Env(), s);
  }
#endif
  s = mse_cpu(pred.numel(), pred.data, target.data, g, float(scale));
  return Napi::Number::New(info.Env(), s);
}

}  // namespace

TDMPC2_EXPORT("copyCols", CopyCols);
TDMPC2_EXPORT("axpy", Axpy);
TDMPC2_EXPORT("mse", Mse);

}  // namespace tdmpc2::binding
