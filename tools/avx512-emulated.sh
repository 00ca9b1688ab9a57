#!/usr/bin/env bash
# The AVX-512 kernels (native/cpu/*_avx512.cc) tested on a CPU without AVX-512: builds the addon
# with TDMPC2_AVX512_EMULATION, their intrinsics taken from SIMDe (native/cpu/avx512_intrinsics.h),
# into build-avx512emu/, and runs the kernel, model and agent suites on it (the GEMM paths test
# takes both AVX-512 tiles, the epilogue test the AVX-512 rows). .ci/run calls it, so a change to
# those files is tested on this project's AVX2 machines, which cannot run the real instructions.
# What it cannot show: speed, and where an instruction and SIMDe's version of it differ.
#
#   npm run test:avx512-emulated
#
# Needs an x86-64 CPU with AVX2 and FMA, the dev dependencies (cmake-js, vitest) and SIMDe's
# headers (Debian: libsimde-dev; installed with apt-get when this runs as root). Without them it
# says why and exits 0: a visible skip, as the CUDA suites skip without a GPU. The learning tests
# (test/train), minutes long natively, are left out: through SIMDe they take over 15 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-avx512emu
skip() { echo "== AVX-512 kernels emulated: SKIPPED: $*"; exit 0; }

[ "$(uname -m)" = x86_64 ] || skip "not an x86-64 machine"
grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo || skip "this CPU lacks AVX2 or FMA"
have_simde() { echo '#include <simde/x86/avx512.h>' | c++ -E -x c++ - >/dev/null 2>&1; }
if ! have_simde && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing libsimde-dev (SIMDe's headers) with apt-get"
  { apt-get install -y -qq libsimde-dev || { apt-get update -qq && apt-get install -y -qq libsimde-dev; }; } \
    >/dev/null 2>&1 || true
fi
have_simde || skip "SIMDe's headers are missing (Debian: apt-get install libsimde-dev)"

echo "== build: $out (TDMPC2_AVX512_EMULATION=ON, CPU only)"
mkdir -p "$out"
npx cmake-js compile --out "$out" --CDTDMPC2_CUDA=OFF --CDTDMPC2_AVX512_EMULATION=ON >"$out/make.log" 2>&1 \
  || { tail -40 "$out/make.log"; echo "== build failed (log: $out/make.log)" >&2; exit 1; }
export TDMPC2_ADDON="$PWD/$out/Release/tdmpc2.node"
node -e "
import('./dist/index.js').then((m) => {
  const cpu = m.backends().cpu;
  console.log('== backends().cpu: ' + JSON.stringify(cpu));
  if (cpu.isa !== 'avx512') throw new Error('expected the emulated AVX-512 kernels, got ' + cpu.isa);
});"
npx vitest run test/cpu test/ops test/nn test/model test/agent test/io test/boundary test/tensor.test.ts
