// Which SIMD Philox the dropout factors use (philox_simd.h): that of the GEMM's instruction set,
// decided once at the first call.
#include <cstring>

#include "gemm.h"
#include "philox_simd.h"

namespace tdmpc2::cpu {

DropoutBlocksFn dropout_blocks_simd() {
  static const DropoutBlocksFn fn = [] {
    const char* isa = gemm_isa();
    if (std::strcmp(isa, "avx512") == 0) return dropout_blocks_for_avx512();
    if (std::strcmp(isa, "avx2") == 0) return dropout_blocks_for_avx2();
    return DropoutBlocksFn{nullptr};
  }();
  return fn;
}

}  // namespace tdmpc2::cpu
