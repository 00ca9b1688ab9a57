// Dense-layer microbenchmark: what the fused epilogue costs on top of its GEMM.
//
//   node benchmarks/run-ts.mjs benchmarks/kernels/dense.ts [--repeats 41] [--device cuda:0]
//
// (from the repository root, after building the addon, e.g. npx cmake-js compile). Prints a
// table and writes benchmarks/results/dense-<device>.json. For each workload: median
// milliseconds over `repeats` timed calls after warm-up, and GFLOP/s counting the GEMM's
// 2·E·M·N·K (×2 for backward) only. The measured pairs run interleaved (dense, then its bare
// GEMM, then dense, ...) so that noise from other processes lands on both alike.
//
// Workloads at the 5M model's sizes: 536 rows = the planner's 512 samples + 24 policy
// trajectories, mlp and latent 512, Q input 518 = latent 512 + cheetah's 6 action dims:
//   - hidden layer 536×512→512, LayerNorm+Mish, inference and training (saving H and stats),
//     against linearForward of the same shape: the epilogue's share of its GEMM (target ≤ 10 %);
//   - the same with LayerNorm+SimNorm (the dynamics/encoder output layer);
//   - its backward against linearBackward (dX, dW, db);
//   - the Q ensemble's first layer: E = 5 members, shared input 536×518 → 512, LayerNorm+Mish,
//     dropout 0.01, forward (training) and backward, against 5 bare GEMMs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { backends, Tensor } from '../../lib/index.js';
import { lcgUniform as rand } from '../../lib/bench/kernels.js';
import type { Device } from '../../lib/nn/device.js';
import {
  denseBackward,
  denseForward,
  linearBackward,
  linearForward,
  type DenseEpilogue,
  type DenseOptions,
} from '../../lib/nn/ops.js';
import { arg, median } from '../util.js';

const repeats = Number(arg('repeats', '41'));
const info = backends();
const device = arg('device', 'cpu') as Device;
if (device !== 'cpu' && !info.cuda.available) {
  process.stderr.write(`CUDA unavailable: ${info.cuda.available ? '' : info.cuda.reason}\n`);
  process.exit(1);
}

const t = (data: Float32Array, shape: number[]) => Tensor.from(data, shape, device);
const z = (shape: number[]) => Tensor.zeros(shape, device);

