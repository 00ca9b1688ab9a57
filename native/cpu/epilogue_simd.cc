// Which explicit epilogue rows the dense layer uses (epilogue_simd.h): those of the GEMM's
// instruction set, decided once at the first call. TDMPC2_EPILOGUE_ROWS=portable runs the portable
// loops instead, so that the tests can compare the two on one CPU (and a user can rule the
// explicit rows out); any other value is the default.
#include <cstdlib>
#include <cstring>

#include "epilogue_simd.h"
#include "gemm.h"

namespace tdmpc2::cpu {
namespace {

struct Chosen {
  EpilogueRows rows;
  const char* name;
};

const Chosen& chosen() {
  static const Chosen c = []() -> Chosen {
    const char* env = std::getenv("TDMPC2_EPILOGUE_ROWS");
    if (env != nullptr && std::strcmp(env, "portable") == 0) return {EpilogueRows{}, "portable"};
    const char* isa = gemm_isa();
    const EpilogueRows* r = std::strcmp(isa, "avx512") == 0 ? epilogue_rows_for_avx512()
                            : std::strcmp(isa, "avx2") == 0 ? epilogue_rows_for_avx2()
                                                             : nullptr;
    return r != nullptr ? Chosen{*r, isa} : Chosen{EpilogueRows{}, "portable"};
  }();
  return c;
}

const EpilogueRows& rows() { return chosen().rows; }

}  // namespace

const char* epilogue_rows_name() { return chosen().name; }
LnStatsFn ln_stats_simd() { return rows().stats; }
LnRowFn ln_mish_row_simd() { return rows().ln_mish; }
LnRowFn ln_simnorm8_row_simd() { return rows().ln_simnorm8; }
LnBackwardRowFn ln_mish_backward_row_simd() { return rows().ln_mish_backward; }
LnBackwardRowFn ln_simnorm8_backward_row_simd() { return rows().ln_simnorm8_backward; }

}  // namespace tdmpc2::cpu
