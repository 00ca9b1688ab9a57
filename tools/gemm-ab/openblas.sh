#!/usr/bin/env bash
# Compares the working tree's CPU GEMM with OpenBLAS's cblas_sgemm in one process, calls
# alternating (see openblas.cc for the method). Needs Debian's libopenblas-dev; benchmark-only.
#
#   [OPENBLAS_CORE=NAME] tools/gemm-ab/openblas.sh M K N nt|nn|tn [beta] [pairs]
#   tools/gemm-ab/openblas.sh 512 256 512 tn 1      # the kernels benchmark's dW += dYᵀ·X
#   taskset -c 1 tools/gemm-ab/openblas.sh 256 512 512 nt
#   OPENBLAS_CORE=SkylakeX tools/gemm-ab/openblas.sh 512 256 512 tn 1
#
# OpenBLAS detects this CPU and picks its kernels, as the benchmarks' peer does: the OPENBLAS_CORETYPE
# and OPENBLAS_L2_SIZE this machine's environment may set (for older OpenBLAS builds; they forced
# Haswell kernels at half the speed here) are removed for the run. OPENBLAS_CORE names a family
# instead (the benchmarks' --openblas-core). The program prints the family it ran; both sides
# run one thread.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/gemm-ab/gemm-sources.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-O3 -std=c++17 -fno-math-errno -pthread -I"$root/native/cpu" -I"$root/native/include")
pids=()
for f in "${gemm_sources[@]}"; do
  g++ "${flags[@]}" -c "$root/native/cpu/$f.cc" -o "$out/$f.o" & pids+=($!)
done
g++ "${flags[@]}" -c "$root/tools/gemm-ab/openblas.cc" -o "$out/main.o" & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done  # set -e: a failed compile stops here
g++ "${flags[@]}" "$out"/*.o -o "$out/openblas" -lopenblas
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
  ${OPENBLAS_CORE:+OPENBLAS_CORETYPE=$OPENBLAS_CORE} "$out/openblas" "$@"
