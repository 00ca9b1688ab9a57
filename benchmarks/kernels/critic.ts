// Microbenchmark of the critic and policy-prior kernels at the update's sizes (SPEC §9):
//   soft-CE forward + dlogits and two_hot_inv forward / backward on R = 256·5·3 rows × 101 bins
//   (batch × Q heads × horizon), policy forward + backward on N = 1024 rows, A = 6.
// Prints median µs per call (after warm-up), the effective bandwidth (bytes each call must read
// and write / time) and ns per element (bin or action dim): on the CPU these kernels are bound by
// libm's expf/tanhf (a few ns each), not by memory. Writes benchmarks/results/critic-<device>.json.
//
//   node benchmarks/run-ts.mjs benchmarks/kernels/critic.ts [--device cuda:0] [--repeats 41]
//
// (from the repository root, after building the addon, e.g. npx cmake-js compile).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { lcgUniform } from '../../lib/bench/kernels.js';
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
import { arg, medianMsPerCall } from '../util.js';

const device = arg('device', 'cpu') as Device;
const repeats = Number(arg('repeats', '41'));
const BINS: TwoHotBins = { numBins: 101, vmin: -10, vmax: 10 };
const RANGE: LogStdRange = { logStdMin: -10, logStdMax: 2 };
const R = 256 * 5 * 3;
const K = BINS.numBins;
const [N, A] = [1024, 6];

/** Median µs per call; on CUDA (asynchronous launches) timed in blocks of 20 calls up to a read-back. */
const usPerCall = (fn: () => void, sync: () => void): number => 1e3 * medianMsPerCall(fn, sync, repeats, device === 'cpu' ? 1 : 20, 5);

const logits = Tensor.from(lcgUniform(R * K, 4, 1), [R, K], device);
const target = Tensor.from(lcgUniform(R, 500, 2), [R], device);
const loss = Tensor.zeros([R], device);
const dlogits = Tensor.zeros([R, K], device);
const value = Tensor.zeros([R], device);
const dvalue = Tensor.from(lcgUniform(R, 1, 3), [R], device);
const syncR = () => void loss.toArray();

const raw = Tensor.from(lcgUniform(N * 2 * A, 2, 4), [N, 2 * A], device);
const eps = Tensor.from(lcgUniform(N * A, 2, 5), [N, A], device);
const out = {
  action: Tensor.zeros([N, A], device),
  mean: Tensor.zeros([N, A], device),
  logStd: Tensor.zeros([N, A], device),
  gaussianLogProb: Tensor.zeros([N], device),
  logProb: Tensor.zeros([N], device),
  scaledEntropy: Tensor.zeros([N], device),
};
const dAction = Tensor.from(lcgUniform(N * A, 1, 6), [N, A], device);
const dSe = Tensor.from(lcgUniform(N, 1, 7), [N], device);
const dRaw = Tensor.zeros([N, 2 * A], device);
const syncN = () => void out.logProb.toArray();

const f = 4; // bytes per float
const rows = [
  {
    op: 'softCrossEntropy (loss + dlogits)',
    shape: `[${R}, ${K}]`,
    us: usPerCall(() => softCrossEntropy(logits, target, loss, dlogits, 1 / (3 * 256), BINS), syncR),
    bytes: f * (R * K + R + R + R * K),
    elems: R * K,
  },
  {
    op: 'twoHotInvForward',
    shape: `[${R}, ${K}]`,
    us: usPerCall(() => twoHotInvForward(logits, value, BINS), syncR),
    bytes: f * (R * K + R),
    elems: R * K,
  },
  {
    op: 'twoHotInvBackward',
    shape: `[${R}, ${K}]`,
    us: usPerCall(() => twoHotInvBackward(logits, dvalue, dlogits, BINS), syncR),
    bytes: f * (R * K + R + R * K),
    elems: R * K,
  },
  {
    op: 'policyForward + policyBackward',
    shape: `N=${N} A=${A}`,
    us: usPerCall(() => {
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

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `critic-${device.replace(':', '')}.json`);
writeFileSync(file, JSON.stringify({ machine, rows: rows.map((r) => ({ ...r, gbPerS: r.bytes / r.us / 1e3 })) }, null, 2) + '\n');
console.log(`wrote ${file}`);
