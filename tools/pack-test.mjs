#!/usr/bin/env node
// The packed-tarball test (CI): what a user's `npm install tdmpc2` does.
//   1. `npm pack` with prebuilds/ present; the tarball holds only package.json "files".
//   2. Install it into a fresh project with every compiler hidden (CC/CXX=false, cmake and
//      node-gyp unreachable): the prebuilt binary must load; import it, make an env and an
//      agent, and act. Then require() it from a CommonJS file (dist/index.cjs): the same exports
//      and the same binary as the ESM import.
//   3. Pack again without prebuilds/ and install: the install script must fall back to the
//      node-gyp CPU build from the shipped sources.
// Needs prebuilds/linux-x64/tdmpc2.node (npm run prebuild) and network access to the npm registry
// for the tarball's dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const log = (m) => process.stdout.write(`pack-test: ${m}\n`);
const fail = (m) => {
  process.stderr.write(`pack-test: FAILED: ${m}\n`);
  process.exit(1);
};

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function pack(dest) {
  const out = sh('npm', ['pack', '--json', '--pack-destination', dest], { cwd: root });
  const info = JSON.parse(out)[0];
  return { file: join(dest, info.filename), files: info.files.map((f) => f.path), size: info.size, unpacked: info.unpackedSize };
}

function checkFiles(files) {
  const allowed = pkg.files.map((f) => f.replace(/\/$/, ''));
  const always = new Set(['package.json', 'README.md', 'LICENSE']);
  const stray = files.filter((f) => !always.has(f) && !allowed.some((a) => f === a || f.startsWith(`${a}/`)));
  if (stray.length) fail(`files outside "files" in the tarball: ${stray.join(', ')}`);
  for (const bad of ['test/', 'benchmarks/', 'build/', 'tools/', 'lib/'])
    if (files.some((f) => f.startsWith(bad))) fail(`the tarball contains ${bad}`);
}

// The user's program: import, env, agent, act.
const SMOKE = `
import { backends, loadMujoco, makeEnv, TDMPC2 } from 'tdmpc2';
const b = backends();
await loadMujoco();
const env = makeEnv('cartpole-swingup', { seed: 1 });
const agent = new TDMPC2({ obsDim: env.observationSpace.shape[0], actionDim: env.actionSpace.shape[0],
  episodeLength: env.maxEpisodeSteps, modelSize: 1, mpc: false, device: 'cpu', seed: 1 });
const { obs } = env.reset({ seed: 1 });
const a = agent.act(obs, { firstStep: true, evalMode: true });
const step = env.step(a);
if (a.length !== 1 || !Number.isFinite(a[0]) || !Number.isFinite(step.reward)) throw new Error('bad action or step');
console.log(JSON.stringify({ binary: b.binary, isa: b.cpu.isa, cuda: b.cuda.available ? 'available' : b.cuda.reason, action: Array.from(a) }));
env.close(); agent.dispose();
`;

