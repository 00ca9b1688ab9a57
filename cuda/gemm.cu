// The CUDA GEMM behind cuda/gemm.cuh: a register-blocked FP32 kernel used in the three forms.
// A block of 256 threads computes a (16·TM)×(16·TN) tile of C; thread (ty, tx) owns the TM×TN
// outputs at rows ty + 16i and columns tx + 16j (strided, so a warp's shared-memory reads are
// broadcasts for A and 16 consecutive words for B: no bank conflicts, and the stores of C are
// coalesced). Per BK = 16 step the block stages an A and a B tile in shared memory (bounds
// checked: any M, N, K, strides and alignment), and each thread does TM·TN FMAs per TM + TN
// shared loads. Two shared stages: the next step's tiles are loaded into registers before the
// current step's FMAs and stored to the other stage after them, one barrier per step (on an
// H200 this took a 5M plan for 1024 environments from 2238 to 1899 ms). Two tile sizes: 128×128 (8×8 per thread) when the grid still has two blocks per
// SM, else 64×64 (4×4), so the small GEMMs of a one-environment plan spread over the SMs.
//
// Every output is one FMA chain over k = 0, 1, …, K−1 starting from 0 (then + C when beta = 1),
// whatever the tile size: a row's result does not depend on M or on the other rows, which the
// planner's batched == single guarantee relies on (tdmpc2/planner.h). Tensor cores and fused
// epilogues are further work.
#include "common.cuh"
#include "gemm.cuh"

