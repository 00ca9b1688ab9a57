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
//          Computed in double and rounded once to float32. (In float32, θ alone carries an error
//          up to 2.4e-7 that r ≤ 5.8 amplifies to 1.4e-6, and logf/sinf/cosf differ between glibc
//          and CUDA by an ulp; in double the result is the correctly rounded float of the exact
//          formula except in ~1e-8 of cases, so CPU, CUDA and a double-precision reference agree
//          bit for bit almost always and within 0.5 ulp always.)
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

// The two standard normals of one Box–Muller pair: lane a (→ u1) and lane b (→ u2) of a block.
TDMPC2_HD void philox_box_muller_pair(uint32_t xa, uint32_t xb, float& z_cos, float& z_sin) {
  const double u1 = double((xa >> 8) + 1u) * 5.9604644775390625e-8;  // (0, 1]
  const double u2 = double(xb >> 8) * 5.9604644775390625e-8;         // [0, 1)
  const double r = sqrt(-2.0 * log(u1));
  const double theta = 6.283185307179586476925 * u2;
  z_cos = float(r * cos(theta));
  z_sin = float(r * sin(theta));
}

// Number i of the normal draw at (seed, stream, offset).
TDMPC2_HD float rng_normal(uint64_t seed, uint32_t stream, uint64_t offset, uint64_t i) {
  const Philox4 b = philox_block(seed, stream, offset + (i >> 2));
  const unsigned lane = unsigned(i & 3);
  const unsigned a = lane & 2u;  // first lane of the pair
  float z_cos, z_sin;
  philox_box_muller_pair(b.v[a], b.v[a + 1], z_cos, z_sin);
  return (lane & 1u) != 0 ? z_sin : z_cos;
}

// The four normals of block `block` (numbers 4·(block − offset) .. +3 of a draw at offset):
// the same values as rng_normal, one Philox evaluation and two Box–Muller pairs for all four.
TDMPC2_HD void rng_normal4(uint64_t seed, uint32_t stream, uint64_t block, float z[4]) {
  const Philox4 b = philox_block(seed, stream, block);
  philox_box_muller_pair(b.v[0], b.v[1], z[0], z[1]);
  philox_box_muller_pair(b.v[2], b.v[3], z[2], z[3]);
}

// The four uniforms of block `block`.
TDMPC2_HD void rng_uniform4(uint64_t seed, uint32_t stream, uint64_t block, float u[4]) {
  const Philox4 b = philox_block(seed, stream, block);
  for (int l = 0; l < 4; ++l) u[l] = philox_to_uniform(b.v[l]);
}

// Blocks a draw of n numbers consumes: the amount to advance `offset` by.
TDMPC2_HD uint64_t rng_blocks(uint64_t n) { return (n + 3) >> 2; }

}  // namespace tdmpc2
