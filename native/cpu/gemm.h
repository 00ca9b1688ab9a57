// The CPU GEMM: one internal interface for every matrix product the kernels need, so that the
// micro-kernels behind it can be replaced without touching the callers. Row-major, float32.
//
//   gemm_nt: C[M,N] = beta·C + A[M,K] · B[N,K]ᵀ     (forward: X · Wᵀ)
//   gemm_nn: C[M,N] = beta·C + A[M,K] · B[K,N]      (input gradient: dY · W)
//   gemm_tn: C[M,N] = beta·C + A[K,M]ᵀ · B[K,N]     (weight gradient: dYᵀ · X)
//
// beta is 0 (overwrite; C's old contents are ignored, NaNs included) or 1 (accumulate).
// lda/ldb/ldc are row strides in elements.
//
// Every form packs op(B) into column panels (PackedB) and runs a register-tile micro-kernel over
// row panels of op(A); a caller that multiplies the same B by several inputs (a layer applied over
// the planning horizon, weights between two optimizer steps) packs it once and calls gemm_packed.
// Each element of C is one dot product in a fixed order of k, whatever the thread count, so the
// results are deterministic and independent of the number of threads.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tdmpc2::cpu {

// Called once rows [row0, row0 + rows) of C are final, on the thread that computed them, while
// they are still in its cache: the fused epilogues of the dense layer. Calls for disjoint row
// ranges may run concurrently.
struct RowEpilogue {
  void (*fn)(void* ctx, int64_t row0, int64_t rows);
  void* ctx;
};

// epilogue (optional) runs on each finished row panel of C (see RowEpilogue).
void gemm_nt(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc,
             const RowEpilogue* epilogue = nullptr);
void gemm_nn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);
void gemm_tn(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
             int64_t ldb, float beta, float* C, int64_t ldc);

// How a product reads op(A), which picks the register-tile family (and so the panel width) B is
// packed for: A's rows in place (X·Wᵀ, dY·W) or Aᵀ packed per row panel (dYᵀ·X). A B packed for
// either family gives the same results with either form, only at a different speed.
enum class GemmA { kRows, kTransposed };

// op(B)[K,N] packed for the micro-kernel chosen at load: column panels of the family's width,
// each [K][width] contiguous, the last one zero-padded to a multiple of the vector width (the
// 101-bin heads on AVX-512: one panel of 64 and one of 48 for X·Wᵀ). Storage grows once and is
// reused.
class PackedB {
 public:
  PackedB();
  ~PackedB();
  PackedB(PackedB&&) noexcept;
  PackedB& operator=(PackedB&&) noexcept;

  // Packs B[K,N] (row-major, transposed = false: the dY·W and dYᵀ·X forms) or B[N,K] read as its
  // transpose (transposed = true: the weights W[N,K] of X·Wᵀ). ldb is B's row stride; `a` is the
  // form of the products it will serve.
  void pack(int64_t K, int64_t N, const float* B, int64_t ldb, bool transposed,
            GemmA a = GemmA::kRows);
  GemmA a() const { return a_; }
  // Packed from B[N,K] read as its transpose (the X·Wᵀ form).
  bool transposed() const { return transposed_; }

  int64_t K() const { return K_; }
  int64_t N() const { return N_; }
  int64_t panels() const { return panels_; }
  int64_t panel_width(int64_t p) const { return p + 1 < panels_ ? nr_ : tail_; }
  // Panel p: [K][panel_width(p)], holding columns [p·nr, p·nr + panel_width(p)) of op(B).
  const float* panel(int64_t p) const { return data_ + p * nr_ * K_; }
  int64_t nr() const { return nr_; }

 private:
  void pack_unprofiled(int64_t K, int64_t N, const float* B, int64_t ldb, bool transposed,
                       GemmA a);
  int64_t K_ = 0, N_ = 0, nr_ = 0, tail_ = 0, panels_ = 0;
  GemmA a_ = GemmA::kRows;
  bool transposed_ = false;
  size_t capacity_ = 0;
  float* data_ = nullptr;  // 64-byte aligned
};

// C[M,N] = beta·C + op(A)·op(B) with op(B) = B (B.K() × B.N()), op(A) = A[M,K] (a_trans = false)
// or A[K,M]ᵀ (a_trans = true); K = B.K(). epilogue may be null.
void gemm_packed(int64_t M, const float* A, int64_t lda, bool a_trans, const PackedB& B,
                 float beta, float* C, int64_t ldc, const RowEpilogue* epilogue = nullptr);

// The micro-kernel family picked at load: "avx512", "avx2" or "scalar". The CPU's widest,
// unless TDMPC2_CPU_ISA names a narrower one (to test or compare the paths on one machine).
const char* gemm_isa();

// The register tile of each form's family in the picked kernel, "MRxNR" (e.g. "12x32").
const char* gemm_tile_name(GemmA a);

}  // namespace tdmpc2::cpu
