// CPU GEMM driver: packs op(B) into column panels, then runs the micro-kernel chosen at load over
// row panels of op(A), in parallel over row panels (see gemm.h for the interface).
//
// Loop order (for the agent's sizes, K ≤ 768 and N ≤ 640, a single depth block):
//   X·Wᵀ, dY·W:
//   for each column block of B (≤ half the L2)
//     for each row panel of mr rows          ← one work item of the thread pool
//       A panel: rows of A read in place (packed [k][mr] for a last panel of another height)
//       for each column panel of the block: tile  ← the A panel stays in L1, B streams from L2
//       epilogue on the finished rows (last block)  ← the fused LayerNorm/Mish/SimNorm
//   dYᵀ·X:
//   for each group of ≤ 8 row panels         ← one work item
//     their Aᵀ panels packed [k][mr]
//     for each column block of B (≤ a quarter of the L2)
//       for each row panel of the group: for each column panel of the block: tile
// Deeper K is cut into blocks of ≤ 512 (the A panel must stay in L1); a block after the first
// accumulates into C.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <unistd.h>

#include "gemm_kernels.h"
#include "gemm_profile.h"
#include "thread_pool.h"

namespace tdmpc2::cpu {
namespace {

constexpr int64_t kMaxKc = 512;         // depth block when K is cut (A panel of 12×512 in L1)
constexpr int64_t kSingleBlockK = 768;  // up to this depth, one block (no C re-reads)
// dYᵀ·X row panels per work item, at most: their Aᵀ is packed together (pack_a_transposed)
// and each column block of B serves them in turn from L2. Groups of 4, 8 and 16 ran a
// 512×256×512 dYᵀ·X 1.037, 1.033 and 1.045× as fast as panel by panel on Zen 3 (tools/gemm-ab,
// 300 pairs each, before the blocks); with the blocks (128 KiB), 1.011/1.017, 1.018/1.021 and
// 1.009/1.011× as fast as groups of 4 without (2026-12-02).
constexpr int64_t kTransposedGroup = 8;
// Below this many multiply-adds a GEMM runs on one thread: handing work to the pool costs a few
// µs, and a small product is done in that time.
constexpr int64_t kParallelMinMacs = int64_t(1) << 21;
// Packing B runs in parallel from this many elements on (copying is cheap per element).
constexpr int64_t kParallelMinPack = int64_t(1) << 17;

// The AVX-512 tile of X·Wᵀ and dY·W: 12×32 on AMD, else 6×64 (gemm_avx512.cc has the
// measurements), or as TDMPC2_GEMM_ROWS_TILE says (6x64 or 12x32; other values are ignored).
bool avx512_wide_rows() {
  if (const char* t = std::getenv("TDMPC2_GEMM_ROWS_TILE")) {
    const std::string v = t;
    if (v == "6x64") return true;
    if (v == "12x32") return false;
  }
#if defined(__x86_64__)
  return !__builtin_cpu_is("amd");  // select_kernel ran __builtin_cpu_init
#else
  return true;
#endif
}

const GemmKernel& select_kernel() {
  int level = 0;  // 0 scalar, 1 avx2, 2 avx512
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) level = 2;
  else if (__builtin_cpu_supports("x86-64-v3")) level = 1;
#if defined(TDMPC2_AVX512_EMULATION)
  // A test build: the AVX-512 kernels run on SIMDe's AVX2 versions of their intrinsics
  // (avx512_intrinsics.h).
  if (level == 1) level = 2;
#endif
#endif
  if (const char* cap = std::getenv("TDMPC2_CPU_ISA")) {
    const std::string c = cap;
    if (c == "scalar") level = 0;
    else if (c == "avx2") level = std::min(level, 1);
  }
#if defined(__x86_64__)
  if (level == 2) return gemm_kernel_avx512(avx512_wide_rows());
  if (level == 1) return gemm_kernel_avx2();
#endif
  return gemm_kernel_scalar();
}

const GemmKernel& kernel() {
  static const GemmKernel& k = select_kernel();
  return k;
}

// How many bytes of packed B one column block of X·Wᵀ or dY·W may hold: half this core's L2
// (glibc reads its size from cpuid), so that a block stays in L2 while every row panel streams it,
// or TDMPC2_GEMM_BLOCK_KIB (0: no blocks; the tests force small blocks with it); unknown: no
// blocks. A 512×512 W packs into 1 MiB: on Zen 5 (1 MiB of L2) it left L2 between row panels,
// and blocks of 512 KiB ran X·Wᵀ 1.008–1.018× (256, 536, 1024 rows) and dY·W 1.015× as fast in
// tools/gemm-ab, whole plan calls in 0.976–0.983× the time and updates in 0.991–0.995×
// (in-process A/Bs, 2026-12-01). dYᵀ·X takes blocks of half this size inside its work items
// (gemm_packed_unprofiled), packing its Aᵀ once; blocks that repacked Aᵀ each ran 0.79–0.99× on
// Zen 5.
int64_t column_block_bytes() {
  static const int64_t bytes = [] {
    if (const char* e = std::getenv("TDMPC2_GEMM_BLOCK_KIB")) {
      char* end = nullptr;
      const long long kib = std::strtoll(e, &end, 10);
      if (end != e && *end == '\0' && kib >= 0 && kib < (int64_t(1) << 40)) return int64_t(kib) * 1024;
    }
#if defined(_SC_LEVEL2_CACHE_SIZE)
    const long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
    return l2 > 0 ? int64_t(l2) / 2 : int64_t(0);
#else
    return int64_t(0);
#endif
  }();
  return bytes;
}

float* aligned_floats(size_t n) {
  void* p = std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<float*>(p);
}

// Per-thread scratch for packed A panels; grows once, so the hot path allocates nothing.
float* a_scratch(size_t n) {
  struct Buf {
    float* p = nullptr;
    size_t n = 0;
    ~Buf() { std::free(p); }
  };
  thread_local Buf buf;
  if (buf.n < n) {
    std::free(buf.p);
    buf.p = nullptr;
    buf.n = 0;
    buf.p = aligned_floats(n);
    buf.n = n;
  }
  return buf.p;
}

// Rows [i0, i0 + rows) × depth [k0, k0 + kc) of A (row-major) as a [kc][mr] panel, rows ≥ `rows`
// zero: a last row panel of X·Wᵀ or dY·W whose height no tile reads in place.
void pack_a(const float* A, int64_t lda, int64_t i0, int64_t rows, int64_t k0, int64_t kc,
            int64_t mr, float* dst) {
  for (int64_t k = 0; k < kc; ++k)
    for (int64_t r = 0; r < mr; ++r)
      dst[k * mr + r] = r < rows ? A[(i0 + r) * lda + k0 + k] : 0.f;
}

void empty_or_scale(int64_t M, int64_t N, float beta, float* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) C[i * ldc + j] = beta != 0.f ? C[i * ldc + j] : 0.f;
}

