// Explicit SIMD versions of the dense epilogue's hottest loop, chosen once with the GEMM's
// instruction set. Each is the portable loop of dense.cc transcribed operation for operation
// (the same roundings, FMAs exactly where GCC contracts the portable source), so results are bit
// for bit the same; test/cpu/epilogue-isa.test.ts compares the two.
#pragma once
#include <cstdint>

namespace tdmpc2::cpu {

// y[n] = mish((h[n] − mean)·rstd·γ[n] + β[n]) for n < N: LayerNorm + Mish of one row.
using LnMishRowFn = void (*)(const float* h, float mean, float rstd, const float* gamma,
                             const float* beta, float* y, int64_t N);

// The AVX-512 row when the CPU backend runs AVX-512 (cpu_isa() == "avx512"), else null (the
// portable loop, vectorised by target_clones, runs instead).
LnMishRowFn ln_mish_row_simd();

}  // namespace tdmpc2::cpu
