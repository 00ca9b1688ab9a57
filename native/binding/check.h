// Argument validation for every export. Messages name the op, the argument, the expected and the
// actual value: "linearForward: W: expected shape [3, 4], got [3, 5]".
#pragma once
#include <napi.h>

#include <initializer_list>
#include <string>

#include "tdmpc2/error.h"
#include "tensor_handle.h"

namespace tdmpc2::binding {

// The largest tensor we accept (elements): rejects absurd sizes before allocating.
constexpr int64_t kMaxElements = int64_t(1) << 36;

std::string describe_js_value(Napi::Value v);

void require_arg_count(const Napi::CallbackInfo& info, size_t n, const char* op,
                       const char* signature);

// A live tensor at argument i: TypeError if not a tensor, ERR_DISPOSED if disposed.
Tensor& tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// As tensor_arg, but null/undefined give nullptr.
Tensor* optional_tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                            const char* name);
TensorBox& tensor_box_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                          const char* name);

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// A number that is finite as a float32 (kernels compute in float32): RangeError otherwise.
float finite_float_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// A safe integer in [lo, hi].
int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                int64_t lo, int64_t hi);
bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// An array of 1..4 non-negative safe integers; returns the dims and their product (≤ kMaxElements).
struct Shape {
  int ndim = 0;
  int64_t dims[kMaxDims] = {0, 0, 0, 0};
  int64_t numel() const;
  std::string str() const;
};
Shape shape_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
// -1 for "cpu", d ≥ 0 for "cuda:d"; validates that the device exists.
int device_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);

// Shape checks: dims of -1 match anything.
void require_shape(const Tensor& t, std::initializer_list<int64_t> expected, const char* op,
                   const char* name);
void require_ndim(const Tensor& t, int ndim, const char* op, const char* name);
void require_same_device(const Tensor& a, const char* a_name, const Tensor& b, const char* b_name,
                         const char* op);
// Outputs must not share memory with inputs: kernels read inputs while writing outputs.
void require_no_overlap(const Tensor& out, const char* out_name, const Tensor& in,
                        const char* in_name, const char* op);

// A tensor argument with its name, for the list checks below; t may be null (an absent optional).
struct NamedTensor {
  const Tensor* t;
  const char* name;
};
// Every present tensor is on the device of the first present one.
void require_same_device(std::initializer_list<NamedTensor> tensors, const char* op);
// No present output overlaps a present input or another output.
void require_disjoint_outputs(std::initializer_list<NamedTensor> outputs,
                              std::initializer_list<NamedTensor> inputs, const char* op);

// "[2, 3]" ("*" for a negative entry: any size); the pointer form for a runtime list.
std::string shape_string(const int64_t* dims, size_t n);
std::string shape_string(std::initializer_list<int64_t> dims);

}  // namespace tdmpc2::binding