int64_t depth_blocks(int64_t K) {
  return K <= kSingleBlockK ? 1 : (K + kMaxKc - 1) / kMaxKc;
}

}  // namespace

// --- PackedB ------------------------------------------------------------------------------------

PackedB::PackedB() = default;
PackedB::~PackedB() { std::free(data_); }
PackedB::PackedB(PackedB&& o) noexcept { *this = std::move(o); }
PackedB& PackedB::operator=(PackedB&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    K_ = o.K_, N_ = o.N_, nr_ = o.nr_, tail_ = o.tail_, panels_ = o.panels_, a_ = o.a_;
    transposed_ = o.transposed_;
    capacity_ = o.capacity_, data_ = o.data_;
    o.data_ = nullptr, o.capacity_ = 0, o.K_ = o.N_ = o.panels_ = 0;
  }
  return *this;
}

namespace {

// The name of a product's form (and of B's pack for it) in the GEMM profile.
const char* form_name(bool a_trans, bool b_transposed, bool pack) {
  if (a_trans) return pack ? "pack tn" : "tn";
  if (b_transposed) return pack ? "pack nt" : "nt";
  return pack ? "pack nn" : "nn";
}

}  // namespace

void PackedB::pack(int64_t K, int64_t N, const float* B, int64_t ldb, bool transposed, GemmA a) {
  gemm_profiled(form_name(a == GemmA::kTransposed, transposed, true), 0, N, K, false,
                [&] { pack_unprofiled(K, N, B, ldb, transposed, a); });
}