/** Interleaved timing of several functions; returns the median ms of each. */
function timeAll(fns: (() => void)[], probe: Tensor): number[] {
  const one = probe.view([1]);
  const sync = () => one.toArray(); // a 1-element read waits for queued GPU work
  for (let w = 0; w < 5; w++) for (const f of fns) f();
  sync();
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++)
    fns.forEach((f, i) => {
      const t0 = process.hrtime.bigint();
      f();
      sync();
      times[i]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  one.dispose();
  return times.map(median);
}

interface Row {
  workload: string;
  shape: string;
  ms: number;
  gflops: number;
  gemmMs: number;
  epilogueShare: number;
}
const rows: Row[] = [];

function record(workload: string, E: number, M: number, K: number, N: number, ms: number, gemmMs: number, flopFactor = 1) {
  const flops = 2 * E * M * N * K * flopFactor;
  rows.push({
    workload,
    shape: `${E > 1 ? `${E}×` : ''}${M}×${K}→${N}`,
    ms,
    gflops: flops / ms / 1e6,
    gemmMs,
    epilogueShare: (ms - gemmMs) / gemmMs,
  });
}

// --- hidden layer 536×512→512 ---------------------------------------------------------------
{
  const [M, K, N] = [536, 512, 512];
  const X = t(rand(M * K, 1, 1), [M, K]);
  const W = t(rand(N * K, 1 / Math.sqrt(K), 2), [N, K]);
  const b = t(rand(N, 0.1, 3), [N]);
  const gamma = z([N]).fill(1);
  const beta = z([N]);
  const Y = z([M, N]);
  const Yl = z([M, N]);
  const saved = { H: z([M, N]), stats: z([M, 2]) };
  const params = { W, b, gamma, beta };
  const opts = (epilogue: DenseEpilogue): DenseOptions => ({ epilogue });
  const [inf, train, simnorm, none, gemm] = timeAll(
    [
      () => denseForward(X, params, Y, opts('ln_mish')),
      () => denseForward(X, params, Y, opts('ln_mish'), saved),
      () => denseForward(X, params, Y, opts('ln_simnorm')),
      () => denseForward(X, { W, b }, Y, opts('none')),
      () => linearForward(X, W, b, Yl),
    ],
    Y,
  );
  record('ln_mish forward (inference)', 1, M, K, N, inf!, gemm!);
  record('ln_mish forward (training: saves H, stats)', 1, M, K, N, train!, gemm!);
  record('ln_simnorm forward (inference)', 1, M, K, N, simnorm!, gemm!);
  record('none forward (= linear)', 1, M, K, N, none!, gemm!);

  const dY = t(rand(M * N, 1, 4), [M, N]);
  const dH = z([M, N]);
  const dX = z([M, K]);
  const dW = z([N, K]);
  const db = z([N]);
  const dgamma = z([N]);
  const dbeta = z([N]);
  denseForward(X, params, Y, opts('ln_mish'), saved);
  const [back, gemmBack] = timeAll(
    [
      () => denseBackward(X, params, saved, dY, { dH, dX, dW, db, dgamma, dbeta }, opts('ln_mish')),
      () => linearBackward(X, W, dY, dX, dW, db),
    ],
    dX,
  );
  record('ln_mish backward (dX, dW, db, dγ, dβ)', 1, M, K, N, back!, gemmBack!, 2);
}

// --- Q ensemble first layer: E = 5, shared [z, a] 536×518 → 512, dropout 0.01 ------------------
{
  const [E, M, K, N] = [5, 536, 518, 512];
  const X = t(rand(M * K, 1, 11), [M, K]);
  const W = t(rand(E * N * K, 1 / Math.sqrt(K), 12), [E, N, K]);
  const b = t(rand(E * N, 0.1, 13), [E, N]);
  const gamma = z([E, N]).fill(1);
  const beta = z([E, N]);
  const params = { W, b, gamma, beta };
  const Y = z([E, M, N]);
  const saved = { H: z([E, M, N]), stats: z([E, M, 2]) };
  const opts: DenseOptions = { epilogue: 'ln_mish', dropout: { p: 0.01, seed: 1, stream: 0, offset: 0 } };
  const noDrop: DenseOptions = { epilogue: 'ln_mish' };
  const Ws = Array.from({ length: E }, (_, e) => W.view([N, K], e * N * K));
  const bs = Array.from({ length: E }, (_, e) => b.view([N], e * N));
  const Ys = Array.from({ length: E }, (_, e) => Y.view([M, N], e * M * N));
  const gemm5 = () => {
    for (let e = 0; e < E; e++) linearForward(X, Ws[e]!, bs[e]!, Ys[e]!);
  };
  const [fwd, fwdNoDrop, gemm] = timeAll(
    [() => denseForward(X, params, Y, opts, saved), () => denseForward(X, params, Y, noDrop, saved), gemm5],
    Y,
  );
  record('Q layer 1 forward, dropout 0.01 (training)', E, M, K, N, fwd!, gemm!);
  record('Q layer 1 forward, no dropout (training)', E, M, K, N, fwdNoDrop!, gemm!);

  const dY = t(rand(E * M * N, 1, 14), [E, M, N]);
  const dH = z([E, M, N]);
  const dX = z([M, K]);
  const dW = z([E, N, K]);
  const db = z([E, N]);
  const dgamma = z([E, N]);
  const dbeta = z([E, N]);
  const dYs = Array.from({ length: E }, (_, e) => dY.view([M, N], e * M * N));
  const dWs = Array.from({ length: E }, (_, e) => dW.view([N, K], e * N * K));
  const dbs = Array.from({ length: E }, (_, e) => db.view([N], e * N));
  const dXs = z([M, K]);
  denseForward(X, params, Y, opts, saved);
  const [back, gemmBack] = timeAll(
    [
      () => denseBackward(X, params, saved, dY, { dH, dX, dW, db, dgamma, dbeta }, opts),
      () => {
        for (let e = 0; e < E; e++) linearBackward(X, Ws[e]!, dYs[e]!, dXs, dWs[e]!, dbs[e]!);
      },
    ],
    dX,
  );
  record('Q layer 1 backward, dropout 0.01', E, M, K, N, back!, gemmBack!, 2);
}

// --- report ---------------------------------------------------------------------------------
const cpuName = cpus()[0]?.model ?? 'unknown CPU';
const where =
  device === 'cpu'
    ? `cpu (${info.cpu.isa}, ${info.cpu.threads} thread(s)) — ${cpuName}`
    : `${device} — ${info.cuda.available ? info.cuda.devices[0]?.name : ''}`;
const pad = (s: string, n: number) => s.padEnd(n);
const lines = [
  `dense benchmark on ${where}; median of ${repeats} after warm-up; ${new Date().toISOString()}`,
  `${pad('workload', 46)}${pad('shape', 16)}${pad('ms', 10)}${pad('GFLOP/s', 10)}${pad('GEMM ms', 10)}epilogue share`,
  ...rows.map(
    (r) =>
      `${pad(r.workload, 46)}${pad(r.shape, 16)}${pad(r.ms.toFixed(3), 10)}${pad(r.gflops.toFixed(1), 10)}` +
      `${pad(r.gemmMs.toFixed(3), 10)}${(100 * r.epilogueShare).toFixed(1)} %`,
  ),
  'GEMM ms: linearForward/linearBackward of the same shape(s); epilogue share = (ms − GEMM ms)/GEMM ms.',
];
process.stdout.write(lines.join('\n') + '\n');

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `dense-${device.replace(':', '')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    { benchmark: 'dense', date: new Date().toISOString(), device: where, node: process.version, repeats, rows },
    null,
    2,
  ) + '\n',
);
process.stdout.write(`wrote ${file}\n`);
