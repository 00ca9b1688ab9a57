// The attribute that builds a CPU loop three times — baseline x86-64, x86-64-v3 (AVX2+FMA) and
// x86-64-v4 (AVX-512) — and picks the copy for the running CPU at load (GCC function
// multiversioning). The binary stays baseline x86-64 while the inlined math.h functions
// vectorise where the CPU allows. On other architectures a plain function.
#pragma once

#if defined(__x86_64__)
#define TDMPC2_ISA_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define TDMPC2_ISA_CLONES
#endif
