// Random tensors on the CPU: one Philox block per four outputs (see tdmpc2/rng.h).
#include "tdmpc2/rng.h"

#include "tdmpc2/math.h"

namespace tdmpc2 {
namespace {

// Writes numbers 0..n−1 of a draw at `offset`; Fill4(block, vals[4]) produces one block's four.
template <typename Fill4>
void fill_by_blocks(float* out, int64_t n, uint64_t offset, Fill4 fill4) {
  const int64_t full = n / 4;
  for (int64_t b = 0; b < full; ++b) fill4(offset + uint64_t(b), out + 4 * b);
  const int64_t tail = n - 4 * full;
  if (tail == 0) return;
  float last[4];
  fill4(offset + uint64_t(full), last);
  for (int64_t l = 0; l < tail; ++l) out[4 * full + l] = last[l];
}

}  // namespace

void rng_uniform_cpu(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset) {
  fill_by_blocks(out, n, offset,
                 [&](uint64_t block, float* u) { rng_uniform4(seed, stream, block, u); });
}

void rng_normal_cpu(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset) {
  fill_by_blocks(out, n, offset,
                 [&](uint64_t block, float* z) { rng_normal4(seed, stream, block, z); });
}

}  // namespace tdmpc2
