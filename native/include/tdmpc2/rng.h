// Random tensors from Philox4x32-10 (math/philox.h), addressed by (seed, stream, offset).
//
//   rng_uniform: out[i] = number i of the uniform draw at (seed, stream, offset), in [0, 1)
//   rng_normal:  out[i] = number i of the standard-normal draw at (seed, stream, offset)
//
// Number i comes from Philox block offset + ⌊i/4⌋, lane i mod 4, so a draw of n numbers consumes
// blocks offset .. offset + ⌈n/4⌉ − 1 and the caller advances offset by ⌈n/4⌉ (rng_blocks) for
// the next draw. The result depends only on the address, never on the backend or the thread
// split. out is overwritten; n ≥ 0; seed < 2⁶⁴ (the binding allows up to 2⁵³ − 1), any stream.
#pragma once
#include <cstdint>

namespace tdmpc2 {

void rng_uniform_cpu(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset);
void rng_normal_cpu(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset);

#ifdef TDMPC2_WITH_CUDA
void rng_uniform_cuda(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset);
void rng_normal_cuda(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset);
#endif

}  // namespace tdmpc2
