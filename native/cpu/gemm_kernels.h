// The ISA-specific halves of the CPU GEMM (internal to gemm*.cc): one table per instruction set,
// each compiled in its own file with its own target attribute, the rest of the binary staying
// baseline x86-64. gemm.cc picks one table at load from the CPU's features.
#pragma once
#include <cstdint>

namespace tdmpc2::cpu {

// One register-tile family: its tile height, its B panel width and its micro-kernel.
struct GemmTiles {
  int64_t mr;  // rows of a register tile
  int64_t nr;  // columns of a full register tile (= a full B panel)
  // C[rows, cols] (accumulate ? += : =) A-panel · B-panel over depth kc, rows ≤ mr, cols ≤ bw.
  //   a: a_rs == 0 → packed [kc][mr];  a_rs > 0 → `rows` rows at stride a_rs, k contiguous
  //      (rows then passes gemm_tile_in_place).
  //   b: packed [kc][bw], bw = nr or a multiple of vw below it.
  void (*tile)(int64_t kc, const float* a, int64_t a_rs, const float* b, int64_t bw, float* c,
               int64_t ldc, int64_t rows, int64_t cols, bool accumulate);
  // `panels` full tiles side by side (cols = bw = nr each): panel q reads b + q·b_stride and
  // writes c + q·nr. The driver's loop over a row panel's full column panels, inside the ISA's
  // code: one indirect call and one dispatch per row panel instead of per tile.
  void (*tiles)(int64_t kc, const float* a, int64_t a_rs, const float* b, int64_t b_stride,
                int64_t panels, float* c, int64_t ldc, int64_t rows, bool accumulate);
};

struct GemmKernel {
  const char* isa;  // "avx512", "avx2", "scalar"
  int64_t vw;       // vector width; a tail panel is a multiple of it, ≤ nr
  // The family of the products that read op(A) = A's rows in place (X·Wᵀ, dY·W: the weights
  // are B, packed once per step) and that of op(A) = Aᵀ, packed per row panel (dYᵀ·X). They
  // differ where a wider, shorter tile reads fewer bytes per FMA in the first case but streams
  // its B panels too often in the second (AVX-512 off AMD: 6×64 and 12×32).
  GemmTiles rows;
  GemmTiles transposed;
  // dst[k][w] = B[j·ldb + k] for k < kc, j < cols, and 0 for cols ≤ j < w: one panel of Bᵀ
  // from a row-major B[N,K] (the transpose the X·Wᵀ form needs).
  void (*pack_b_transposed)(const float* B, int64_t ldb, int64_t kc, int64_t cols, int64_t w,
                            float* dst);
  // dst[k][w] = B[k·ldb + j] for j < cols, 0 beyond: one panel of a row-major B[K,N].
  void (*pack_b)(const float* B, int64_t ldb, int64_t kc, int64_t cols, int64_t w, float* dst);
  // The Aᵀ panels of a dYᵀ·X work item: `panels` row panels of op(A) = Aᵀ, panel q at
  // dst + q·mr·kc as [kc][mr] with dst[k][r] = A[k·lda + q·mr + r] for q·mr + r < cols, 0 beyond
  // (mr ≤ 16).
  void (*pack_a_transposed)(const float* A, int64_t lda, int64_t kc, int64_t cols, int64_t mr,
                            int64_t panels, float* dst);
};

// Whether a row panel of `rows` rows (≤ mr) can be read in place by the micro-kernel: the full
// height and the two short ones every tile family has (2·mr/3 and mr/3; mr is a multiple of 3).
// Other last panels are packed with zero rows.
inline bool gemm_tile_in_place(int64_t rows, int64_t mr) {
  return rows == mr || rows == 2 * mr / 3 || rows == mr / 3;
}

const GemmKernel& gemm_kernel_scalar();
#if defined(__x86_64__)
const GemmKernel& gemm_kernel_avx2();
// wide_rows: X·Wᵀ and dY·W on 6×64 tiles, else on 12×32 (gemm_avx512.cc says which CPUs take
// which).
const GemmKernel& gemm_kernel_avx512(bool wide_rows);
#endif

}  // namespace tdmpc2::cpu
