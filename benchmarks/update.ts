// Update benchmark: ms per gradient update (SPEC §9) at batch 256 for model sizes 1 and 5, against
// the FLOP count of the update, this core's measured FMA peak and the official PyTorch agent
// (benchmarks/peers/official_update.py, the last eager commit a7890b6 on Debian's torch 1.13) at
// the same thread count, all in one run.
//
//   TDMPC2_NUM_THREADS=1 node benchmarks/run-ts.mjs benchmarks/update.ts [--sizes 1,5]
//        [--batch 256] [--repeats 7] [--official DIR] [--no-peer] [--gemm-profile] [--cpu auto|none|N]
//        [--out FILE]
//
// The official source: --official DIR (its tdmpc2/ folder at a7890b6), else it is exported from
// the fetched mirror (/work/.mirror/nicklashansen+tdmpc2/repo) with `git archive a7890b6`; without
// either (or without /usr/bin/python3 and torch) the peer is skipped with a message.
//
// Method: for each size, our updates (2 warm-ups, then `repeats` timed) and then the peer's (its
// own 2 warm-ups and repeats, in a child process), so the two never run at once; medians; the
// ratio is peer median / ours. The batch is fixed (as the peer's: sampled once), cartpole-swingup
// shapes (obs 5, action 1). FLOPs: lib/model/flops.ts updateMacs, ours with the pair of Q heads
// the TD target and policy loss use (what we compute), the peer's with all numQ heads. The peer
// runs with OpenBLAS's kernel family forced (peers/openblas.ts peerEnv): without it Debian's torch
// falls back to SSE3 GEMM kernels on this CPU.
//
// One core: this thread is pinned before the peer starts, and the peer inherits the pin
// (lib/bench/affinity.ts; --cpu auto takes the CPU with the fastest FMA probe, --cpu none leaves
// placement to the OS): on this shared VM one vCPU has run at two thirds of the other's speed.
//
// --gemm-profile: after the timed updates, `repeats` more run with the CPU GEMM profile on
// (lib/bench/gemm-profile.ts): the time of each product form and shape and of B's packs per
// update, printed as a table and kept in the JSON row (gemmProfile).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TDMPC2 } from '../lib/agent/agent.js';
import { cpuFmaPeak } from '../lib/agent/planner.js';
import type { ModelSize } from '../lib/config.js';
import { pinBenchmarkThread } from '../lib/bench/affinity.js';
import { formatGemmProfile, profileGemms, type GemmProfile } from '../lib/bench/gemm-profile.js';
import { syntheticUpdateBatch } from '../lib/bench/update-batch.js';
import { backends } from '../lib/index.js';
import { updateMacs } from '../lib/model/flops.js';
import { peerEnv } from './peers/openblas.js';
import { arg, flag, PeakTimer, setCeiling, type PeakTiming } from './util.js';

const sizes = arg('sizes', '1,5').split(',').map(Number) as ModelSize[];
const B = Number(arg('batch', '256'));
const repeats = Number(arg('repeats', '7'));
const info = backends();
const threads = info.cpu.threads;
const python = '/usr/bin/python3';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIRROR = '/work/.mirror/nicklashansen+tdmpc2/repo';
const OFFICIAL_COMMIT = 'a7890b6';
const [O, A] = [5, 1];

/** The official tdmpc2/ source directory, or the reason there is none. */
function officialSource(): { dir: string } | { skip: string } {
  if (flag('no-peer')) return { skip: '--no-peer' };
  if (!existsSync(python)) return { skip: `${python} not found` };
  const given = arg('official', '');
  if (given) return existsSync(join(given, 'tdmpc2.py')) ? { dir: given } : { skip: `${given} has no tdmpc2.py` };
  if (!existsSync(MIRROR)) return { skip: `no --official DIR and no mirror at ${MIRROR}` };
  const out = mkdtempSync(join(tmpdir(), 'tdmpc2-official-'));
  execFileSync('sh', ['-c', `git -C ${MIRROR} archive ${OFFICIAL_COMMIT} tdmpc2 | tar -x -C ${out}`]);
  return { dir: join(out, 'tdmpc2') };
}

