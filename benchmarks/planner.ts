// Planner benchmark: ms per plan call and environment decisions per second for model sizes 1 and
// 5 at B = 1, 16, 256, 1024 environments per call, against the FLOP count of the call, this
// core's measured FMA peak and the PyTorch reference planner (benchmarks/peers/tdmpc2_torch.py)
// at the same thread count, all in one run.
//
//   node benchmarks/run-ts.mjs benchmarks/planner.ts [--sizes 1,5] [--batches 1,16,256,1024]
//        [--repeats 7] [--peer-max-batch 256] [--no-peer] [--device cpu|cuda:0] [--gemm-profile]
//        [--cpu auto|none|N] [--out FILE]
//
// (from the repository root, after building the addon). Writes benchmarks/results/planner-<device>.json.
//
// Method. The shared 2-core machine is noisy, so our call and the peer's call alternate: the peer
// runs as a child process that times one plan per request, and each repeat times ours, then the
// peer's. Medians over the repeats; the ratio is peer median / our median. Repeats shrink with B
// (a 5M plan for 1024 environments takes minutes on one core): B ≥ 256 is timed once, and the
// peer is skipped above --peer-max-batch (its activations for B = 1024 take several GB). The peer
// is set up and warmed up before our first timed call, so the two never run at the same time.
// Debian's torch runs its linear layers on OpenBLAS, which falls back to SSE3 kernels on this CPU
// unless told its family: the peer gets OPENBLAS_CORETYPE (peers/openblas.ts peerEnv; a 512×513
// linear layer in that torch ran ~7× faster with it).
//
// One core: this thread is pinned before the peer starts, and the peer inherits the pin
// (lib/bench/affinity.ts; --cpu auto takes the CPU with the fastest FMA probe, --cpu none leaves
// placement to the OS): on this shared VM one vCPU has run at two thirds of the other's speed.
//
// Peak: cpuFmaPeak probes (300 ms each) at the start and next to every row; the best probe of
// the run is the ceiling (other processes on the machine can only lower a probe).
//
// On CUDA (--device cuda:N) the peer is the same PyTorch planner on the same GPU (--device cuda,
// eager; its Python is TDMPC2_PEER_PYTHON, default /usr/bin/python3), every call is timed to the
// actions on the host (both sides synchronise), and the CPU peak columns are null: the ceiling
// there is the peer in the same run.
//
// FLOPs are counted analytically: 2·in·out per row and layer of every network evaluation of
// SPEC §8 (encoder; the policy trajectories; per iteration H × (reward + dynamics) + π + the Q
// heads on N rows). Ours evaluates 2 Q heads, the peer (like the official code) all numQ; both
// counts are reported. Elementwise work (LayerNorm, Mish, softmax, two-hot, top-k) is not counted.
//
// --gemm-profile (CPU): after each row's timed calls, `repeats` more run with the CPU GEMM
// profile on (lib/bench/gemm-profile.ts): the time of each product form and shape and of B's
// packs per call, printed as a table and kept in the JSON row (gemmProfile).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Planner, cpuFmaPeak } from '../lib/agent/planner.js';
import { pinBenchmarkThread } from '../lib/bench/affinity.js';
import { formatGemmProfile, profileGemms, type GemmProfile } from '../lib/bench/gemm-profile.js';
import { resolveConfig, type ModelSize, type ResolvedConfig } from '../lib/config.js';
import { backends } from '../lib/index.js';
import { planMacs } from '../lib/model/flops.js';
import { WorldModel } from '../lib/model/world-model.js';
import type { Device } from '../lib/nn/device.js';
import { RngStream } from '../lib/nn/rng.js';
import { peerEnv } from './peers/openblas.js';
import { arg, flag, median, PeakTimer, setCeiling, type PeakTiming } from './util.js';


const sizes = arg('sizes', '1,5').split(',').map(Number) as ModelSize[];
const batches = arg('batches', '1,16,256,1024').split(',').map(Number);
const baseRepeats = Number(arg('repeats', '7'));
const peerMaxBatch = Number(arg('peer-max-batch', '256'));
const device = arg('device', 'cpu') as Device;
const info = backends();
const threads = info.cpu.threads;
const onCpu = device === 'cpu';
const python = process.env.TDMPC2_PEER_PYTHON ?? '/usr/bin/python3';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const peerScript = join(root, 'benchmarks', 'peers', 'tdmpc2_torch.py');
const usePeer = !flag('no-peer') && existsSync(python);
if (!onCpu && !info.cuda.available) {
  process.stderr.write(`CUDA unavailable: ${info.cuda.available ? '' : info.cuda.reason}\n`);
  process.exit(1);
}

// cartpole-swingup's shapes (SPEC §1), the peers.md reference point.
const OBS = 5;
const ACT = 1;

/** FLOPs of one plan call for B environments with `qHeads` Q members evaluated (lib/model/flops.ts). */
function planFlops(c: ResolvedConfig, B: number, qHeads: number): number {
  return 2 * B * planMacs(c, qHeads);
}

