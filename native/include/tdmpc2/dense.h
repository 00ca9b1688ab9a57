// Dense layer with a fused epilogue, ensemble-batched: every layer of every TD-MPC2 network.
//
// E members (E = 1: a plain layer; the Q heads: E = num_q), each with its own W[N,K], b[N],
// γ[N], β[N]; all parameter arrays are stacked along a leading E axis (W[E,N,K], b[E,N], ...).
// The input is either shared by all members (X[M,K], the first Q layer on [z, a]) or per member
// (X[E,M,K]); the output is Y[E,M,N].
//
// Forward, for member e and row m:
//   h   = W_e · x_m + b_e                          (b may be null: no bias)
//   h_d = dropout_p(h)                             (only when p > 0; see below)
//   none:       y = h_d                            (γ, β, H, stats unused: pass null)
//   ln_mish:    y = mish(γ_e ⊙ x̂ + β_e),   x̂ = (h_d − μ)·rstd   (LayerNorm over the N values)
//   ln_simnorm: y = simnorm_V(γ_e ⊙ x̂ + β_e)                     (softmax per group of V)
// (math/{activations,layernorm,simnorm,dropout}.h hold the per-element formulas.)
//
// Dropout: element (e, m, n) is number i = (e·M + m)·N + n of the dropout draw at
// (seed, stream, offset) (math/dropout.h): masks are independent across members, rows and
// columns, and a pure function of the address, so backward recomputes them. One call consumes
// rng_blocks(E·M·N) Philox blocks; the caller advances offset by that.
//
// Saved for backward (ln epilogues, training): H[E,M,N] = h_d (the LayerNorm input) and
// stats[E,M,2] = (μ, rstd) per row. Both null = inference: nothing is saved. Backward recomputes
// x̂, z and the activation's derivative from them (one FMA and one exp per element), which costs
// less memory than saving z or the mask. The `none` epilogue needs nothing saved.
//
// Backward (same epilogue, dropout address and V as the forward):
//   dH[E,M,N]  = ∂L/∂h (before dropout)             (overwritten; a required workspace)
//   dX         = Σ_n dH·W: [E,M,K], or for a shared X[M,K] the sum over members (overwritten),
//                only columns [dx_begin, dx_end) when the caller reads no others (the rest is
//                left untouched): the Q heads' first layer in the policy step reads [z, a] with z
//                detached, and only ∂L/∂a is needed (1 column of 513 instead of all)
//   dW[E,N,K] += dHᵀ·X,  db[E,N] += Σ_m dH,  dγ[E,N] += Σ_m ∂L/∂z ⊙ x̂,  dβ[E,N] += Σ_m ∂L/∂z
// Parameter gradients accumulate (a layer is applied several times per update; the optimizer
// zeroes them), activation gradients are overwritten. Any output may be null to skip it, except
// dH. Outputs never alias inputs or each other (the binding checks). E, K, N ≥ 1; M ≥ 0; for
// ln_simnorm V divides N.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tdmpc2 {

enum class DenseEpilogue : int32_t { None = 0, LnMish = 1, LnSimNorm = 2 };

struct DenseShape {
  int64_t E;          // ensemble members
  int64_t M;          // rows per member
  int64_t K;          // input features
  int64_t N;          // output features
  bool shared_input;  // X is [M,K] for every member, else [E,M,K]
};

struct DenseDropout {
  float p = 0.f;  // drop probability in [0, 1); 0 disables dropout
  uint64_t seed = 0;
  uint32_t stream = 0;
  uint64_t offset = 0;
};

struct DenseParams {
  const float* W;      // [E,N,K]
  const float* b;      // [E,N] or null
  const float* gamma;  // [E,N] (ln epilogues)
  const float* beta;   // [E,N] (ln epilogues)
};

struct DenseGrads {
  float* dH;      // [E,M,N], required
  float* dX;      // [M,K] (shared input) or [E,M,K]; null to skip
  float* dW;      // [E,N,K] or null
  float* db;      // [E,N] or null
  float* dgamma;  // [E,N] or null (ln epilogues)
  float* dbeta;   // [E,N] or null (ln epilogues)
  int64_t dx_begin = 0;  // the columns of dX to write: [dx_begin, dx_end), 0 ≤ dx_begin < dx_end ≤ K
  int64_t dx_end = -1;   // -1: K
};

namespace cpu {
class PackedB;
}

void dense_forward_cpu(DenseEpilogue ep, int64_t V, const DenseShape& s, const DenseDropout& drop,
                       const float* X, const DenseParams& p, float* Y, float* H, float* stats);
void dense_backward_cpu(DenseEpilogue ep, int64_t V, const DenseShape& s,
                        const DenseDropout& drop, const float* X, const DenseParams& p,
                        const float* H, const float* stats, const float* dY, const DenseGrads& g);

// CPU only, for a caller that applies one layer to several inputs between two weight updates
// (the planner's latent rollout over the horizon): the forward above with every member's W
// already packed (Wp[E]; p.W is not read).
void dense_forward_packed_cpu(DenseEpilogue ep, int64_t V, const DenseShape& s,
                              const DenseDropout& drop, const float* X, const DenseParams& p,
                              const cpu::PackedB* Wp, float* Y, float* H, float* stats);

// CPU: frozen spans of the calling thread. dense_freeze_weights_cpu opens a span that declares
// n ranges of memory constant; until the matching dense_thaw_weights_cpu, dense_forward_cpu and
// dense_backward_cpu pack a W that lies in one of them for the GEMM once, on its first use, instead
// of on every call (the update applies the dynamics H times, forward and backward). The caller
// guarantees that the ranges neither change nor are freed while the span is open. Spans nest;
// each one opened starts a new epoch (each W is packed again on its first use in it), so weights
// changed between two inner spans of an outer one are seen. Other threads are not affected.
struct WeightRange {
  const float* data;
  int64_t count;
};
void dense_freeze_weights_cpu(const WeightRange* ranges, int64_t n);
void dense_thaw_weights_cpu();
// The packed weight matrices this thread keeps for its frozen spans (entries unused for eight
// spans are freed).
size_t dense_frozen_packs_cpu();

#ifdef TDMPC2_WITH_CUDA
void dense_forward_cuda(DenseEpilogue ep, int64_t V, const DenseShape& s,
                        const DenseDropout& drop, const float* X, const DenseParams& p, float* Y,
                        float* H, float* stats);
void dense_backward_cuda(DenseEpilogue ep, int64_t V, const DenseShape& s,
                         const DenseDropout& drop, const float* X, const DenseParams& p,
                         const float* H, const float* stats, const float* dY,
                         const DenseGrads& g);
#endif

}  // namespace tdmpc2
