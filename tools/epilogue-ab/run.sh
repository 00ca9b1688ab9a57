#!/usr/bin/env bash
# Times the dense layer's row loops (forward and backward epilogues) with the portable code and
# with the explicit rows of this CPU's instruction set (AVX-512 or AVX2), in one process (see
# rows.cc for the method):
#
#   tools/epilogue-ab/run.sh [M N [pairs]]      # default: 256 512 300 (an update's batch rows)
#
# Needs an AVX2 or AVX-512 CPU and g++; nothing here is part of the package.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-O3 -std=c++17 -fno-math-errno -ffp-contract=fast -pthread)
flags+=(-I"$root/native/cpu" -I"$root/native/include")
srcs=(epilogue_simd epilogue_avx512 epilogue_avx2 philox_simd philox_avx512 philox_avx2 gemm gemm_avx512 gemm_avx2 gemm_scalar thread_pool cpu_info)
srcs+=(fma_peak weight_packs gemm_profile affinity)
for f in "${srcs[@]}"; do g++ "${flags[@]}" -c "$root/native/cpu/$f.cc" -o "$out/$f.o"; done
g++ "${flags[@]}" "$root/tools/epilogue-ab/rows.cc" "$out"/*.o -o "$out/rows"
"$out/rows" "$@"
