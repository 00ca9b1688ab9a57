// Dense layer with fused epilogue on the CPU (semantics in tdmpc2/dense.h): per member one packed
// GEMM (cpu::gemm_packed), which hands each finished row panel to the epilogue while its rows are
// still in the computing thread's L1.
//
// The row loops are compiled three times (target_clones, like the GEMM driver) so that the
// inlined math.h functions — exp_fast is branch-free on purpose — vectorise with AVX2 or AVX-512
// while the binary stays baseline x86-64.
#include "tdmpc2/dense.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "epilogue_simd.h"
#include "gemm.h"
#include "isa_clones.h"
#include "philox_simd.h"
#include "tdmpc2/math.h"
#include "weight_packs.h"

namespace tdmpc2 {
namespace {

// Per-thread scratch that grows once: the hot path allocates nothing after warm-up.
float* scratch(size_t n) {
  thread_local std::vector<float> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// f[n] = dropout multiplier (0 or 1/(1−p)) of element i0 + n of the draw, n < N: one Philox
// block per four elements.
TDMPC2_ISA_CLONES void dropout_factors(const DenseDropout& d, float scale, uint64_t i0, int64_t N,
                                       float* f) {
  int64_t n = 0;
  // Leading elements up to a block boundary.
  if ((i0 & 3) != 0) {
    const Philox4 b = philox_block(d.seed, d.stream, d.offset + (i0 >> 2));
    for (unsigned lane = unsigned(i0 & 3); lane < 4 && n < N; ++lane, ++n)
      f[n] = dropout_factor(b.v[lane], d.p, scale);
  }
  // Whole blocks: groups of sixteen (AVX-512) or eight (AVX2), the rest as independent iterations
  // the compiler may vectorise.
  const uint64_t first_block = d.offset + ((i0 + uint64_t(n)) >> 2);
  const int64_t blocks = (N - n) / 4;
  const cpu::DropoutBlocksFn simd = cpu::dropout_blocks_simd();
  for (int64_t j = simd ? simd(d.seed, d.stream, first_block, blocks, d.p, scale, f + n) : 0;
       j < blocks; ++j) {
    const Philox4 b = philox_block(d.seed, d.stream, first_block + uint64_t(j));
    for (int lane = 0; lane < 4; ++lane) f[n + 4 * j + lane] = dropout_factor(b.v[lane], d.p, scale);
  }
  n += 4 * blocks;
  if (n < N) {
    const Philox4 b = philox_block(d.seed, d.stream, first_block + uint64_t(blocks));
    for (int lane = 0; n < N; ++lane, ++n) f[n] = dropout_factor(b.v[lane], d.p, scale);
  }
}

struct RowEpilogue {
  DenseEpilogue ep;
  int64_t V;
  int64_t N;
  const float* b;      // [N] or null
  const float* gamma;  // [N]
  const float* beta;   // [N]
  cpu::LnRowFn mish_row = nullptr;     // explicit SIMD LayerNorm+Mish row, or the loop below
  cpu::LnRowFn simnorm_row = nullptr;  // explicit SIMD LayerNorm+SimNorm row, or the loop below
  cpu::LnStatsFn stats = nullptr;      // explicit SIMD statistics of 1–4 rows, or one by one
  cpu::LnBackwardRowFn backward_row = nullptr;  // explicit SIMD backward of a row, or the loops
};

// Rows [0, rows) of one member: h = GEMM output (bias and dropout applied in place, so it ends
// as the saved H when H is the GEMM's target), y the output (may be h), stats per row or null.
TDMPC2_ISA_CLONES void forward_rows(const RowEpilogue& r, const DenseDropout& d, uint64_t i0,
                                    int64_t rows, float* H, float* Y, float* stats) {
  const int64_t N = r.N;
  float* f = d.p > 0.f ? scratch(size_t(N)) : nullptr;
  const float scale = dropout_scale(d.p);
  // Bias and dropout, then the LayerNorm statistics (up to four rows at a time where the SIMD
  // version applies: bit for bit the same as one at a time), then the activation.
  const bool layer_norm = r.ep != DenseEpilogue::None;
  const bool bias_in_stats = r.b != nullptr && f == nullptr && layer_norm;  // added in the mean pass
  for (int64_t m = 0; m < rows; ++m) {
    float* h = H + m * N;
    if (r.b != nullptr && !bias_in_stats)
      for (int64_t n = 0; n < N; ++n) h[n] += r.b[n];
    if (f != nullptr) {
      dropout_factors(d, scale, i0 + uint64_t(m * N), N, f);
      for (int64_t n = 0; n < N; ++n) h[n] *= f[n];
    }
  }
  if (!layer_norm) return;  // Y is H: nothing more to do
  const float* b = bias_in_stats ? r.b : nullptr;
  for (int64_t m0 = 0; m0 < rows; m0 += 4) {
    const int64_t group = std::min<int64_t>(4, rows - m0);
    float mean[4], rstd[4];
    if (r.stats != nullptr && N % 16 == 0) {
      float* x[4];
      for (int64_t q = 0; q < group; ++q) x[q] = H + (m0 + q) * N;
      r.stats(x, int(group), b, N, mean, rstd);
    } else {
      for (int64_t q = 0; q < group; ++q) {
        if (b != nullptr) layernorm_row_stats_add_bias(H + (m0 + q) * N, b, N, mean[q], rstd[q]);
        else layernorm_row_stats(H + (m0 + q) * N, N, mean[q], rstd[q]);
      }
    }
    for (int64_t q = 0; q < group; ++q) {
      const int64_t m = m0 + q;
      const float* h = H + m * N;
      float* y = Y + m * N;
      if (stats != nullptr) {
        stats[2 * m] = mean[q];
        stats[2 * m + 1] = rstd[q];
      }
      if (r.ep == DenseEpilogue::LnMish) {
        if (r.mish_row != nullptr) r.mish_row(h, mean[q], rstd[q], r.gamma, r.beta, y, N);
        else
          for (int64_t n = 0; n < N; ++n)
            y[n] = mish((h[n] - mean[q]) * rstd[q] * r.gamma[n] + r.beta[n]);
      } else if (r.simnorm_row != nullptr) {
        r.simnorm_row(h, mean[q], rstd[q], r.gamma, r.beta, y, N);
      } else {
        for (int64_t n = 0; n < N; ++n) y[n] = (h[n] - mean[q]) * rstd[q] * r.gamma[n] + r.beta[n];
        simnorm_span(y, N, r.V);
      }
    }
  }
}

// Rows of one member, backward of the epilogue and the dropout: dH = ∂L/∂h (before dropout);
// dγ/dβ/db accumulate (null to skip), db = Σ_rows dH added while each row is in cache.
TDMPC2_ISA_CLONES void backward_rows(const RowEpilogue& r, const DenseDropout& d, uint64_t i0,
                                     int64_t rows, const float* H, const float* stats,
                                     const float* dY, float* dH, float* dgamma, float* dbeta,
                                     float* db) {
  const int64_t N = r.N;
  float* work = scratch(size_t(3 * N));
  float* xhat = work;         // x̂ of the row
  float* s = work + N;        // SimNorm output of the row
  float* f = work + 2 * N;    // dropout multipliers of the row
  const float scale = dropout_scale(d.p);
  for (int64_t m = 0; m < rows; ++m) {
    const float* dy = dY + m * N;
    float* dh = dH + m * N;
    // The saved H was written long before (the forward) and comes from L3 or memory: fetch the
    // next row while this one computes (the loads of h stalled ~25 % of this loop without it).
    if (H != nullptr && m + 1 < rows)
      for (int64_t n = 0; n < N; n += 16) __builtin_prefetch(H + (m + 1) * N + n);
    if (r.backward_row != nullptr) {
      if (d.p > 0.f) dropout_factors(d, scale, i0 + uint64_t(m * N), N, f);
      r.backward_row(H + m * N, stats[2 * m], stats[2 * m + 1], r.gamma, r.beta, dy,
                     d.p > 0.f ? f : nullptr, dh, dgamma, dbeta, db, work, N);
      continue;
    }
    if (r.ep == DenseEpilogue::None) {
      std::memcpy(dh, dy, size_t(N) * sizeof(float));
    } else {
      const float* h = H + m * N;
      const float mean = stats[2 * m], rstd = stats[2 * m + 1];
      for (int64_t n = 0; n < N; ++n) xhat[n] = (h[n] - mean) * rstd;
      // dh ← ∂L/∂z.
      if (r.ep == DenseEpilogue::LnMish) {
        for (int64_t n = 0; n < N; ++n) dh[n] = dy[n] * mish_grad(r.gamma[n] * xhat[n] + r.beta[n]);
      } else {
        for (int64_t n = 0; n < N; ++n) s[n] = r.gamma[n] * xhat[n] + r.beta[n];
        simnorm_span(s, N, r.V);
        simnorm_span_backward(s, dy, dh, N, r.V);
      }
      if (dgamma != nullptr)
        for (int64_t n = 0; n < N; ++n) dgamma[n] += dh[n] * xhat[n];
      if (dbeta != nullptr)
        for (int64_t n = 0; n < N; ++n) dbeta[n] += dh[n];
      // dh ← g = γ ⊙ ∂L/∂z, then ∂L/∂h_d by the LayerNorm backward.
      for (int64_t n = 0; n < N; ++n) dh[n] *= r.gamma[n];
      const float mean_g = row_sum(dh, N) / float(N);
      const float mean_gx = row_dot(dh, xhat, N) / float(N);
      for (int64_t n = 0; n < N; ++n)
        dh[n] = layernorm_backward(dh[n], xhat[n], mean_g, mean_gx, rstd);
    }
    if (d.p > 0.f) {
      dropout_factors(d, scale, i0 + uint64_t(m * N), N, f);
      for (int64_t n = 0; n < N; ++n) dh[n] *= f[n];
    }
    if (db != nullptr)
      for (int64_t n = 0; n < N; ++n) db[n] += dh[n];
  }
}

}  // namespace

namespace {

// The epilogue of one member, called by the GEMM on each finished row panel (any thread).
struct ForwardPanel {
  RowEpilogue r;
  const DenseDropout* drop;
  uint64_t i0;  // dropout index of the member's first element
  float* H;     // the GEMM's output [M,N] (becomes the saved LayerNorm input)
  float* Y;
  float* stats;  // [M,2] or null
  static void run(void* ctx, int64_t row0, int64_t rows) {
    const ForwardPanel& f = *static_cast<const ForwardPanel*>(ctx);
    const int64_t N = f.r.N;
    forward_rows(f.r, *f.drop, f.i0 + uint64_t(row0 * N), rows, f.H + row0 * N, f.Y + row0 * N,
                 f.stats != nullptr ? f.stats + 2 * row0 : nullptr);
  }
};

// Per-thread packed weights of dense_forward_cpu outside a frozen span: grow once, reused by
// every later call.
cpu::PackedB* thread_packed_weights(int64_t E) {
  thread_local std::vector<cpu::PackedB> packs;
  if (packs.size() < size_t(E)) packs.resize(size_t(E));
  return packs.data();
}

// The frozen spans of this thread (dense_freeze_weights_cpu): the weight ranges each declared
// constant, and the packed weights, one epoch per span opened. The lists keep their capacity, so
// opening a span allocates nothing after the first.
struct FrozenWeights {
  std::vector<WeightRange> ranges;  // of every open span
  std::vector<size_t> span_starts;  // index of each open span's first range
  cpu::WeightPacks packs;
};

FrozenWeights& frozen_weights() {
  thread_local FrozenWeights f;
  return f;
}

// The cache to pack W[count] into, or null when no open span covers it.
cpu::WeightPacks* frozen_packs(const float* W, int64_t count) {
  FrozenWeights& f = frozen_weights();
  for (const WeightRange& r : f.ranges)
    if (W >= r.data && W + count <= r.data + r.count) return &f.packs;
  return nullptr;
}

}  // namespace

void dense_freeze_weights_cpu(const WeightRange* ranges, int64_t n) {
  FrozenWeights& f = frozen_weights();
  // The new span's weights may have changed since any earlier span, even inside an open one (an
  // outer span over other tensors, around two updates): every span repacks on first use.
  f.packs.next_epoch();
  f.span_starts.push_back(f.ranges.size());
  for (int64_t i = 0; i < n; ++i)
    if (ranges[i].data != nullptr && ranges[i].count > 0) f.ranges.push_back(ranges[i]);
}

void dense_thaw_weights_cpu() {
  FrozenWeights& f = frozen_weights();
  if (f.span_starts.empty()) return;
  f.ranges.resize(f.span_starts.back());
  f.span_starts.pop_back();
}

size_t dense_frozen_packs_cpu() { return frozen_weights().packs.entries(); }

void dense_forward_packed_cpu(DenseEpilogue ep, int64_t V, const DenseShape& s,
                              const DenseDropout& drop, const float* X, const DenseParams& p,
                              const cpu::PackedB* Wp, float* Y, float* H, float* stats) {
  const int64_t M = s.M, K = s.K, N = s.N;
  for (int64_t e = 0; e < s.E; ++e) {
    const float* Xe = s.shared_input ? X : X + e * M * K;
    float* Ye = Y + e * M * N;
    // Training writes the GEMM into H, which the epilogue turns into the saved LayerNorm input.
    float* He = H != nullptr ? H + e * M * N : Ye;
    ForwardPanel f{{ep, V, N, p.b ? p.b + e * N : nullptr, p.gamma ? p.gamma + e * N : nullptr,
                    p.beta ? p.beta + e * N : nullptr, cpu::ln_mish_row_simd(),
                    V == 8 && N % 8 == 0 ? cpu::ln_simnorm8_row_simd() : nullptr,
                    cpu::ln_stats_simd()},
                   &drop, uint64_t(e * M * N), He, Ye, stats ? stats + e * M * 2 : nullptr};
    const cpu::RowEpilogue epilogue{ForwardPanel::run, &f};
    cpu::gemm_packed(M, Xe, K, false, Wp[e], 0.f, He, N, &epilogue);
  }
}

void dense_forward_cpu(DenseEpilogue ep, int64_t V, const DenseShape& s, const DenseDropout& drop,
                       const float* X, const DenseParams& p, float* Y, float* H, float* stats) {
  const cpu::PackedB* Wp = nullptr;
  if (cpu::WeightPacks* frozen = frozen_packs(p.W, s.E * s.N * s.K)) {
    Wp = frozen->get(p.W, s.E, s.K, s.N, true);
  } else {
    cpu::PackedB* packs = thread_packed_weights(s.E);
    for (int64_t e = 0; e < s.E; ++e) packs[e].pack(s.K, s.N, p.W + e * s.N * s.K, s.K, true);
    Wp = packs;
  }
  dense_forward_packed_cpu(ep, V, s, drop, X, p, Wp, Y, H, stats);
}

void dense_backward_cpu(DenseEpilogue ep, int64_t V, const DenseShape& s,
                        const DenseDropout& drop, const float* X, const DenseParams& p,
                        const float* H, const float* stats, const float* dY, const DenseGrads& g) {
  const int64_t M = s.M, K = s.K, N = s.N;
  // dW_e += dH_eᵀ·X_e: a shared X (the Q ensemble's [z, a]) is packed once for all members.
  thread_local cpu::PackedB x_packed;
  if (g.dW != nullptr && s.shared_input) x_packed.pack(M, K, X, K, false, cpu::GemmA::kTransposed);
  // dX_e = dH_e·W_e over columns [c0, c1) of it: in a frozen span each member's whole W is packed
  // once for the span; a column range packs just its columns (each element is the same dot product
  // in the same order either way).
  const int64_t c0 = g.dx_begin, c1 = g.dx_end < 0 ? K : g.dx_end;
  const bool all_columns = c0 == 0 && c1 == K;
  cpu::WeightPacks* frozen =
      g.dX != nullptr && all_columns ? frozen_packs(p.W, s.E * N * K) : nullptr;
  const cpu::PackedB* Wn = frozen != nullptr ? frozen->get(p.W, s.E, N, K, false) : nullptr;
  for (int64_t e = 0; e < s.E; ++e) {
    const float* Xe = s.shared_input ? X : X + e * M * K;
    const float* We = p.W + e * N * K;
    float* dHe = g.dH + e * M * N;
    RowEpilogue r{ep, V, N, nullptr, p.gamma ? p.gamma + e * N : nullptr,
                  p.beta ? p.beta + e * N : nullptr};
    if (ep == DenseEpilogue::LnMish) r.backward_row = cpu::ln_mish_backward_row_simd();
    if (ep == DenseEpilogue::LnSimNorm && V == 8 && N % 8 == 0)
      r.backward_row = cpu::ln_simnorm8_backward_row_simd();
    backward_rows(r, drop, uint64_t(e * M * N), M, H ? H + e * M * N : nullptr,
                  stats ? stats + e * M * 2 : nullptr, dY + e * M * N, dHe,
                  g.dgamma ? g.dgamma + e * N : nullptr, g.dbeta ? g.dbeta + e * N : nullptr,
                  g.db ? g.db + e * N : nullptr);
    if (g.dX != nullptr) {
      // A shared input receives the sum over members: the first overwrites, the rest add.
      float* dXe = s.shared_input ? g.dX : g.dX + e * M * K;
      const float beta = s.shared_input && e > 0 ? 1.f : 0.f;
      if (Wn != nullptr) cpu::gemm_packed(M, dHe, N, false, Wn[e], beta, dXe, K);
      else cpu::gemm_nn(M, c1 - c0, N, dHe, N, We + c0, K, beta, dXe + c0, K);
    }
    if (g.dW != nullptr) {
      if (s.shared_input) cpu::gemm_packed(N, dHe, N, true, x_packed, 1.f, g.dW + e * N * K, K);
      else cpu::gemm_tn(N, K, M, dHe, N, Xe, K, 1.f, g.dW + e * N * K, K);
    }
  }
}

}  // namespace tdmpc2
