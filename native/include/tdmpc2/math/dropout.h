// Inverted dropout with masks addressed, not stored (torch.nn.Dropout semantics: keep with
// probability 1 − p, scale what is kept by 1/(1 − p), so the expectation is unchanged).
//
// Element i of a dropout draw at (seed, stream, offset) uses uniform number i of that Philox draw
// (philox.h: block offset + i/4, lane i%4) and is kept when u ≥ p. The mask is therefore a pure
// function of (seed, stream, offset, i): the backward pass recomputes it instead of storing it,
// and the CPU and CUDA backends drop the same elements. A draw over n elements uses
// rng_blocks(n) = ceil(n/4) blocks; the caller advances offset by that much per draw.
#pragma once
#include <cstdint>

#include "common.h"
#include "philox.h"

namespace tdmpc2 {

// The factor applied to a kept element.
TDMPC2_HD float dropout_scale(float p) { return 1.f / (1.f - p); }

// The multiplier (0 or scale) for one lane of a Philox block.
TDMPC2_HD float dropout_factor(uint32_t lane, float p, float scale) {
  return philox_to_uniform(lane) >= p ? scale : 0.f;
}

// The multiplier of element i of the draw at (seed, stream, offset).
TDMPC2_HD float dropout_factor_at(uint64_t seed, uint32_t stream, uint64_t offset, uint64_t i,
                                  float p, float scale) {
  const Philox4 b = philox_block(seed, stream, offset + (i >> 2));
  return dropout_factor(b.v[i & 3], p, scale);
}

}  // namespace tdmpc2
