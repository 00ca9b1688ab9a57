// Mish (the hidden-layer activation of every TD-MPC2 network) and its derivative, one exp each.
//
//   mish(x) = x·tanh(softplus(x)).  With e = eˣ: tanh(ln(1+e)) = ((1+e)² − 1)/((1+e)² + 1)
//           = n/(n+2) where n = e(e+2), so mish(x) = x·n/(n+2): no log, no tanh, one exp.
//   mish'(x) = t + x·σ(x)·(1 − t²) with t = n/(n+2); since n+1 = (1+e)², σ(x)(1 − t²) =
//           e/(1+e) · 4(1+e)²/(n+2)² = 4e(1+e)/(n+2)², so mish'(x) = n/(n+2) + 4x·e(1+e)/(n+2)².
//
// Above kMishLinear the function is x (and the derivative 1) to float32 precision
// (1 − t ≈ 2e⁻²ˣ < 1e-17); clamping there also keeps n and (n+2)² finite. Very negative x is
// fine as is: e underflows towards 0 and both formulas go to 0 smoothly.
#pragma once
#include "common.h"
#include "exp.h"

namespace tdmpc2 {

constexpr float kMishLinear = 20.f;

// The exp argument is clamped at kMishLinear instead of selecting x afterwards: for x ≥ 20,
// n/(n+2) rounds to exactly 1 so mish(x) = x, and the derivative's second term vanishes
// (x clamped too, so it stays 0 for huge x). No select after the division means GCC does not
// sink the division into a branch, and the loops vectorise (see select_bits in exp.h). NaN passes the clamps (x > c is
// false), so NaN in gives NaN out.
TDMPC2_HD float mish(float x) {
  const float e = exp_fast_below89(select_bits(x > kMishLinear, kMishLinear, x));
  const float n = e * (e + 2.f);
  return x * (n / (n + 2.f));  // not x·n/(n+2): x·n overflows for x > ~1e21
}

TDMPC2_HD float mish_grad(float x) {
  const float xc = select_bits(x > kMishLinear, kMishLinear, x);
  const float e = exp_fast_below89(xc);
  const float n = e * (e + 2.f);
  const float inv = 1.f / (n + 2.f);
  return n * inv + 4.f * xc * e * (1.f + e) * (inv * inv);
}

}  // namespace tdmpc2
