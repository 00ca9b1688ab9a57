// CUDA twin of native/cpu/dense.cc (semantics in tdmpc2/dense.h): per member one GEMM
// (cuda/gemm.cuh), then row kernels for the epilogue, one block per row, calling the same
// math.h functions as the CPU loops. Correct and simple: fusing the epilogue into the GEMM is
// the CUDA issue's work.
//
// Backward runs three passes over dH so that parameter gradients need no atomics (and are
// deterministic): (A) rows: dH ← ∂L/∂z; (B) columns: dγ += Σ_m ∂L/∂z ⊙ x̂, dβ += Σ_m ∂L/∂z;
// (C) rows: dH ← LayerNorm backward of γ ⊙ ∂L/∂z, times the dropout mask. Then the GEMMs.
#include "common.cuh"
#include "gemm.cuh"
#include "tdmpc2/dense.h"
#include "tdmpc2/math.h"

namespace tdmpc2 {
namespace {

constexpr int kRowThreads = 256;    // a multiple of the warp size (block_sum relies on it)
constexpr int64_t kMaxBlocks = 8192;  // grid-stride beyond this

unsigned grid_for(int64_t n) { return unsigned(n < kMaxBlocks ? (n > 0 ? n : 1) : kMaxBlocks); }

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block, returned to every thread. Fixed order: deterministic. Ends with a barrier
// so the next call may reuse the shared slots.
__device__ float block_sum(float v) {
  __shared__ float partial[32];
  __shared__ float total;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float t = lane < int(blockDim.x >> 5) ? partial[lane] : 0.f;
    t = warp_sum(t);
    if (lane == 0) total = t;
  }
  __syncthreads();
  const float r = total;
  __syncthreads();
  return r;
}

struct Epi {
  DenseEpilogue ep;
  int64_t V;
  int64_t M, N;  // rows per member, features
  const float* b;
  const float* gamma;
  const float* beta;
  DenseDropout drop;
  float scale;  // 1/(1 − p)
};

__device__ __forceinline__ float drop_factor(const Epi& q, uint64_t i) {
  return q.drop.p > 0.f
             ? dropout_factor_at(q.drop.seed, q.drop.stream, q.drop.offset, i, q.drop.p, q.scale)
             : 1.f;
}

// `none`: Y = (Y + b)·mask, elementwise over E·M·N.
__global__ void bias_dropout_kernel(Epi q, int64_t E, float* Y) {
  const int64_t total = E * q.M * q.N;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t e = i / (q.M * q.N), n = i % q.N;
    const float v = Y[i] + (q.b != nullptr ? q.b[e * q.N + n] : 0.f);
    Y[i] = v * drop_factor(q, uint64_t(i));
  }
}

// ln epilogues, one block per row r of E·M: H row (GEMM output) gets bias and dropout in place,
// then Y = act(γ ⊙ x̂ + β). H may be Y (inference).
__global__ void ln_forward_kernel(Epi q, int64_t rows, float* H, float* Y, float* stats) {
  const int64_t N = q.N;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t e = r / q.M;
    float* h = H + r * N;
    float* y = Y + r * N;
    const float* b = q.b != nullptr ? q.b + e * N : nullptr;
    const float* gamma = q.gamma + e * N;
    const float* beta = q.beta + e * N;
    float s = 0.f;
    for (int64_t n = threadIdx.x; n < N; n += blockDim.x) {
      const float v = (h[n] + (b != nullptr ? b[n] : 0.f)) * drop_factor(q, uint64_t(r * N + n));
      h[n] = v;
      s += v;
    }
    const float mean = block_sum(s) / float(N);
    float ss = 0.f;
    for (int64_t n = threadIdx.x; n < N; n += blockDim.x) ss += (h[n] - mean) * (h[n] - mean);
    const float rstd = layernorm_rstd(block_sum(ss) / float(N));
    if (stats != nullptr && threadIdx.x == 0) {
      stats[2 * r] = mean;
      stats[2 * r + 1] = rstd;
    }
    // After the barriers in block_sum every h[n] of the row is written; each thread now reads
    // and writes only its own elements (mish) or its own groups (SimNorm).
    if (q.ep == DenseEpilogue::LnMish) {
      for (int64_t n = threadIdx.x; n < N; n += blockDim.x)
        y[n] = mish((h[n] - mean) * rstd * gamma[n] + beta[n]);
    } else {
      for (int64_t g = threadIdx.x * q.V; g < N; g += int64_t(blockDim.x) * q.V) {
        for (int64_t j = g; j < g + q.V; ++j) y[j] = (h[j] - mean) * rstd * gamma[j] + beta[j];
        simnorm_group(y + g, y + g, q.V);
      }
    }
  }
}

