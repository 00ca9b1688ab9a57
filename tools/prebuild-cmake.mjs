#!/usr/bin/env node
// prebuildify drives node-gyp; this stands in for it (`prebuildify --node-gyp tools/prebuild-cmake.mjs`)
// and builds with cmake-js instead, so the prebuilt binary is the full build: CPU backend with
// run-time ISA dispatch, plus the CUDA backend (runtime linked statically) where nvcc exists.
// prebuildify passes `rebuild --target=… --devdir=… --release`; N-API builds need none of them.
//
// prebuildify moves build/Release/tdmpc2.node into prebuilds/; `--restore` (run after it by
// `npm run prebuild`) copies the stripped binary back so build/ keeps a working addon.
//
// TDMPC2_PREBUILD_REUSE=1 reuses an existing cmake-js build in build/Release (CI builds it once
// and packs that same binary) instead of compiling everything again.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'build', 'Release', 'tdmpc2.node');

if (process.argv.includes('--restore')) {
  const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'tdmpc2.node');
  mkdirSync(dirname(built), { recursive: true });
  copyFileSync(prebuilt, built);
  process.exit(0);
}

if (process.env.TDMPC2_PREBUILD_REUSE === '1' && existsSync(built)) {
  const require = createRequire(import.meta.url);
  const info = require(built).backends();
  if (info.builder !== 'cmake-js') {
    process.stderr.write(`prebuild: ${built} was built by ${info.builder}, not cmake-js; rebuild it\n`);
    process.exit(1);
  }
  process.stderr.write(`prebuild: reusing ${built} (cmake-js, CUDA ${info.cuda.compiled ? 'compiled in' : 'not compiled'})\n`);
  process.exit(0);
}

const require = createRequire(join(root, 'package.json'));
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
const r = spawnSync(process.execPath, [cmakeJs, 'rebuild'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
