// Shared CUDA helpers: error checks that throw (never exit), launch geometry.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "tdmpc2/error.h"

namespace tdmpc2::cuda {

[[noreturn]] inline void throw_cuda(cudaError_t e, const char* what) {
  const std::string msg = std::string(what) + ": " + cudaGetErrorName(e) + " (" +
                          cudaGetErrorString(e) + ")";
  if (e == cudaErrorMemoryAllocation) throw Error(ErrorKind::OutOfMemory, "CUDA out of memory in " + msg);
  throw Error(ErrorKind::Cuda, "CUDA error in " + msg);
}

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw_cuda(e, what);
}

// After a launch: configuration errors surface here, faults at the next synchronising call.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

inline unsigned blocks_for(long long n, int threads) {
  return static_cast<unsigned>((n + threads - 1) / threads);
}

// Device scratch for reductions whose result the host reads back (sum of squares, mse):
// kReductionScratch doubles on the current device, one buffer per host thread and device,
// allocated on first use and kept, so those hot paths allocate nothing (cuda_device.cu).
constexpr int kReductionScratch = 1025;
double* reduction_scratch();

}  // namespace tdmpc2::cuda

#define TDMPC2_CUDA_CHECK(expr) ::tdmpc2::cuda::check((expr), #expr)
