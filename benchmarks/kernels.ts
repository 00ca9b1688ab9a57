/**
 * CPU kernel benchmark: the GEMM against the core's measured FMA peak and OpenBLAS, and the
 * dynamics MLP against @tensorflow/tfjs (wasm backend) — every peer measured in the same run,
 * interleaved round by round so that noise from other processes lands on all alike. One thread
 * first for every comparison; the GEMM also at two threads against one (it must never be slower).
 *
 *   npx cmake-js compile --CDTDMPC2_CUDA=OFF         # build/Release/tdmpc2.node
 *   node benchmarks/run-ts.mjs benchmarks/kernels.ts [--rounds 15] [--reps 4] [--tfjs DIR]
 *        [--openblas-core NAME|none] [--no-mlp] [--no-threads] [--cpu auto|none|N]
 *
 * Peers (benchmark-only, never dependencies of the package):
 *   - FMA peak: the addon's fmaPeak(seconds) export (native/cpu/fma_peak.cc): independent FMA
 *     chains of the instruction set the GEMM runs, on this thread, sampled once per round.
 *   - OpenBLAS: benchmarks/peers/openblas-sgemm.c, built against Debian's libopenblas-dev
 *     (apt-get install -y libopenblas-dev) and run as a child process with OPENBLAS_NUM_THREADS=1:
 *     once with the kernel OpenBLAS detects itself (OPENBLAS_CORETYPE unset), once with the kernel
 *     family forced for this ISA (--openblas-core; default SapphireRapids on AVX-512, Haswell on
 *     AVX2), since 0.3.21 may not recognise a newer CPU and fall back to an SSE3 kernel.
 *   - tfjs: `npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm` in a scratch folder
 *     outside the repository, passed as --tfjs DIR or TDMPC2_TFJS_PATH; skipped with a message
 *     when absent.
 *
 * One core: this thread is pinned before the OpenBLAS peers start, and they inherit the pin
 * (lib/bench/affinity.ts; --cpu auto takes the CPU with the fastest FMA probe, --cpu none leaves
 * placement to the OS). On this shared VM one vCPU has run at two thirds of the other's speed,
 * and unpinned runs put ours and OpenBLAS on different vCPUs: their ratio swung from 0.92 to 1.23
 * between runs minutes apart (2026-12-01). The two-thread rows still get both cores: the GEMM's
 * helper thread runs on the other one.
 *
 * Prints a table and writes benchmarks/results/kernels-cpu.json (machine, date, thread count).
 * The measurement itself is lib/bench/kernels.ts, which `tdmpc2 bench kernels` runs without peers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pinBenchmarkThread, unpinThread, type BenchPin } from '../lib/bench/affinity.js';
import { runKernelBenchmarks, type KernelBenchOptions, type KernelBenchReport } from '../lib/bench/kernels.js';
import { backends } from '../lib/index.js';
import { loadTfjsWasm } from './peers/mlp.js';
import { openBlasCoreFor, startOpenBlas, type OpenBlasPeer } from './peers/openblas.js';

export interface KernelScriptOptions extends KernelBenchOptions {
  /** Folder with tfjs + tfjs-backend-wasm installed. @defaultValue env TDMPC2_TFJS_PATH */
  tfjsPath?: string | null;
  /** OpenBLAS kernel family forced for the second peer; null/'none' for none. @defaultValue by ISA */
  openblasCore?: string | null;
  /** The CPU to pin this thread and the peers to: a number, 'auto' or 'none'. @defaultValue 'auto' */
  cpu?: string;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Parses the command-line flags of this benchmark. */
export function kernelBenchOptionsFromArgs(args: string[]): KernelScriptOptions {
  const core = flag(args, 'openblas-core');
  return {
    rounds: flag(args, 'rounds') ? Number(flag(args, 'rounds')) : undefined,
    reps: flag(args, 'reps') ? Number(flag(args, 'reps')) : undefined,
    tfjsPath: flag(args, 'tfjs'),
    openblasCore: core === 'none' ? null : core,
    cpu: flag(args, 'cpu'),
    twoThreads: !args.includes('--no-threads'),
    mlp: !args.includes('--no-mlp'),
  };
}

/** The benchmark with its peers; writes benchmarks/results/kernels-cpu.json. */
export async function runWithPeers(options: KernelScriptOptions = {}): Promise<KernelBenchReport & { pin: BenchPin }> {
  const pin = pinBenchmarkThread(options.cpu ?? 'auto');
  process.stdout.write(`${pin.note}\n`);
  const info = backends();
  const forced = options.openblasCore !== undefined ? options.openblasCore : openBlasCoreFor(info.cpu.isa);
  const peers: OpenBlasPeer[] = [];
  const openblasNotes: string[] = [];
  for (const core of [null, forced]) {
    if (core === undefined || (core === null && peers.length > 0)) continue;
    const p = await startOpenBlas(core);
    if (typeof p === 'string') {
      openblasNotes.push(`OpenBLAS skipped: ${p}`);
      break;
    }
    if (peers.some((q) => q.core === p.core)) p.close();
    else peers.push(p);
  }
  const dir = options.tfjsPath ?? process.env.TDMPC2_TFJS_PATH ?? null;
  const tfjs =
    options.mlp === false ? 'not run (--no-mlp)' : dir ? await loadTfjsWasm(resolve(dir)) : 'no tfjs folder given (--tfjs DIR or TDMPC2_TFJS_PATH)';
  try {
    const measured = await runKernelBenchmarks({
      ...options,
      gemmPeers: peers,
      gemmPeerNotes: openblasNotes,
      mlpPeer: typeof tfjs === 'string' ? `tfjs skipped: ${tfjs}` : tfjs,
    });
    const report = { ...measured, pin };
    const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'kernels-cpu.json');
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`wrote ${file}\n`);
    return report;
  } finally {
    for (const p of peers) p.close();
    if (pin.cpu !== null) unpinThread();
  }
}

// Run as a script (node benchmarks/run-ts.mjs benchmarks/kernels.ts ...), not when imported.
if (process.argv[2] && resolve(process.argv[2]) === fileURLToPath(import.meta.url)) {
  await runWithPeers(kernelBenchOptionsFromArgs(process.argv.slice(3)));
}