// `none` backward: dH = dY·mask.
__global__ void dropout_backward_kernel(Epi q, int64_t total, const float* dY, float* dH) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(gridDim.x) * blockDim.x)
    dH[i] = dY[i] * drop_factor(q, uint64_t(i));
}

// (A) dH ← ∂L/∂z for every row (no cross-thread dependencies: no barriers needed).
__global__ void ln_dz_kernel(Epi q, int64_t rows, const float* H, const float* stats,
                             const float* dY, float* dH) {
  const int64_t N = q.N;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t e = r / q.M;
    const float* h = H + r * N;
    const float* dy = dY + r * N;
    float* dz = dH + r * N;
    const float* gamma = q.gamma + e * N;
    const float* beta = q.beta + e * N;
    const float mean = stats[2 * r], rstd = stats[2 * r + 1];
    if (q.ep == DenseEpilogue::LnMish) {
      for (int64_t n = threadIdx.x; n < N; n += blockDim.x)
        dz[n] = dy[n] * mish_grad(gamma[n] * ((h[n] - mean) * rstd) + beta[n]);
    } else {
      // dz doubles as scratch: z, then s = softmax(z), then s ⊙ (dy − Σ dy ⊙ s).
      for (int64_t g = threadIdx.x * q.V; g < N; g += int64_t(blockDim.x) * q.V) {
        for (int64_t j = g; j < g + q.V; ++j) dz[j] = gamma[j] * ((h[j] - mean) * rstd) + beta[j];
        simnorm_group(dz + g, dz + g, q.V);
        simnorm_group_backward(dz + g, dy + g, dz + g, q.V);
      }
    }
  }
}

// (B) dγ[e,n] += Σ_m dz·x̂, dβ[e,n] += Σ_m dz: one thread per (member, column), rows in order.
__global__ void ln_param_grad_kernel(Epi q, int64_t E, const float* H, const float* stats,
                                     const float* dH, float* dgamma, float* dbeta) {
  const int64_t N = q.N, M = q.M;
  for (int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; c < E * N;
       c += int64_t(gridDim.x) * blockDim.x) {
    const int64_t e = c / N, n = c % N;
    float sg = 0.f, sb = 0.f;
    for (int64_t m = 0; m < M; ++m) {
      const int64_t r = e * M + m;
      const float xhat = (H[r * N + n] - stats[2 * r]) * stats[2 * r + 1];
      const float dz = dH[r * N + n];
      sg += dz * xhat;
      sb += dz;
    }
    if (dgamma != nullptr) dgamma[c] += sg;
    if (dbeta != nullptr) dbeta[c] += sb;
  }
}

// (C) dH ← rstd·(g − mean(g) − x̂·mean(g ⊙ x̂))·mask with g = γ ⊙ dz, one block per row.
__global__ void ln_backward_kernel(Epi q, int64_t rows, const float* H, const float* stats,
                                   float* dH) {
  const int64_t N = q.N;
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t e = r / q.M;
    const float* h = H + r * N;
    float* d = dH + r * N;
    const float* gamma = q.gamma + e * N;
    const float mean = stats[2 * r], rstd = stats[2 * r + 1];
    float sg = 0.f, sgx = 0.f;
    // g = γ ⊙ dz is stored (each thread its own elements) and read back below: recomputed there,
    // nvcc would fuse γ·dz − mean(g) into one FMA, and a row whose g all equal mean(g) (N = 1)
    // would get a rounding error times rstd instead of exactly 0.
    for (int64_t n = threadIdx.x; n < N; n += blockDim.x) {
      const float g = gamma[n] * d[n];
      d[n] = g;
      sg += g;
      sgx += g * ((h[n] - mean) * rstd);
    }
    const float mean_g = block_sum(sg) / float(N);
    const float mean_gx = block_sum(sgx) / float(N);
    for (int64_t n = threadIdx.x; n < N; n += blockDim.x) {
      const float xhat = (h[n] - mean) * rstd;
      d[n] = layernorm_backward(d[n], xhat, mean_g, mean_gx, rstd) *
             drop_factor(q, uint64_t(r * N + n));
    }
  }
}

