# The native/cpu files (without .cc) that the CPU GEMM and its FMA probe link from, sourced by
# run.sh and openblas.sh: one list, so that a new dependency of the GEMM is added once (cpu_info
# reports the epilogue rows, hence the epilogue files). run.sh
# skips the ones an older revision lacks.
gemm_sources=(gemm gemm_avx512 gemm_avx2 gemm_scalar gemm_profile thread_pool affinity cpu_info fma_peak
              epilogue_simd epilogue_avx512 epilogue_avx2)
