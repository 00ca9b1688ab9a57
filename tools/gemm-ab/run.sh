#!/usr/bin/env bash
# Compares the CPU GEMM of the working tree (native/cpu) with a committed version, in one process
# (see ab.cc for the method):
#
#   tools/gemm-ab/run.sh [BASE_REV] -- M K N nt|nn|tn|tn-call [beta] [pairs]
#   tools/gemm-ab/run.sh HEAD -- 536 512 512 nt          # the planner's hidden layer
#   tools/gemm-ab/run.sh HEAD -- 512 256 512 tn 1        # a dW += dYᵀ·X of the update
#   tools/gemm-ab/run.sh HEAD -- 512 256 512 tn-call 1   # the same through gemm_tn, B's pack timed
#
# nt, nn and tn time the product alone, B packed once before the pairs; tn-call times gemm_tn as
# the dense backward calls it, B's packing (or whatever the side does instead) included.
#
# BASE_REV defaults to HEAD. An A/A run (no change in native/cpu) prints a speedup within ~1 % of
# 1.000; differences smaller than that are noise. g++ only; nothing here is part of the package.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/gemm-ab/gemm-sources.sh"
rev=HEAD
if [[ $# -gt 0 && $1 != -- ]]; then rev=$1; shift; fi
[[ ${1:-} == -- ]] && shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/base"
git -C "$root" archive "$rev" native | tar -x -C "$out/base"
flags=(-O3 -std=c++17 -fno-math-errno -pthread)
build_side() {  # side namespace source-dir
  local side=$1 ns=$2 src=$3 inc=$4
  for f in "${gemm_sources[@]}"; do
    [[ -f $src/$f.cc ]] || continue  # gemm_profile.cc and affinity.cc are newer than some revisions
    g++ "${flags[@]}" -I"$src" -I"$inc" -Dtdmpc2="$ns" -c "$src/$f.cc" -o "$out/${side}_$f.o"
  done
  g++ "${flags[@]}" -I"$src" -I"$inc" -Dtdmpc2="$ns" -DSIDE="$side" -c "$root/tools/gemm-ab/variant.cc" \
    -o "$out/${side}_variant.o"
}
build_side base tdbase "$out/base/native/cpu" "$out/base/native/include"
build_side var tdvar "$root/native/cpu" "$root/native/include"
g++ "${flags[@]}" -I"$root/native/include" -c "$root/tools/gemm-ab/ab.cc" -o "$out/ab.o"
g++ "${flags[@]}" "$out"/*.o -o "$out/ab"
"$out/ab" "$@"
