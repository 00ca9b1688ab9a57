// The measurement loop both comparisons of tools/gemm-ab share (ab.cc: two builds of our GEMM;
// openblas.cc: ours and OpenBLAS): calls of side a and side b alternate, which one goes first
// swapping every pair, with a short FMA-peak probe before each pair. This machine's speed drifts
// by 20–30 % within seconds; two calls milliseconds apart see the same conditions, so the per-pair
// time ratio is what compares the sides.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include "tdmpc2/memory.h"

// The matrices of both comparisons, aligned as the binding allocates tensors (host_alloc's
// kHostAlignment), so that the GEMMs see the alignment they get in the agent.
template <class T>
struct HostAligned {
  using value_type = T;
  HostAligned() = default;
  template <class U>
  HostAligned(const HostAligned<U>&) {}
  T* allocate(size_t n) {  // an allocator throws rather than return null (std::vector relies on it)
    constexpr size_t a = tdmpc2::kHostAlignment;  // aligned_alloc: a multiple of it, never 0
    void* p = std::aligned_alloc(a, std::max<size_t>((n * sizeof(T) + a - 1) / a * a, a));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <class U>
  bool operator==(const HostAligned<U>&) const { return true; }
  template <class U>
  bool operator!=(const HostAligned<U>&) const { return false; }
};
using AlignedFloats = std::vector<float, HostAligned<float>>;

struct Pairs {
  std::vector<double> share_a, share_b;  // each call's GFLOP/s over the pair's probe
  std::vector<double> speedup_b;         // time of a / time of b, per pair
};

// probe() returns GFLOP/s; time(b) runs side b (true) or a (false) once and returns seconds.
template <class Probe, class Time>
Pairs alternate_pairs(int pairs, double gflop, Probe probe, Time time) {
  Pairs out;
  for (int i = 0; i < pairs; ++i) {
    const double peak = probe();
    const bool b_first = i & 1;
    const double first = time(b_first), second = time(!b_first);
    const double ta = b_first ? second : first, tb = b_first ? first : second;
    out.share_a.push_back(gflop / ta / peak);
    out.share_b.push_back(gflop / tb / peak);
    out.speedup_b.push_back(ta / tb);
  }
  return out;
}

// The q-quantile (0 ≤ q ≤ 1) of a non-empty sample, nearest rank.
inline double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[size_t(q * double(v.size() - 1) + 0.5)];
}
