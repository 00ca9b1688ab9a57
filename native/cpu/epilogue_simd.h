// Explicit SIMD versions of the dense epilogue's hottest loops, chosen once with the GEMM's
// instruction set (AVX-512: epilogue_avx512.cc, AVX2+FMA: epilogue_avx2.cc). Each is the portable
// loop of dense.cc transcribed operation for operation (the same roundings, FMAs exactly where GCC
// contracts the portable source), so results are bit for bit the same;
// test/cpu/epilogue-isa.test.ts compares them with TDMPC2_EPILOGUE_ROWS=portable (which turns
// them off) in the same instruction set.
#pragma once
#include <cstdint>

namespace tdmpc2::cpu {

// y = act((h[n] − mean)·rstd·γ[n] + β[n]) for n < N: LayerNorm + activation of one row.
using LnRowFn = void (*)(const float* h, float mean, float rstd, const float* gamma,
                         const float* beta, float* y, int64_t N);

// The rows of the CPU backend's instruction set (cpu_isa()), or null (none for it, or
// TDMPC2_EPILOGUE_ROWS=portable: the portable loop, vectorised by target_clones, runs instead):
// act = Mish elementwise, and act = SimNorm with groups of 8 (N a multiple of 8).
LnRowFn ln_mish_row_simd();
LnRowFn ln_simnorm8_row_simd();

// layernorm_row_stats of `rows` rows x[0..rows) (1–4) of n values at once (b non-null: first adds
// b to each row in place, as layernorm_row_stats_add_bias). A lone row's reduction is a chain of
// dependent adds per lane (latency-bound); four rows' chains interleaved keep the adders busy.
// Requires n % 16 == 0 (every lane's chain then is whole vectors; other widths take the portable
// path).
using LnStatsFn = void (*)(float* const* x, int rows, const float* b, int64_t n, float* mean,
                           float* rstd);

// The explicit version, or null (as ln_mish_row_simd).
LnStatsFn ln_stats_simd();

// The LayerNorm + activation backward of one row (dense.cc backward_rows) in three passes instead
// of the portable loop's ten: dh = ∂L/∂h (before dropout; times f[n] when f is non-null), with
// dγ += ∂L/∂z ⊙ x̂, dβ += ∂L/∂z and db += dh where those are non-null. work is a scratch of 2N.
using LnBackwardRowFn = void (*)(const float* h, float mean, float rstd, const float* gamma,
                                 const float* beta, const float* dy, const float* f, float* dh,
                                 float* dgamma, float* dbeta, float* db, float* work, int64_t N);

// The explicit rows, or null (as ln_mish_row_simd): LayerNorm + Mish, and LayerNorm + SimNorm
// with groups of 8 (N a multiple of 8).
LnBackwardRowFn ln_mish_backward_row_simd();
LnBackwardRowFn ln_simnorm8_backward_row_simd();

// One instruction set's rows (a null entry: the portable loop for that one). Each file returns
// its table, or null where it is not compiled (not x86-64); epilogue_simd.cc picks one.
struct EpilogueRows {
  LnStatsFn stats;
  LnRowFn ln_mish, ln_simnorm8;
  LnBackwardRowFn ln_mish_backward, ln_simnorm8_backward;
};
const EpilogueRows* epilogue_rows_for_avx512();
const EpilogueRows* epilogue_rows_for_avx2();

// The instruction set of the rows in use ("avx512", "avx2"), or "portable".
const char* epilogue_rows_name();

}  // namespace tdmpc2::cpu
