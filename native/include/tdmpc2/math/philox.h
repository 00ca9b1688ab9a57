// Philox4x32-10 (Salmon et al., SC'11, "Parallel random numbers: as easy as 1, 2, 3"): a
// counter-based generator, so any random number is a pure function of its address and the CPU and
// CUDA backends draw the same numbers in any order or parallel split.
//
// Addressing: key = the 64-bit seed; counter = (block lo, block hi, stream, 0). A draw of n numbers
// at (seed, stream, offset) uses blocks offset .. offset + ceil(n/4) − 1, four numbers per block:
// number i comes from block offset + i/4, lane i%4. Callers advance offset by ceil(n/4) per draw.
//
// uniform: the top 24 bits of a lane, u = (x >> 8)·2⁻²⁴ ∈ [0, 1) (exact in float32).
// normal:  Box–Muller on lane pairs (0,1) and (2,3): with u1 = ((x_a >> 8) + 1)·2⁻²⁴ ∈ (0, 1] and
//          u2 = (x_b >> 8)·2⁻²⁴, r = sqrt(−2 ln u1), θ = 2π u2; lane a gives r·cos θ, lane b r·sin θ.
//          Computed in float32; the backends' libm may differ in the last ulp.
#pragma once
#include <cmath>
#include <cstdint>

#include "common.h"

namespace tdmpc2 {

struct Philox4 {
  uint32_t v[4];
};

TDMPC2_HD void philox_mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = uint64_t(a) * uint64_t(b);
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}

// The raw generator: ten rounds over counter c with key k (the Random123 KAT vectors test this).
TDMPC2_HD Philox4 philox4x32_10(Philox4 c, uint32_t k0, uint32_t k1) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(M0, c.v[0], hi0, lo0);
    philox_mulhilo(M1, c.v[2], hi1, lo1);
    c = Philox4{{hi1 ^ c.v[1] ^ k0, lo1, hi0 ^ c.v[3] ^ k1, lo0}};
    k0 += W0;
    k1 += W1;
  }
  return c;
}

TDMPC2_HD Philox4 philox_block(uint64_t seed, uint32_t stream, uint64_t block) {
  return philox4x32_10(Philox4{{uint32_t(block), uint32_t(block >> 32), stream, 0u}},
                       uint32_t(seed), uint32_t(seed >> 32));
}

TDMPC2_HD float philox_to_uniform(uint32_t x) { return float(x >> 8) * 5.9604644775390625e-8f; }

TDMPC2_HD float philox_to_uniform_open0(uint32_t x) {
  return float((x >> 8) + 1u) * 5.9604644775390625e-8f;
}

// Number i of the uniform draw at (seed, stream, offset).
TDMPC2_HD float rng_uniform(uint64_t seed, uint32_t stream, uint64_t offset, uint64_t i) {
  const Philox4 b = philox_block(seed, stream, offset + (i >> 2));
  return philox_to_uniform(b.v[i & 3]);
}

// Standard normal from lanes a (→ u1) and b (→ u2) of one block; `second` picks sin over cos.
TDMPC2_HD float philox_box_muller(uint32_t xa, uint32_t xb, bool second) {
  const float u1 = philox_to_uniform_open0(xa);
  const float u2 = philox_to_uniform(xb);
  const float r = sqrtf(-2.0f * logf(u1));
  const float theta = 6.2831853071795864769f * u2;
  return second ? r * sinf(theta) : r * cosf(theta);
}

// Number i of the normal draw at (seed, stream, offset).
TDMPC2_HD float rng_normal(uint64_t seed, uint32_t stream, uint64_t offset, uint64_t i) {
  const Philox4 b = philox_block(seed, stream, offset + (i >> 2));
  const unsigned lane = unsigned(i & 3);
  const unsigned a = lane & 2u;  // first lane of the pair
  return philox_box_muller(b.v[a], b.v[a + 1], (lane & 1u) != 0);
}

// Blocks a draw of n numbers consumes: the amount to advance `offset` by.
TDMPC2_HD uint64_t rng_blocks(uint64_t n) { return (n + 3) >> 2; }

}  // namespace tdmpc2
