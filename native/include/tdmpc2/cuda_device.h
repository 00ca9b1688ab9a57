// The CUDA backend's device and memory functions, as the binding calls them. Declared only in
// builds with CUDA (TDMPC2_WITH_CUDA); every function throws tdmpc2::Error (kind Cuda or
// OutOfMemory) instead of aborting, and cuda_status() never throws.
#pragma once
#ifdef TDMPC2_WITH_CUDA
#include <cstddef>
#include <string>
#include <vector>

namespace tdmpc2 {

struct CudaDeviceInfo {
  int id;
  std::string name;
  int major, minor;        // compute capability
  size_t total_memory;     // bytes
  int multiprocessors;
};

struct CudaStatus {
  bool available = false;
  std::string reason;  // why not available: "no driver", "driver too old", "no device", ...
  int runtime_version = 0;
  int driver_version = 0;
  std::vector<CudaDeviceInfo> devices;
};

CudaStatus cuda_status();

// Makes `device` current for the kernels launched next by this thread.
void cuda_set_device(int device);

float* cuda_alloc(size_t count, int device);
void cuda_free(float* p, int device) noexcept;
void cuda_copy_to_device(float* dst, const float* src, size_t count, int device);
void cuda_copy_to_host(float* dst, const float* src, size_t count, int device);
void cuda_copy_device(float* dst, const float* src, size_t count, int device);
void cuda_fill(float* dst, float value, size_t count, int device);
void cuda_synchronize(int device);

}  // namespace tdmpc2
#endif  // TDMPC2_WITH_CUDA
