#!/usr/bin/env node
// The install step: use a prebuilt or already-built binary when one loads; otherwise build from
// source with cmake-js (CUDA included where nvcc exists) and fall back to node-gyp (CPU only)
// when cmake or cmake-js is missing or the cmake build fails.
//
//   node native/build.mjs            install behaviour
//   node native/build.mjs --force    always build from source (also TDMPC2_BUILD_FROM_SOURCE=1)
//   node native/build.mjs --gyp      build with node-gyp only (the CPU-only fallback)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = new Set(process.argv.slice(2));
const force =
  args.has('--force') ||
  process.env.TDMPC2_BUILD_FROM_SOURCE === '1' ||
  process.env.npm_config_build_from_source === 'true';

function log(msg) {
  process.stderr.write(`tdmpc2: ${msg}\n`);
}

function run(cmd, cmdArgs) {
  log(`running ${[cmd, ...cmdArgs].join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

function binaryLoads() {
  const probe = `require(${JSON.stringify(require.resolve('node-gyp-build'))})(${JSON.stringify(root)})`;
  return spawnSync(process.execPath, ['-e', probe], { cwd: root, stdio: 'ignore' }).status === 0;
}

function resolveBin(pkg, bin) {
  try {
    const pj = require(`${pkg}/package.json`);
    const rel = typeof pj.bin === 'string' ? pj.bin : pj.bin[bin];
    return join(dirname(require.resolve(`${pkg}/package.json`)), rel);
  } catch {
    return null;
  }
}

function hasCmake() {
  return spawnSync('cmake', ['--version'], { stdio: 'ignore' }).status === 0;
}

function buildWithCmake() {
  const cmakeJs = resolveBin('cmake-js', 'cmake-js');
  if (!cmakeJs) return log('cmake-js is not installed; skipping the CMake build'), false;
  if (!hasCmake()) return log('cmake is not on PATH; skipping the CMake build'), false;
  return run(process.execPath, [cmakeJs, 'rebuild']);
}

function buildWithGyp() {
  // npm ships its own node-gyp and says where in npm_config_node_gyp.
  const gyp = resolveBin('node-gyp', 'node-gyp') ?? process.env.npm_config_node_gyp ?? null;
  if (!gyp || !existsSync(gyp)) return log('node-gyp not found'), false;
  return run(process.execPath, [gyp, 'rebuild']);
}

function main() {
  if (args.has('--gyp')) return buildWithGyp();
  if (!force && binaryLoads()) {
    log('using the existing binary (prebuilt or already built)');
    return true;
  }
  if (buildWithCmake()) return true;
  log('falling back to node-gyp: CPU backend only');
  return buildWithGyp();
}

process.exit(main() ? 0 : 1);