/** The peer's median ms per update for one size (or the reason it could not run). */
function peer(dir: string, size: number): { ms: number; parameters: number; peer: string } | { error: string } {
  const env = peerEnv(threads, info.cpu.isa);
  const r = spawnSync(python, [join(root, 'benchmarks', 'peers', 'official_update.py'), dir, '--sizes', String(size), '--batch', String(B), '--repeats', String(repeats)], { env, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ') };
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { msMedian: number; parameters: number; peer: string };
  return { ms: line.msMedian, parameters: line.parameters, peer: line.peer };
}

interface Row extends PeakTiming {
  size: number;
  batch: number;
  parameters: number;
  gflopUpdate: number;
  gflopUpdateAllQ: number;
  peerMs: number | null;
  peerParameters: number | null;
  /** peer median ÷ our median (> 1: we are faster). */
  speedupVsPeer: number | null;
  /** --gemm-profile: the GEMM profile of `repeats` updates. */
  gemmProfile?: GemmProfile;
}

function main(): void {
  const pin = pinBenchmarkThread(arg('cpu', 'auto'));
  process.stdout.write(`${pin.note}\n`);
  const source = officialSource();
  if ('skip' in source) process.stdout.write(`official PyTorch peer skipped: ${source.skip}\n`);
  const peaks = [cpuFmaPeak(300), cpuFmaPeak(300), cpuFmaPeak(300)];
  const ceiling = () => Math.max(...peaks);
  process.stdout.write(
    `update benchmark, cpu (${info.cpu.isa}, ${threads} thread(s)), ${cpus()[0]?.model ?? '?'}, batch ${B}\n` +
      'size  params      ms/update  GFLOP/update  GFLOP/s  of peak  ×FLOP/peak  ×adjacent  official ms  speedup\n',
  );
  const rows: Row[] = [];
  let peerName: string | null = null;
  for (const size of sizes) {
    const agent = new TDMPC2({ obsDim: O, actionDim: A, episodeLength: 500, modelSize: size, batchSize: B, device: 'cpu', seed: 1 });
    const batch = syntheticUpdateBatch(agent.cfg.horizon, B, O, A);
    agent.update(batch);
    agent.update(batch);
    peaks.push(cpuFmaPeak(300));
    const flops = 2 * updateMacs(agent.cfg);
    const ours = new PeakTimer(flops, cpuFmaPeak);
    for (let k = 0; k < repeats; k++) ours.time(() => agent.update(batch));
    const profile = flag('gemm-profile') ? profileGemms(() => agent.update(batch), repeats) : null;
    const parameters = agent.model.numParams;
    const flopsAll = 2 * updateMacs(agent.cfg, agent.cfg.numQ);
    for (const t of Object.values(batch)) t.dispose();
    agent.dispose();
    const p = 'dir' in source ? peer(source.dir, size) : null;
    if (p && 'error' in p) process.stdout.write(`official peer failed for size ${size}: ${p.error}\n`);
    const peerMs = p && 'ms' in p ? p.ms : null;
    if (p && 'peer' in p) peerName = p.peer;
    const timing = ours.result(ceiling());
    const ms = timing.ms;
    const row: Row = {
      size,
      batch: B,
      parameters,
      ...timing,
      gflopUpdate: flops / 1e9,
      gflopUpdateAllQ: flopsAll / 1e9,
      peerMs,
      peerParameters: p && 'parameters' in p ? p.parameters : null,
      speedupVsPeer: peerMs === null ? null : peerMs / ms,
    };
    if (profile) row.gemmProfile = profile;
    rows.push(row);
    process.stdout.write(
      `${String(size).padEnd(6)}${String(parameters).padEnd(12)}${ms.toFixed(1).padStart(9)}  ${row.gflopUpdate.toFixed(2).padStart(12)}  ` +
        `${row.gflops.toFixed(1).padStart(7)}  ${(100 * row.peakFraction).toFixed(0).padStart(6)} %  ${row.vsFlopPeak.toFixed(2).padStart(10)}  ${row.vsFlopPeakAdjacent.toFixed(2).padStart(9)}  ` +
        `${peerMs === null ? '          —' : peerMs.toFixed(1).padStart(11)}  ${row.speedupVsPeer === null ? '     —' : `${row.speedupVsPeer.toFixed(2)}×`.padStart(7)}\n`,
    );
    if (profile) process.stdout.write(`GEMM profile of size ${size}, ${repeats} updates:\n${formatGemmProfile(profile, threads * ceiling())}\n`);
  }
  for (const r of rows) setCeiling(r, ceiling());
  const out = arg('out', join(root, 'benchmarks', 'results', 'update-cpu.json'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'update',
        date: new Date().toISOString(),
        machine: { cpu: cpus()[0]?.model ?? null, cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, loadNote: 'shared 2-core machine; ours, then the peer, per size' },
        device: `cpu (${info.cpu.isa}, ${threads} thread(s))`,
        node: process.version,
        pin,
        peer: peerName ?? ('skip' in source ? `skipped: ${source.skip}` : null),
        peerOpenblasCoretype: 'dir' in source ? (peerEnv(threads, info.cpu.isa).OPENBLAS_CORETYPE ?? null) : null,
        threads,
        shapes: { obsDim: O, actionDim: A, batch: B, note: 'cartpole-swingup (SPEC §1); a fixed batch' },
        fmaPeakGflops: peaks,
        fmaPeakUsed: ceiling(),
        method: `median ms per update over ${repeats} repeats after 2 warm-ups; vsFlopPeak against the best FMA probe of the run, vsFlopPeakAdjacent the median per-update ratio against the mean of two 100 ms probes right before and after that update; FLOPs analytic (updateMacs), ours with the pair of Q heads in the TD target and the policy loss (gflopUpdate), the official code with all numQ (gflopUpdateAllQ)`,
        rows,
      },
      null,
      1,
    ),
  );
  process.stdout.write(`FMA peak probes: ${peaks.map((p) => p.toFixed(0)).join(', ')}; ceiling ${ceiling().toFixed(0)} GFLOP/s\nwrote ${out}\n`);
}

main();