function repeatsFor(B: number): number {
  if (!onCpu) return baseRepeats;
  return B >= 256 ? 1 : B >= 16 ? Math.max(3, Math.ceil(baseRepeats / 2)) : baseRepeats;
}

/** A long-lived peer process timing one plan per request. */
class Peer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  readonly version: Promise<{ torch: string; threads: number; q_heads: number }>;

  constructor(size: number, B: number, warmup: number) {
    const env = peerEnv(threads, info.cpu.isa);
    const args = ['--serve', '--size', String(size), '--batch', String(B), '--threads', String(threads), '--warmup', String(warmup), '--obs-dim', String(OBS), '--action-dim', String(ACT), '--device', device];
    this.#child = spawn(python, [peerScript, ...args], { env });
    this.#child.stderr.on('data', (d: Buffer) => process.stderr.write(`[peer] ${d}`));
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
    this.version = this.#next().then((r) => r as { torch: string; threads: number; q_heads: number });
  }

  async #next(): Promise<Record<string, unknown>> {
    const r = await this.#lines.next();
    if (r.done) throw new Error('the PyTorch peer exited (see its stderr above)');
    return JSON.parse(r.value) as Record<string, unknown>;
  }

  async plan(): Promise<number> {
    await this.version;
    this.#child.stdin.write('plan\n');
    return (await this.#next()).ms as number;
  }

  close(): void {
    this.#child.stdin.end('quit\n');
  }
}

async function torchAvailable(): Promise<string | null> {
  if (!usePeer) return null;
  return new Promise((resolve) => {
    const c = spawn(python, ['-c', 'import torch; print(torch.__version__)']);
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d));
    c.on('close', (code) => resolve(code === 0 ? out.trim() : null));
    c.on('error', () => resolve(null));
  });
}

interface Row extends PeakTiming {
  size: number;
  batch: number;
  repeats: number;
  decisionsPerSec: number;
  gflopCall: number;
  gflopCallAllQ: number;
  peerMs: number | null;
  peerMsAll: number[] | null;
  /** peer median ÷ our median (> 1: we are faster). */
  speedupVsPeer: number | null;
  /** --gemm-profile: the GEMM profile of `repeats` calls. */
  gemmProfile?: GemmProfile;
}

