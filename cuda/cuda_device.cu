// Device discovery and memory for the CUDA backend. The runtime is linked statically, so this
// file loads on machines without a driver: cuda_status() then says why CUDA is unavailable.
#include <dlfcn.h>

#include <vector>

#include "common.cuh"
#include "tdmpc2/cuda_device.h"

namespace tdmpc2 {
namespace {

// The static runtime reports a missing driver and an old driver with the same error code;
// whether libcuda can be loaded at all tells them apart.
bool driver_library_present() {
  void* h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (h == nullptr) return false;
  dlclose(h);
  return true;
}

}  // namespace

CudaStatus cuda_status() {
  CudaStatus s;
  cudaRuntimeGetVersion(&s.runtime_version);
  cudaDriverGetVersion(&s.driver_version);
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e == cudaErrorInsufficientDriver) {
    s.reason = driver_library_present() ? "driver too old" : "no driver";
  } else if (e == cudaErrorNoDevice || (e == cudaSuccess && count == 0)) {
    s.reason = "no device";
  } else if (e != cudaSuccess) {
    s.reason = std::string("CUDA error: ") + cudaGetErrorString(e);
  }
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the non-sticky error so later calls start clean
    return s;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) continue;
    s.devices.push_back({d, p.name, p.major, p.minor, p.totalGlobalMem, p.multiProcessorCount});
  }
  s.available = !s.devices.empty();
  if (!s.available) s.reason = "no device";
  return s;
}

void cuda_set_device(int device) { TDMPC2_CUDA_CHECK(cudaSetDevice(device)); }

// Deliberately never freed: a thread_local destructor may run after the CUDA runtime has shut
// down at exit, and the driver reclaims the memory with the context.
double* cuda::reduction_scratch() {
  int device = 0;
  TDMPC2_CUDA_CHECK(cudaGetDevice(&device));
  thread_local std::vector<double*> per_device;
  if (size_t(device) >= per_device.size()) per_device.resize(size_t(device) + 1, nullptr);
  if (per_device[size_t(device)] == nullptr) {
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, kReductionScratch * sizeof(double));
    if (e != cudaSuccess) {
      cudaGetLastError();  // out of memory is not sticky: leave the context usable
      cuda::throw_cuda(e, "cudaMalloc (reduction scratch)");
    }
    per_device[size_t(device)] = static_cast<double*>(p);
  }
  return per_device[size_t(device)];
}

float* cuda_alloc(size_t count, int device) {
  TDMPC2_CUDA_CHECK(cudaSetDevice(device));
  void* p = nullptr;
  const cudaError_t e = cudaMalloc(&p, count == 0 ? sizeof(float) : count * sizeof(float));
  if (e != cudaSuccess) {
    cudaGetLastError();  // out of memory is not sticky: leave the context usable
    cuda::throw_cuda(e, "cudaMalloc");
  }
  return static_cast<float*>(p);
}

void cuda_free(float* p, int device) noexcept {
  if (p == nullptr) return;
  cudaSetDevice(device);
  cudaFree(p);
}

void cuda_copy_to_device(float* dst, const float* src, size_t count, int device) {
  TDMPC2_CUDA_CHECK(cudaSetDevice(device));
  TDMPC2_CUDA_CHECK(cudaMemcpy(dst, src, count * sizeof(float), cudaMemcpyHostToDevice));
}

void cuda_copy_to_host(float* dst, const float* src, size_t count, int device) {
  TDMPC2_CUDA_CHECK(cudaSetDevice(device));
  TDMPC2_CUDA_CHECK(cudaMemcpy(dst, src, count * sizeof(float), cudaMemcpyDeviceToHost));
}

void cuda_copy_device(float* dst, const float* src, size_t count, int device) {
  TDMPC2_CUDA_CHECK(cudaSetDevice(device));
  TDMPC2_CUDA_CHECK(cudaMemcpy(dst, src, count * sizeof(float), cudaMemcpyDeviceToDevice));
}

namespace {
__global__ void fill_kernel(float* dst, float value, size_t count) {
  const size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  if (i < count) dst[i] = value;
}
}  // namespace

void cuda_fill(float* dst, float value, size_t count, int device) {
  if (count == 0) return;
  TDMPC2_CUDA_CHECK(cudaSetDevice(device));
  fill_kernel<<<cuda::blocks_for(count, 256), 256>>>(dst, value, count);
  cuda::check_launch("fill_kernel");
}

void cuda_synchronize(int device) {
  TDMPC2_CUDA_CHECK(cudaSetDevice(device));
  TDMPC2_CUDA_CHECK(cudaDeviceSynchronize());
}

}  // namespace tdmpc2
