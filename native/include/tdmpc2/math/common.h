// Shared by every per-element math header: functions compiled for the host (g++) and, under
// nvcc, for the device too, so the CPU and CUDA backends evaluate the same formulas.
#pragma once

#if defined(__CUDACC__)
#define TDMPC2_HD __host__ __device__ __forceinline__
#else
#define TDMPC2_HD inline __attribute__((always_inline))
#endif

namespace tdmpc2 {

// a·b rounded on its own, never fused with a following add into one FMA. nvcc contracts a·b + c
// by default (--fmad=true), which can move a result by one rounding (a bin centre of 0 became
// −1.5e-7 on the GPU); on the host, code that needs this runs outside the FMA clones instead.
TDMPC2_HD float mul_unfused(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}

}  // namespace tdmpc2