async function main(): Promise<void> {
  const pin = pinBenchmarkThread(arg('cpu', 'auto'));
  process.stdout.write(`${pin.note}\n`);
  const torchVersion = await torchAvailable();
  if (usePeer && !torchVersion) process.stdout.write(`PyTorch peer skipped: ${python} cannot import torch\n`);
  // The CPU's FMA peak is the ceiling of a CPU run only; a CUDA run has the GPU peer instead.
  const probe = (ms: number) => (onCpu ? cpuFmaPeak(ms) : NaN);
  const peaks = onCpu ? [probe(300), probe(300), probe(300), probe(300), probe(300)] : [];
  const rows: Row[] = [];
  const ceiling = () => Math.max(...peaks);
  process.stdout.write(
    `planner benchmark, ${device} (${info.cpu.isa}, ${threads} thread(s)), ${cpus()[0]?.model ?? '?'}\n` +
      (onCpu ? `FMA peak (one thread): ${peaks.map((p) => p.toFixed(0)).join(', ')} GFLOP/s\n` : `GPU: ${info.cuda.available ? info.cuda.devices?.map((d) => d.name).join(', ') : '?'}\n`) +
      'size  B      repeats  ms/call    decisions/s  GFLOP/call  GFLOP/s  of peak  ×FLOP/peak  ×adjacent  torch ms   speedup\n',
  );
  for (const size of sizes) {
    const cfg = resolveConfig({ obsDim: OBS, actionDim: ACT, episodeLength: 500, modelSize: size, device, seed: 1 });
    const model = new WorldModel(cfg, device);
    model.initialize(1);
    // Non-zero reward and Q heads (zero at init) so values differ between samples, as in training.
    const rng = new RngStream(2, 99);
    for (const net of [model.reward, model.qs]) {
      const w = net.params.get('2.weight').value;
      rng.normal(w);
      w.write(w.toArray().map((x) => 0.02 * x));
    }
    for (const B of batches) {
      const repeats = repeatsFor(B);
      if (onCpu) peaks.push(probe(300)); // a probe next to every row: the run's best probe is the ceiling
      const planner = new Planner(model, { batch: B });
      const obs = Float32Array.from({ length: B * OBS }, (_, i) => Math.sin(i));
      const first = Array<boolean>(B).fill(true);
      const warm = Array<boolean>(B).fill(false);
      // Warm-up for small B; from B = 256 on the first call is the timed one (ours and the peer's).
      // On CUDA always (the first call pays for module loading and the peer's allocator).
      const warmup = !onCpu ? 3 : B < 256 ? 1 : 0;
      const peer = torchVersion && B <= peerMaxBatch ? new Peer(size, B, warmup) : null;
      await peer?.version; // the peer's set-up and warm-up must not overlap our timed calls
      for (let w = 0; w < warmup; w++) planner.plan(obs, w === 0 ? first : warm, false);
      const flops = planFlops(cfg, B, 2);
      const ours = new PeakTimer(flops, probe, onCpu ? 100 : 0);
      const theirs: number[] = [];
      for (let r = 0; r < repeats; r++) {
        ours.time(() => planner.plan(obs, r === 0 && !warmup ? first : warm, false));
        if (peer) theirs.push(await peer.plan());
      }
      peer?.close();
      const profile = onCpu && flag('gemm-profile') ? profileGemms(() => planner.plan(obs, warm, false), repeats) : null;
      planner.dispose();
      // The ceiling: the best probe so far (contention from other processes only lowers a probe;
      // the JSON is recomputed with the best probe of the whole run).
      const timing = ours.result(ceiling());
      const ms = timing.ms;
      const peerMs = peer ? median(theirs) : null;
      const row: Row = {
        size,
        batch: B,
        repeats,
        ...timing,
        decisionsPerSec: B / (ms / 1e3),
        gflopCall: flops / 1e9,
        gflopCallAllQ: planFlops(cfg, B, cfg.numQ) / 1e9,
        peerMs,
        peerMsAll: peer ? theirs : null,
        speedupVsPeer: peerMs === null ? null : peerMs / ms,
      };
      // No CPU ceiling on CUDA: the peak columns are null there (the peer is the comparison).
      if (!onCpu) Object.assign(row, { peakFraction: null, vsFlopPeak: null, adjacentPeaks: null, vsFlopPeakAdjacent: null });
      if (profile) row.gemmProfile = profile;
      rows.push(row);
      process.stdout.write(
        `${String(size).padEnd(6)}${String(B).padEnd(7)}${String(repeats).padEnd(9)}${ms.toFixed(1).padStart(9)}  ` +
          `${row.decisionsPerSec.toFixed(1).padStart(11)}  ${row.gflopCall.toFixed(2).padStart(10)}  ${row.gflops.toFixed(1).padStart(7)}  ` +
          (onCpu ? `${(100 * row.peakFraction).toFixed(0).padStart(6)} %  ${row.vsFlopPeak.toFixed(2).padStart(10)}  ${row.vsFlopPeakAdjacent.toFixed(2).padStart(9)}  ` : `${'—'.padStart(8)}  ${'—'.padStart(10)}  ${'—'.padStart(9)}  `) +
          `${peerMs === null ? '       —' : peerMs.toFixed(1).padStart(8)}  ${row.speedupVsPeer === null ? '     —' : `${row.speedupVsPeer.toFixed(2)}×`.padStart(8)}\n`,
      );
      if (profile) process.stdout.write(`GEMM profile of size ${size}, B ${B}, ${repeats} calls:\n${formatGemmProfile(profile, threads * ceiling())}\n`);
    }
    model.dispose();
  }
  const out = arg('out', join(root, 'benchmarks', 'results', `planner-${device.replace(':', '')}.json`));
  if (onCpu) for (const r of rows) setCeiling(r, ceiling());
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'planner',
        date: new Date().toISOString(),
        machine: {
          cpu: cpus()[0]?.model ?? null,
          cores: cpus().length,
          memoryGiB: totalmem() / 2 ** 30,
          gpu: onCpu ? null : (info.cuda.available ? (info.cuda.devices?.[Number(device.split(':')[1] ?? 0)]?.name ?? null) : null),
          loadNote: onCpu ? 'shared machine; ours and the peer alternate per repeat' : 'ours and the peer alternate per repeat on the same GPU',
        },
        device: `${device} (${info.cpu.isa}, ${threads} thread(s))`,
        node: process.version,
        pin,
        torch: torchVersion,
        peerOpenblasCoretype: torchVersion && onCpu ? (peerEnv(threads, info.cpu.isa).OPENBLAS_CORETYPE ?? null) : null,
        threads,
        shapes: { obsDim: OBS, actionDim: ACT, note: 'cartpole-swingup (SPEC §1); SPEC §2 planning defaults' },
        fmaPeakGflops: peaks,
        fmaPeakUsed: onCpu ? ceiling() : null,
        method: onCpu
          ? 'median ms per call over `repeats` (B >= 256: one timed call); vsFlopPeak against the best FMA probe of the run, vsFlopPeakAdjacent the median per-call ratio against the mean of two 100 ms probes right before and after that call; FLOPs analytic (2·in·out per row per layer), ours with 2 Q heads, the peer with all numQ (gflopCallAllQ); the PyTorch peer alternates with ours per repeat at the same thread count'
          : 'median ms per call over `repeats` after 3 warm-up calls (ours and the peer\'s); each call timed until its actions are on the host (the peer ends with torch.cuda.synchronize); FLOPs analytic (2·in·out per row per layer), ours with 2 Q heads, the peer with all numQ (gflopCallAllQ); the PyTorch peer (eager, float32, the same GPU) alternates with ours per repeat; no CPU ceiling (peak columns null)',
        rows,
      },
      null,
      1,
    ),
  );
  if (onCpu) process.stdout.write(`FMA peak probes: ${peaks.map((p) => p.toFixed(0)).join(', ')}; ceiling ${Math.max(...peaks).toFixed(0)} GFLOP/s\n`);
  process.stdout.write(`wrote ${out}\n`);
}

await main();
