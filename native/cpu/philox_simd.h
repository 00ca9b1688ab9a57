// Philox4x32-10 (math/philox.h) for consecutive blocks at once, sixteen (AVX-512,
// philox_avx512.cc) or eight (AVX2, philox_avx2.cc) per vector: the integer rounds are exact, so
// every number is bit for bit the scalar one. The portable loop vectorises badly (GCC widens the
// 32×32→64 products to vpmullq with AVX-512, and has no vector multiply for them with AVX2); the
// dropout masks of the Q ensemble's first layers made it ~3 % of an update.
#pragma once
#include <cstdint>

namespace tdmpc2::cpu {

// f[4·j + l] = dropout_factor(lane l of philox_block(seed, stream, first + j), p, scale) for
// j < the returned count (math/dropout.h): the whole groups of sixteen (eight) among `blocks`;
// the caller draws the rest.
using DropoutBlocksFn = int64_t (*)(uint64_t seed, uint32_t stream, uint64_t first,
                                    int64_t blocks, float p, float scale, float* f);

// The version of the CPU backend's instruction set (cpu_isa()), else null (the portable loop of
// dense.cc runs instead).
DropoutBlocksFn dropout_blocks_simd();

// Each file's version, or null where it is not compiled (not x86-64).
DropoutBlocksFn dropout_blocks_for_avx512();
DropoutBlocksFn dropout_blocks_for_avx2();

}  // namespace tdmpc2::cpu
