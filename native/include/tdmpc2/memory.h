// Host memory for CPU tensors: 64-byte aligned so SIMD loads never straddle cache lines.
#pragma once
#include <cstddef>

namespace tdmpc2 {

constexpr size_t kHostAlignment = 64;

// Throws Error(OutOfMemory) on failure; returns a non-null pointer even for 0 bytes.
float* host_alloc(size_t count);
void host_free(float* p);

}  // namespace tdmpc2