// The same package from CommonJS (Node 20 cannot require() ESM: this is dist/index.cjs), then
// the ESM build in the same process for comparison.
const SMOKE_CJS = `
const tdmpc2 = require('tdmpc2');
(async () => {
  await tdmpc2.loadMujoco();
  const env = tdmpc2.makeEnv('cartpole-swingup', { seed: 1 });
  env.reset({ seed: 1 });
  const step = env.step(new Float32Array([0.5]));
  env.close();
  if (!Number.isFinite(step.reward)) throw new Error('bad step');
  const esm = await import('tdmpc2');
  console.log(JSON.stringify({ resolved: require.resolve('tdmpc2'), binary: tdmpc2.backends().binary.path, esmBinary: esm.backends().binary.path,
    keys: Object.keys(tdmpc2).sort(), esmKeys: Object.keys(esm).sort() }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function installAndRun(tarball, { hideCompilers }) {
  const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-user-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'module', private: true }));
  const env = { ...process.env };
  delete env.TDMPC2_ADDON;
  if (hideCompilers) {
    Object.assign(env, {
      CC: 'false', CXX: 'false',
      npm_config_node_gyp: '/bin/false', // npm's bundled node-gyp is unreachable
      PATH: '/nonexistent-cmake-free-bin:' + dirnameOf(process.execPath) + ':/usr/bin:/bin',
    });
    // A PATH without cmake: shadow it with a failing stub.
    mkdirSync(join(dir, '.stubs'));
    for (const tool of ['cmake', 'c++', 'g++', 'gcc', 'cc', 'make', 'nvcc']) {
      writeFileSync(join(dir, '.stubs', tool), '#!/bin/sh\necho "hidden by the pack test" >&2\nexit 1\n', { mode: 0o755 });
    }
    env.PATH = join(dir, '.stubs') + ':' + env.PATH;
  }
  const t0 = Date.now();
  sh('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], { cwd: dir, env });
  const installSeconds = (Date.now() - t0) / 1000;
  writeFileSync(join(dir, 'smoke.mjs'), SMOKE);
  const out = sh(process.execPath, ['smoke.mjs'], { cwd: dir, env });
  const result = JSON.parse(out.trim().split('\n').pop());
  writeFileSync(join(dir, 'smoke.cjs'), SMOKE_CJS);
  const cjs = JSON.parse(sh(process.execPath, ['smoke.cjs'], { cwd: dir, env }).trim().split('\n').pop());
  if (!cjs.resolved.endsWith('/node_modules/tdmpc2/dist/index.cjs')) fail(`require('tdmpc2') resolved to ${cjs.resolved}, not dist/index.cjs`);
  if (cjs.binary !== result.binary.path || cjs.esmBinary !== result.binary.path)
    fail(`the CommonJS build loaded ${cjs.binary}, the ESM build ${result.binary.path}: expected the same binary`);
  if (JSON.stringify(cjs.keys) !== JSON.stringify(cjs.esmKeys)) fail(`CommonJS exports ${cjs.keys} differ from ESM exports ${cjs.esmKeys}`);
  rmSync(dir, { recursive: true, force: true });
  return { ...result, cjs: { binary: cjs.binary, exports: cjs.keys.length }, installSeconds };
}

function dirnameOf(p) {
  return p.slice(0, p.lastIndexOf('/'));
}

const prebuilt = join(root, 'prebuilds', 'linux-x64', 'tdmpc2.node');
if (!existsSync(prebuilt)) fail(`${prebuilt} is missing: run \`npm run prebuild\` first`);
const work = mkdtempSync(join(tmpdir(), 'tdmpc2-pack-'));
try {
  // 1 + 2: with the prebuilt binary, compilers hidden.
  const withPrebuilt = pack(work);
  checkFiles(withPrebuilt.files);
  if (!withPrebuilt.files.includes('prebuilds/linux-x64/tdmpc2.node')) fail('the prebuilt binary is not in the tarball');
  log(`tarball ${withPrebuilt.file}: ${withPrebuilt.size} bytes packed, ${withPrebuilt.unpacked} unpacked, ${withPrebuilt.files.length} files`);
  const a = installAndRun(withPrebuilt.file, { hideCompilers: true });
  log(`prebuilt install (compilers hidden): ${JSON.stringify(a)}`);
  if (a.binary.origin !== 'prebuilt') fail(`expected the prebuilt binary to load, got ${a.binary.origin} (${a.binary.path})`);

  // 3: without prebuilds, the node-gyp CPU fallback.
  const stash = join(work, 'prebuilds-stash');
  renameSync(join(root, 'prebuilds'), stash);
  let noPrebuilt;
  try {
    noPrebuilt = pack(join(work));
  } finally {
    renameSync(stash, join(root, 'prebuilds'));
  }
  if (noPrebuilt.files.some((f) => f.startsWith('prebuilds/'))) fail('prebuilds/ leaked into the second tarball');
  const b = installAndRun(noPrebuilt.file, { hideCompilers: false });
  log(`source install (no prebuilt): ${JSON.stringify(b)}`);
  if (b.binary.origin !== 'source' || b.binary.builder !== 'node-gyp')
    fail(`expected a node-gyp source build, got ${b.binary.origin} by ${b.binary.builder}`);
  log('passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}


