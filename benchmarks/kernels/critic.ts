// Microbenchmark of the critic and policy-prior kernels at the update's sizes (SPEC §9):
//   soft-CE forward + dlogits and two_hot_inv forward / backward on R = 256·5·3 rows × 101 bins
//   (batch × Q heads × horizon), policy forward + backward on N = 1024 rows, A = 6.
// Prints median µs per call (after warm-up), the effective bandwidth (bytes each call must read
// and write / time) and ns per element (bin or action dim): on the CPU these kernels are bound by
// libm's expf/tanhf (a few ns each), not by memory. Writes benchmarks/results/critic-<device>.json.
//
// Node 20 cannot run TypeScript directly and no TS runner is installed, so compile then run
// (from the repository root, after building the addon, e.g. npx cmake-js compile):
//
//   npx tsc benchmarks/kernels/critic.ts --ignoreConfig --outDir build/bench --rootDir . \
//     --module nodenext --moduleResolution nodenext --target es2022 \
//     --lib es2022,esnext.disposable --types node --skipLibCheck \
//   && node build/bench/benchmarks/kernels/critic.js [--device cuda:0]
//
// The compiled copy of lib/ sits under build/bench, away from the addon, so the script points
// TDMPC2_ADDON at build/Release/tdmpc2.node unless it is already set.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { backends, Tensor } from '../../lib/index.js';
import type { Device } from '../../lib/nn/device.js';
import {
  policyBackward,
  policyForward,
  softCrossEntropy,
  twoHotInvBackward,
  twoHotInvForward,
  type LogStdRange,
  type TwoHotBins,
} from '../../lib/nn/ops.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
process.env.TDMPC2_ADDON ??= join(repoRoot, 'build', 'Release', 'tdmpc2.node'); // read at first use

const argDevice = process.argv.indexOf('--device');
const device = (argDevice >= 0 ? process.argv[argDevice + 1] : 'cpu') as Device;
const BINS: TwoHotBins = { numBins: 101, vmin: -10, vmax: 10 };
const RANGE: LogStdRange = { logStdMin: -10, logStdMax: 2 };
const R = 256 * 5 * 3;
const K = BINS.numBins;
const [N, A] = [1024, 6];

function random(n: number, seed: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return out;
}

/**
 * Median µs per call. On the CPU each call is timed; on CUDA (asynchronous launches) blocks of
 * `inner` calls are timed up to a small read-back that waits for them.
 */
function median(fn: () => void, sync: () => void, repeats = 41, inner = device === 'cpu' ? 1 : 20): number {
  for (let i = 0; i < 5; i++) fn();
  sync();
  const t: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) fn();
    sync();
    t.push(Number(process.hrtime.bigint() - t0) / 1e3 / inner);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1]!;
}

const logits = Tensor.from(random(R * K, 1, -4, 4), [R, K], device);
const target = Tensor.from(random(R, 2, -500, 500), [R], device);
const loss = Tensor.zeros([R], device);
const dlogits = Tensor.zeros([R, K], device);
const value = Tensor.zeros([R], device);
const dvalue = Tensor.from(random(R, 3, -1, 1), [R], device);
const syncR = () => void loss.toArray();

const raw = Tensor.from(random(N * 2 * A, 4, -2, 2), [N, 2 * A], device);
const eps = Tensor.from(random(N * A, 5, -2, 2), [N, A], device);
const out = {
  action: Tensor.zeros([N, A], device),
  mean: Tensor.zeros([N, A], device),
  logStd: Tensor.zeros([N, A], device),
  gaussianLogProb: Tensor.zeros([N], device),
  logProb: Tensor.zeros([N], device),
  scaledEntropy: Tensor.zeros([N], device),
};
const dAction = Tensor.from(random(N * A, 6, -1, 1), [N, A], device);
const dSe = Tensor.from(random(N, 7, -1, 1), [N], device);
const dRaw = Tensor.zeros([N, 2 * A], device);
const syncN = () => void out.logProb.toArray();

const f = 4; // bytes per float
const rows = [
  {
    op: 'softCrossEntropy (loss + dlogits)',
    shape: `[${R}, ${K}]`,
    us: median(() => softCrossEntropy(logits, target, loss, dlogits, 1 / (3 * 256), BINS), syncR),
    bytes: f * (R * K + R + R + R * K),
    elems: R * K,
  },
  {
    op: 'twoHotInvForward',
    shape: `[${R}, ${K}]`,
    us: median(() => twoHotInvForward(logits, value, BINS), syncR),
    bytes: f * (R * K + R),
    elems: R * K,
  },
  {
    op: 'twoHotInvBackward',
    shape: `[${R}, ${K}]`,
    us: median(() => twoHotInvBackward(logits, dvalue, dlogits, BINS), syncR),
    bytes: f * (R * K + R + R * K),
    elems: R * K,
  },
  {
    op: 'policyForward + policyBackward',
    shape: `N=${N} A=${A}`,
    us: median(() => {
      policyForward(raw, eps, null, out, RANGE);
      policyBackward(raw, eps, null, dAction, dSe, dRaw, RANGE);
    }, syncN),
    // forward reads raw, eps and writes 3 [N,A] + 3 [N]; backward reads raw, eps, dA, dSe, writes dRaw
    bytes: f * (N * 3 * A + 3 * N * A + 3 * N + N * 3 * A + N * A + N + N * 2 * A),
    elems: N * A,
  },
];

const info = backends();
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  device,
  cpu: `${cpus()[0]?.model ?? 'unknown'} (${info.cpu.isa}, ${cpus().length} logical cores visible)`,
  cuda: info.cuda.available ? info.cuda.devices.map((d) => d.name).join(', ') : `unavailable (${info.cuda.reason})`,
};
console.log(`critic kernels on ${device} — ${machine.cpu}; node ${machine.node}`);
console.log('op'.padEnd(34) + 'shape'.padEnd(14) + 'median µs'.padStart(12) + 'GB/s'.padStart(10) + 'ns/elem'.padStart(10));
for (const r of rows)
  console.log(
    r.op.padEnd(34) +
      r.shape.padEnd(14) +
      r.us.toFixed(1).padStart(12) +
      (r.bytes / r.us / 1e3).toFixed(2).padStart(10) +
      ((r.us * 1e3) / r.elems).toFixed(2).padStart(10),
  );

// Compiled to build/bench/benchmarks/kernels/: results go to the source tree's benchmarks/results.
const resultsDir = join(repoRoot, 'benchmarks', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `critic-${device.replace(':', '')}.json`);
writeFileSync(file, JSON.stringify({ machine, rows: rows.map((r) => ({ ...r, gbPerS: r.bytes / r.us / 1e3 })) }, null, 2) + '\n');
console.log(`wrote ${file}`);
