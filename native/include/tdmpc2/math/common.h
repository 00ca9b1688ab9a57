// Shared by every per-element math header: functions compiled for the host (g++) and, under
// nvcc, for the device too, so the CPU and CUDA backends evaluate the same formulas.
#pragma once

#if defined(__CUDACC__)
#define TDMPC2_HD __host__ __device__ __forceinline__
#else
#define TDMPC2_HD inline __attribute__((always_inline))
#endif