// db[e,n] += Σ_m dH[e,m,n]: one thread per (member, column).
__global__ void member_column_sum_kernel(int64_t E, int64_t M, int64_t N, const float* dH,
                                         float* db) {
  for (int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; c < E * N;
       c += int64_t(gridDim.x) * blockDim.x) {
    const int64_t e = c / N, n = c % N;
    float s = 0.f;
    for (int64_t m = 0; m < M; ++m) s += dH[(e * M + m) * N + n];
    db[c] += s;
  }
}

Epi make_epi(DenseEpilogue ep, int64_t V, const DenseShape& s, const DenseDropout& drop,
             const float* b, const float* gamma, const float* beta) {
  return Epi{ep, V, s.M, s.N, b, gamma, beta, drop, dropout_scale(drop.p)};
}

unsigned elementwise_grid(int64_t n) { return grid_for((n + kRowThreads - 1) / kRowThreads); }

}  // namespace

void dense_forward_cuda(DenseEpilogue ep, int64_t V, const DenseShape& s,
                        const DenseDropout& drop, const float* X, const DenseParams& p, float* Y,
                        float* H, float* stats) {
  const int64_t M = s.M, K = s.K, N = s.N;
  float* out = H != nullptr ? H : Y;  // training: the GEMM writes the saved LayerNorm input
  for (int64_t e = 0; e < s.E; ++e) {
    const float* Xe = s.shared_input ? X : X + e * M * K;
    cuda::gemm_nt(M, N, K, Xe, K, p.W + e * N * K, K, 0.f, out + e * M * N, N);
  }
  const Epi q = make_epi(ep, V, s, drop, p.b, p.gamma, p.beta);
  const int64_t rows = s.E * M;
  if (ep == DenseEpilogue::None) {
    if (p.b == nullptr && drop.p == 0.f) return;
    bias_dropout_kernel<<<elementwise_grid(rows * N), kRowThreads>>>(q, s.E, Y);
    cuda::check_launch("bias_dropout_kernel");
    return;
  }
  ln_forward_kernel<<<grid_for(rows), kRowThreads>>>(q, rows, out, Y, stats);
  cuda::check_launch("ln_forward_kernel");
}

void dense_backward_cuda(DenseEpilogue ep, int64_t V, const DenseShape& s,
                         const DenseDropout& drop, const float* X, const DenseParams& p,
                         const float* H, const float* stats, const float* dY,
                         const DenseGrads& g) {
  const int64_t M = s.M, K = s.K, N = s.N;
  const int64_t rows = s.E * M;
  const Epi q = make_epi(ep, V, s, drop, nullptr, p.gamma, p.beta);
  if (ep == DenseEpilogue::None) {
    dropout_backward_kernel<<<elementwise_grid(rows * N), kRowThreads>>>(q, rows * N, dY, g.dH);
    cuda::check_launch("dropout_backward_kernel");
  } else {
    ln_dz_kernel<<<grid_for(rows), kRowThreads>>>(q, rows, H, stats, dY, g.dH);
    cuda::check_launch("ln_dz_kernel");
    if (g.dgamma != nullptr || g.dbeta != nullptr) {
      ln_param_grad_kernel<<<elementwise_grid(s.E * N), kRowThreads>>>(q, s.E, H, stats, g.dH,
                                                                         g.dgamma, g.dbeta);
      cuda::check_launch("ln_param_grad_kernel");
    }
    ln_backward_kernel<<<grid_for(rows), kRowThreads>>>(q, rows, H, stats, g.dH);
    cuda::check_launch("ln_backward_kernel");
  }
  const int64_t c0 = g.dx_begin, c1 = g.dx_end < 0 ? K : g.dx_end;  // the dX columns to write
  for (int64_t e = 0; e < s.E; ++e) {
    const float* Xe = s.shared_input ? X : X + e * M * K;
    const float* dHe = g.dH + e * M * N;
    if (g.dX != nullptr) {
      // A shared input receives the sum over members: the first overwrites, the rest add.
      float* dXe = s.shared_input ? g.dX : g.dX + e * M * K;
      cuda::gemm_nn(M, c1 - c0, N, dHe, N, p.W + e * N * K + c0, K,
                    s.shared_input && e > 0 ? 1.f : 0.f, dXe + c0, K);
    }
    if (g.dW != nullptr) cuda::gemm_tn(N, K, M, dHe, N, Xe, K, 1.f, g.dW + e * N * K, K);
  }
  if (g.db != nullptr) {
    member_column_sum_kernel<<<elementwise_grid(s.E * N), kRowThreads>>>(s.E, M, N, g.dH, g.db);
    cuda::check_launch("member_column_sum_kernel");
  }
}

}  // namespace tdmpc2
