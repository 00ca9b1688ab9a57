// The tensor as the kernels see it: a float32, row-major, contiguous buffer of up to 4 dims on one
// device. Kernels take raw pointers and sizes; this struct is what the binding validates.
#pragma once
#include <cstdint>
#include <string>

namespace tdmpc2 {

constexpr int kMaxDims = 4;
constexpr int kCpu = -1;  // device id of host memory; CUDA devices are 0, 1, ...

struct Tensor {
  float* data = nullptr;
  int ndim = 0;
  int64_t shape[kMaxDims] = {0, 0, 0, 0};
  int device = kCpu;

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= shape[i];
    return n;
  }
  bool on_cpu() const { return device == kCpu; }
  // "[2, 3]"
  std::string shape_string() const {
    std::string s = "[";
    for (int i = 0; i < ndim; ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
  }
  std::string device_string() const {
    return device == kCpu ? std::string("cpu") : "cuda:" + std::to_string(device);
  }
};

}  // namespace tdmpc2