void PackedB::pack_unprofiled(int64_t K, int64_t N, const float* B, int64_t ldb, bool transposed,
                              GemmA a) {
  const GemmKernel& ker = kernel();
  const int64_t nr = (a == GemmA::kRows ? ker.rows : ker.transposed).nr, vw = ker.vw;
  a_ = a;
  transposed_ = transposed;
  if (K <= 0 || N <= 0) {
    K_ = std::max<int64_t>(K, 0), N_ = std::max<int64_t>(N, 0), nr_ = nr, tail_ = 0, panels_ = 0;
    return;
  }
  const int64_t panels = (N + nr - 1) / nr;
  const int64_t last = N - (panels - 1) * nr;
  const int64_t tail = (last + vw - 1) / vw * vw;
  const size_t need = size_t((panels - 1) * nr + tail) * size_t(K);
  if (need > capacity_) {
    float* p = aligned_floats(need);
    std::free(data_);
    data_ = p;
    capacity_ = need;
  }
  K_ = K, N_ = N, nr_ = nr, tail_ = tail, panels_ = panels;

  auto pack_panel = [&](int64_t p) {
    const int64_t j0 = p * nr, w = panel_width(p), cols = std::min(w, N - j0);
    float* dst = data_ + p * nr * K;
    if (transposed) ker.pack_b_transposed(B + j0 * ldb, ldb, K, cols, w, dst);
    else ker.pack_b(B + j0, ldb, K, cols, w, dst);
  };
  parallel_for(panels, K * N >= kParallelMinPack ? num_threads() : 1, ItemFn(pack_panel));
}

// --- the product ------------------------------------------------------------------------------

namespace {

void gemm_packed_unprofiled(int64_t M, const float* A, int64_t lda, bool a_trans,
                            const PackedB& B, float beta, float* C, int64_t ldc,
                            const RowEpilogue* epilogue) {
  const int64_t N = B.N(), K = B.K();
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty product: C = beta·C
    empty_or_scale(M, N, beta, C, ldc);
    if (epilogue != nullptr) epilogue->fn(epilogue->ctx, 0, M);
    return;
  }
  const GemmKernel& ker = kernel();
  const GemmTiles& tiles = B.a() == GemmA::kRows ? ker.rows : ker.transposed;
  const int64_t mr = tiles.mr;
  const int64_t blocks = depth_blocks(K);
  const int64_t kc_max = (K + blocks - 1) / blocks;
  const int64_t row_panels = (M + mr - 1) / mr;

  // Column blocks of B panels. X·Wᵀ and dY·W sweep each block (at most column_block_bytes) over
  // all row panels before the next; a row panel's epilogue runs after its last block. dYᵀ·X
  // sweeps its blocks inside each work item instead, so that the item's Aᵀ is packed once and
  // each block serves the item's row panels in turn from L2; without blocks, each of its row
  // panels streamed all of B (512 KiB for the update's 512×256×512, 43 MiB from L3 in all).
  // Its blocks are a quarter of the L2, to stay there next to the item's Aᵀ and C rows: with
  // groups of 8, blocks of 128 KiB ran it 1.018 and 1.021× as fast on Zen 3, of 256 KiB 1.020
  // and 1.009× (tools/gemm-ab tn-call, 400 pairs each).
  const int threads = M * N * K >= kParallelMinMacs ? num_threads() : 1;
  const int64_t budget = a_trans ? column_block_bytes() / 2 : column_block_bytes();
  const int64_t b_bytes = B.panels() * B.nr() * K * int64_t(sizeof(float));
  const int64_t want = budget <= 0 ? 1 : (b_bytes + budget - 1) / budget;
  const int64_t per_block = (B.panels() + want - 1) / want;  // blocks of even width
  const int64_t col_blocks = (B.panels() + per_block - 1) / per_block;
  // Work items: one row panel each (X·Wᵀ, dY·W), or for dYᵀ·X up to kTransposedGroup of them,
  // their count a multiple of the threads and the panels spread evenly over them (a 512-row dW
  // is 86 panels: 11 items of 7–8 on one thread, 12 on two).
  const int64_t items =
      a_trans ? std::min(row_panels, threads * ((row_panels + threads * kTransposedGroup - 1) /
                                                (threads * kTransposedGroup)))
              : row_panels;
  const int64_t group = (row_panels + items - 1) / items;  // the most panels in an item
  // The row panel at rows [i0, i0 + rows) over column panels [p0, p1) and depth [k0, k0 + kc).
  auto row_panel = [&](const float* a, int64_t a_rs, int64_t i0, int64_t rows, int64_t p0,
                       int64_t p1, int64_t k0, int64_t kc, bool accumulate) {
    // The full panels (width nr, every column inside N) in one call, then the last one.
    const int64_t full_end = std::min(p1, N / B.nr());
    int64_t p = p0;
    if (full_end > p) {
      tiles.tiles(kc, a, a_rs, B.panel(p) + k0 * B.nr(), B.nr() * K, full_end - p,
                  C + i0 * ldc + p * B.nr(), ldc, rows, accumulate);
      p = full_end;
    }
    for (; p < p1; ++p) {
      const int64_t w = B.panel_width(p), j0 = p * B.nr();
      tiles.tile(kc, a, a_rs, B.panel(p) + k0 * w, w, C + i0 * ldc + j0, ldc, rows,
                 std::min(w, N - j0), accumulate);
    }
  };
  const int64_t sweeps = a_trans ? 1 : col_blocks;  // column blocks outside the work items
  for (int64_t sweep = 0; sweep < sweeps; ++sweep) {
    const int64_t cb0 = a_trans ? 0 : sweep, cb1 = a_trans ? col_blocks : sweep + 1;
    auto item = [&](int64_t it) {
      const int64_t ip0 = it * row_panels / items, ip1 = (it + 1) * row_panels / items;
      for (int64_t k0 = 0; k0 < K; k0 += kc_max) {
        const int64_t kc = std::min(kc_max, K - k0);
        const bool accumulate = beta != 0.f || k0 > 0;
        float* at = nullptr;  // the group's Aᵀ panels (dYᵀ·X)
        if (a_trans) {
          at = a_scratch(size_t(group * mr * kc_max));
          ker.pack_a_transposed(A + k0 * lda + ip0 * mr, lda, kc, M - ip0 * mr, mr, ip1 - ip0, at);
        }
        for (int64_t cb = cb0; cb < cb1; ++cb) {
          const int64_t p0 = cb * per_block, p1 = std::min(B.panels(), p0 + per_block);
          for (int64_t ip = ip0; ip < ip1; ++ip) {
            const int64_t i0 = ip * mr, rows = std::min(mr, M - i0);
            if (a_trans) {
              row_panel(at + (ip - ip0) * mr * kc, 0, i0, rows, p0, p1, k0, kc, accumulate);
            } else if (gemm_tile_in_place(rows, mr)) {  // A's rows read in place
              row_panel(A + i0 * lda + k0, lda, i0, rows, p0, p1, k0, kc, accumulate);
            } else {  // a last row panel of another height, packed with zero rows
              float* ap = a_scratch(size_t(mr * kc_max));
              pack_a(A, lda, i0, rows, k0, kc, mr, ap);
              row_panel(ap, 0, i0, rows, p0, p1, k0, kc, accumulate);
            }
          }
        }
      }
      if (cb1 == col_blocks && epilogue != nullptr)
        for (int64_t ip = ip0; ip < ip1; ++ip)
          epilogue->fn(epilogue->ctx, ip * mr, std::min(mr, M - ip * mr));
    };
    parallel_for(items, threads, ItemFn(item));
  }
}

}  // namespace

