// Philox4x32-10 (math/philox.h) for sixteen consecutive blocks at once, where the CPU has AVX-512:
// the integer rounds are exact, so every number is bit for bit the scalar one. The portable loop
// vectorises badly (GCC widens the 32×32→64 products to vpmullq); the dropout masks of the Q
// ensemble's first layers made it ~3 % of an update.
#pragma once
#include <cstdint>

namespace tdmpc2::cpu {

// f[4·j + l] = dropout_factor(lane l of philox_block(seed, stream, first + j), p, scale) for
// j < the returned count (math/dropout.h): the whole groups of sixteen among `blocks`; the caller
// draws the rest.
using DropoutBlocksFn = int64_t (*)(uint64_t seed, uint32_t stream, uint64_t first,
                                    int64_t blocks, float p, float scale, float* f);

// The AVX-512 version when the CPU backend runs AVX-512 (as ln_mish_row_simd), else null (the
// portable loop of dense.cc runs instead).
DropoutBlocksFn dropout_blocks_simd();

}  // namespace tdmpc2::cpu