namespace tdmpc2::cuda {
namespace {

constexpr int kThreads = 256;          // a 16×16 thread grid
constexpr int BK = 16;                 // k per shared-memory stage
constexpr unsigned kMaxGridY = 65535;  // the hardware limit of gridDim.y

enum class Form { NT, NN, TN };

template <Form F>
__device__ __forceinline__ float load_a(const float* A, int64_t lda, int64_t i, int64_t k) {
  return F == Form::TN ? A[k * lda + i] : A[i * lda + k];
}
template <Form F>
__device__ __forceinline__ float load_b(const float* B, int64_t ldb, int64_t k, int64_t j) {
  return F == Form::NT ? B[j * ldb + k] : B[k * ldb + j];
}

// C[M,N] = beta·C + op(A)·op(B). Row tiles stride by gridDim.y so any M fits the grid limit;
// the loop bounds are uniform across the block, so the barriers inside are safe.
template <Form F, int TM, int TN>
__global__ void __launch_bounds__(kThreads)
    gemm_kernel(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                int64_t ldb, float beta, float* C, int64_t ldc) {
  constexpr int BM = 16 * TM, BN = 16 * TN;
  constexpr int LA = BM * BK / kThreads, LB = BN * BK / kThreads;  // staged values per thread
  // Two stages: while the block computes from one, the next k-tile's values are already on
  // their way from global memory into registers, and go to the other stage afterwards.
  __shared__ float As[2][BK][BM + 4];  // As[s][k][m]; the pad spreads the stores over banks
  __shared__ float Bs[2][BK][BN + 4];  // Bs[s][k][n]
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int64_t n0 = int64_t(blockIdx.x) * BN;
  const int64_t row_tiles = (M + BM - 1) / BM;
  const int64_t k_tiles = (K + BK - 1) / BK;
  // Thread tid stages elements idx = tid + l·256 of each tile; consecutive threads walk the
  // operand's contiguous axis (coalesced loads).
  auto a_mk = [&](int l, int& m, int& k) {
    const int idx = tid + l * kThreads;
    m = F == Form::TN ? idx % BM : idx / BK;
    k = F == Form::TN ? idx / BM : idx % BK;
  };
  auto b_nk = [&](int l, int& n, int& k) {
    const int idx = tid + l * kThreads;
    n = F == Form::NT ? idx / BK : idx % BN;
    k = F == Form::NT ? idx % BK : idx / BN;
  };
  for (int64_t tile = blockIdx.y; tile < row_tiles; tile += gridDim.y) {
    const int64_t m0 = tile * BM;
    float ra[LA], rb[LB];
    auto fetch = [&](int64_t k0) {  // global → registers (zeros outside the matrices)
#pragma unroll
      for (int l = 0; l < LA; ++l) {
        int m, k;
        a_mk(l, m, k);
        const int64_t gm = m0 + m, gk = k0 + k;
        ra[l] = (gm < M && gk < K) ? load_a<F>(A, lda, gm, gk) : 0.f;
      }
#pragma unroll
      for (int l = 0; l < LB; ++l) {
        int n, k;
        b_nk(l, n, k);
        const int64_t gn = n0 + n, gk = k0 + k;
        rb[l] = (gn < N && gk < K) ? load_b<F>(B, ldb, gk, gn) : 0.f;
      }
    };
    auto stash = [&](int s) {  // registers → stage s
#pragma unroll
      for (int l = 0; l < LA; ++l) {
        int m, k;
        a_mk(l, m, k);
        As[s][k][m] = ra[l];
      }
#pragma unroll
      for (int l = 0; l < LB; ++l) {
        int n, k;
        b_nk(l, n, k);
        Bs[s][k][n] = rb[l];
      }
    };
    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;
    fetch(0);
    stash(0);
    __syncthreads();
    for (int64_t t = 0; t < k_tiles; ++t) {
      const int s = int(t & 1);
      const bool more = t + 1 < k_tiles;
      if (more) fetch((t + 1) * BK);
      // Zero-padded k beyond K adds 0·0 = +0 to a chain; x + 0 = x for every x but −0, and a
      // chain that starts at +0 is never −0 unless all its products are, so no result changes.
#pragma unroll
      for (int k = 0; k < BK; ++k) {
        float a[TM], b[TN];
#pragma unroll
        for (int i = 0; i < TM; ++i) a[i] = As[s][k][ty + 16 * i];
#pragma unroll
        for (int j = 0; j < TN; ++j) b[j] = Bs[s][k][tx + 16 * j];
#pragma unroll
        for (int i = 0; i < TM; ++i)
#pragma unroll
          for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
      }
      // The other stage was last read in step t − 1, which every thread finished before the
      // barrier that ended it; the barrier below publishes it (and ends this step's reads).
      if (more) stash(s ^ 1);
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < TM; ++i) {
      const int64_t row = m0 + ty + 16 * i;
      if (row >= M) continue;
#pragma unroll
      for (int j = 0; j < TN; ++j) {
        const int64_t col = n0 + tx + 16 * j;
        if (col >= N) continue;
        float* c = C + row * ldc + col;
        *c = beta != 0.f ? *c + acc[i][j] : acc[i][j];
      }
    }
  }
}

// The number of SMs of the current device (cached per device id).
int sm_count() {
  static int cache[64] = {};
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || dev < 0 || dev >= 64) return 1;
  if (cache[dev] == 0) {
    int n = 0;
    if (cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess || n < 1)
      n = 1;
    cache[dev] = n;
  }
  return cache[dev];
}

template <Form F, int TM, int TN>
void launch(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
            int64_t ldb, float beta, float* C, int64_t ldc) {
  constexpr int BM = 16 * TM, BN = 16 * TN;
  const int64_t row_tiles = (M + BM - 1) / BM;
  const dim3 grid(unsigned((N + BN - 1) / BN),
                  unsigned(row_tiles < kMaxGridY ? row_tiles : kMaxGridY));
  gemm_kernel<F, TM, TN><<<grid, kThreads>>>(M, N, K, A, lda, B, ldb, beta, C, ldc);
  check_launch("gemm_kernel");
}

template <Form F>
void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
          int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  const int64_t big_tiles = ((M + 127) / 128) * ((N + 127) / 128);
  if (big_tiles >= 2 * int64_t(sm_count()))
    launch<F, 8, 8>(M, N, K, A, lda, B, ldb, beta, C, ldc);
  else
    launch<F, 4, 4>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace

void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm<Form::NT>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm<Form::NN>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}
void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm<Form::TN>(M, N, K, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace tdmpc2::cuda