void gemm_packed(int64_t M, const float* A, int64_t lda, bool a_trans, const PackedB& B,
                 float beta, float* C, int64_t ldc, const RowEpilogue* epilogue) {
  gemm_profiled(form_name(a_trans, B.transposed(), false), M, B.N(), B.K(), epilogue != nullptr,
                [&] { gemm_packed_unprofiled(M, A, lda, a_trans, B, beta, C, ldc, epilogue); });
}

const char* gemm_isa() { return kernel().isa; }

const char* gemm_tile_name(GemmA a) {
  // "MRxNR" of each family of the chosen kernel, made once.
  static const std::string names[2] = {
      std::to_string(kernel().rows.mr) + "x" + std::to_string(kernel().rows.nr),
      std::to_string(kernel().transposed.mr) + "x" + std::to_string(kernel().transposed.nr)};
  return names[a == GemmA::kRows ? 0 : 1].c_str();
}

namespace {

// The caller's packed B: per thread, so that concurrent GEMMs (the planner's worker and the main
// thread) never share it; the pool's workers only read it while the caller waits.
PackedB& thread_packed_b() {
  thread_local PackedB b;
  return b;
}

}  // namespace

void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc, const RowEpilogue* epilogue) {
  if (M <= 0 || N <= 0) return;
  PackedB& pb = thread_packed_b();
  pb.pack(K, N, B, ldb, true);
  gemm_packed(M, A, lda, false, pb, beta, C, ldc, epilogue);
}

void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return empty_or_scale(M, N, beta, C, ldc);
  PackedB& pb = thread_packed_b();
  pb.pack(K, N, B, ldb, false);
  gemm_packed(M, A, lda, false, pb, beta, C, ldc);
}

void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return empty_or_scale(M, N, beta, C, ldc);
  PackedB& pb = thread_packed_b();
  pb.pack(K, N, B, ldb, false, GemmA::kTransposed);
  gemm_packed(M, A, lda, true, pb, beta, C, ldc);
}

}  // namespace tdmpc2::cpu
