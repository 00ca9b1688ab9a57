// The CPU kernel benchmark: the GEMM on the agent's shapes against the core's FMA peak measured in
// the same run, the fused dense epilogues against their bare GEMM, and the dynamics MLP, each
// optionally beside peers the caller brings, interleaved round by round so that noise from other
// processes lands on all alike. One thread first for every comparison; the GEMM also at two
// threads against one (it must never be slower).
//
// `tdmpc2 bench kernels` runs it without peers. The repository's benchmarks/kernels.ts adds them:
// OpenBLAS's cblas_sgemm (a helper built against Debian's libopenblas-dev) and @tensorflow/tfjs
// with its wasm backend, neither ever a dependency of the package; it also writes
// benchmarks/results/kernels-cpu.json.
//
// The X·Wᵀ rows are timed twice: through linearForward, which packs W at every call like
// cblas_sgemm packs its operands (the comparison with OpenBLAS), and as the agent runs them, W
// packed once (a dense layer in a frozen span: the planner packs its weights once per plan call,
// the update once per optimizer step), which measures the micro-kernel and its driver alone.
import { cpus } from 'node:os';

import { addon, backends, setNumThreads } from '../native.js';
import { withFrozenWeights } from '../nn/kernels/dense.js';
import { denseForward, linearBackward, linearForward, type DenseEpilogue } from '../nn/ops.js';
import { Tensor } from '../nn/tensor.js';
import { median, pairedRatio } from './median.js';
import { mlpInit, oursMlp, type MlpInit, type MlpRunner } from './mlp.js';
import { threadPoolStats } from './thread-pool.js';

/** GEMM forms as the row-major kernels name them (see native/cpu/gemm.h). */
export type GemmForm = 'nt' | 'nn' | 'tn';

/** A GEMM implementation timed beside ours (benchmarks/peers/openblas.ts). */
export interface GemmPeer {
  /** Its kernel family, for the table's column head. */
  core: string;
  label: string;
  /** Times `reps` calls of C = beta·C + op(A)·op(B); seconds per call. */
  time(form: GemmForm, M: number, K: number, N: number, beta: 0 | 1, reps: number): Promise<number[]>;
}

/** An MLP implementation run beside ours over the same parameters (benchmarks/peers/mlp.ts). */
export interface MlpPeer {
  label: string;
  mlp(init: MlpInit, x: Float32Array, g: Float32Array, B: number): MlpRunner;
}

export interface KernelBenchOptions {
  /** Interleaved rounds per workload. @defaultValue 15 */
  rounds?: number;
  /** Timed calls per series per round. @defaultValue 4 */
  reps?: number;
  /** Measure the GEMM at two threads too. @defaultValue true */
  twoThreads?: boolean;
  /** Run the MLP workloads. @defaultValue true */
  mlp?: boolean;
  /** GEMM peers (benchmarks/peers/openblas.ts), timed round by round beside ours. @defaultValue none */
  gemmPeers?: readonly GemmPeer[];
  /** What the report says of the GEMM peers (which ran, which were skipped and why). */
  gemmPeerNotes?: readonly string[];
  /** The MLP peer (benchmarks/peers/mlp.ts: tfjs), or why there is none. @defaultValue 'no peer' */
  mlpPeer?: MlpPeer | string;
  /** Where the table goes. @defaultValue stdout */
  log?: (line: string) => void;
}

export interface GemmRow {
  workload: string;
  form: GemmForm;
  M: number;
  K: number;
  N: number;
  /** Median ms per call at one thread, and GFLOP/s (2·M·N·K flops). */
  ms: number;
  gflops: number;
  /** gflops / the FMA peak measured alongside (median of its samples, taken just before and after
   * each round's timed calls, in this workload). */
  peakShare: number;
  peakGflops: number;
  /** X·Wᵀ rows: median ms with W packed once (as the planner and update run), and its share of
   * the FMA peak; null for the other forms (their packed operand changes every call). */
  packedWMs: number | null;
  packedWPeakShare: number | null;
  /** Each peer's median ms and GFLOP/s, and `paired`: the median over rounds of its round's median
   * ms / ours (the two ran back to back in each round). */
  peers: { label: string; ms: number; gflops: number; paired: number }[];
  /** The lowest peer's `paired` ratio: ≥ 1 means we are at least as fast as the fastest OpenBLAS.
   * Paired round by round because the core's clock drifts between rounds (docs/kernels.md,
   * "Paired ratios against OpenBLAS"). */
  vsOpenBlas: number | null;
  /** The fastest peer's median ms / ours, over all rounds: the unpaired ratio, for comparison. */
  vsOpenBlasOfMedians: number | null;
  /** Median ms at two threads and the speedup over one (t1/t2). */
  twoThreadMs: number | null;
  twoThreadSpeedup: number | null;
  /** Of the parallel loops the timed two-thread calls submitted, the share a helper joined (the
   * rest ran on the calling thread alone: the pool's stall guard, or a helper not yet running). */
  twoThreadHelpedShare: number | null;
}

export interface EpilogueRow {
  workload: string;
  /** Median ms of the dense layer and of its bare GEMM (no bias), measured interleaved. */
  ms: number;
  gemmMs: number;
  /** (ms − gemmMs) / gemmMs: what bias + LayerNorm + activation add to the GEMM. */
  share: number;
}

export interface MlpRow {
  workload: string;
  batch: number;
  ms: number;
  peerMs: number | null;
  /** peer ms / ours. */
  speedup: number | null;
  /** Max |ours − peer| of the forward output over the same parameters (a cross-check). */
  maxAbsDiff: number | null;
}

export interface KernelBenchReport {
  benchmark: 'kernels';
  date: string;
  machine: { cpu: string; logicalCores: number; isa: string; node: string };
  threads: number;
  rounds: number;
  reps: number;
  /** Median of every FMA peak sample of the GEMM rows. */
  fmaPeakGflops: number;
  /** The GEMM peers: each one's label, or why there is none (the field kept its first peer's name). */
  openblas: string[];
  /** The MLP peer's label, or why there is none. */
  tfjs: string;
  gemm: GemmRow[];
  epilogue: EpilogueRow[];
  mlp: MlpRow[];
}

const GEMMS: { workload: string; form: GemmForm; M: number; K: number; N: number }[] = [
  { workload: 'Y = X·Wᵀ (forward)', form: 'nt', M: 256, K: 512, N: 512 },
  { workload: 'Y = X·Wᵀ (forward)', form: 'nt', M: 536, K: 512, N: 512 },
  { workload: 'Y = X·Wᵀ (forward)', form: 'nt', M: 1024, K: 512, N: 512 },
  { workload: 'Y = X·Wᵀ (forward)', form: 'nt', M: 256, K: 128, N: 384 },
  { workload: 'Y = X·Wᵀ (forward)', form: 'nt', M: 536, K: 384, N: 384 },
  { workload: 'Y = X·Wᵀ (101-bin head)', form: 'nt', M: 256, K: 512, N: 101 },
  { workload: 'dW += dYᵀ·X', form: 'tn', M: 512, K: 256, N: 512 },
  { workload: 'dX = dY·W', form: 'nn', M: 256, K: 512, N: 512 },
];

/** n values uniform in (−scale, scale) from a 32-bit LCG seeded with `seed`: the benchmarks' inputs. */
export function lcgUniform(n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** How long the two-thread rows run untimed after switching to two threads (see twoThreads). */
const TWO_THREAD_WARMUP_MS = 30;

/** Seconds of each of `reps` calls of fn. */
function timeCalls(fn: () => void, reps: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return out;
}

/**
 * Our GEMM of a form through the linear kernels (no bias): returns the call and a cleanup, and for
 * X·Wᵀ `packedW`: `reps` calls timed with W packed once (a dense layer without bias or epilogue in
 * a frozen span over W; an untimed first call packs it).
 */
function oursGemm(
  form: GemmForm,
  M: number,
  K: number,
  N: number,
): { run: () => void; packedW: ((reps: number) => number[]) | null; dispose: () => void } {
  const T = (shape: number[], seed: number) => Tensor.from(lcgUniform(shape.reduce((a, b) => a * b), 0.5, seed), shape);
  let ts: Tensor[];
  let run: () => void;
  let packedW: ((reps: number) => number[]) | null = null;
  if (form === 'nt') {
    // C[M,N] = A[M,K]·B[N,K]ᵀ: linearForward(X = A, W = B).
    const [X, W, Y] = [T([M, K], 1), T([N, K], 2), T([M, N], 3)];
    ts = [X, W, Y];
    run = () => linearForward(X, W, null, Y);
    const dense = () => denseForward(X, { W, b: null }, Y, { epilogue: 'none' });
    packedW = (reps) =>
      withFrozenWeights([W], () => {
        dense();
        return timeCalls(dense, reps);
      });
  } else if (form === 'nn') {
    // C[M,N] = A[M,K]·B[K,N]: dX = dY·W with dY = A [M, K], W = B [K, N], dX = C [M, N].
    const [X, W, dY, dX] = [T([M, N], 1), T([K, N], 2), T([M, K], 3), T([M, N], 4)];
    ts = [X, W, dY, dX];
    run = () => linearBackward(X, W, dY, dX, null, null);
  } else {
    // C[M,N] += A[K,M]ᵀ·B[K,N]: dW += dYᵀ·X with dY = A [K, M], X = B [K, N], dW = C [M, N].
    const [X, W, dY, dW] = [T([K, N], 1), T([M, N], 2), T([K, M], 3), T([M, N], 4)];
    ts = [X, W, dY, dW];
    run = () => linearBackward(X, W, dY, null, dW, null);
  }
  return { run, packedW, dispose: () => ts.forEach((t) => t.dispose()) };
}

/**
 * Runs the benchmark at one thread (the thread count is restored after), printing a table through
 * `options.log`, and returns the report. The GEMM rows' peers and vsOpenBlas are empty without
 * `gemmPeers`, the MLP rows' peer fields null without `mlpPeer`.
 */
export async function runKernelBenchmarks(options: KernelBenchOptions = {}): Promise<KernelBenchReport> {
  const rounds = options.rounds ?? 15;
  const reps = options.reps ?? 4;
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const info = backends();
  const fmaPeak = (addon() as unknown as { fmaPeak(seconds: number): number }).fmaPeak;
  const initialThreads = info.cpu.threads;
  const pad = (s: string | number, n: number) => String(s).padEnd(n);

  const peers = options.gemmPeers ?? [];
  const openblasNotes = [...(options.gemmPeerNotes ?? (peers.length ? [] : ['no GEMM peer']))];
  openblasNotes.push(...peers.map((p) => p.label));

  // --- GEMM --------------------------------------------------------------------------------------
  const allPeaks: number[] = [];
  const gemm: GemmRow[] = [];
  log(`CPU kernels on ${cpus()[0]?.model ?? 'unknown CPU'} (${info.cpu.isa}); ${rounds} rounds × ${reps} calls, medians`);
  log(openblasNotes.join('; '));
  log(
    `${pad('GEMM', 26)}${pad('M×K×N', 16)}${pad('ms', 9)}${pad('GFLOP/s', 9)}${pad('% peak', 8)}${pad('W packed once', 15)}` +
      `${peers.map((p) => pad(`${p.core} GFLOP/s`, 22)).join('')}${pad('vs OpenBLAS', 12)}2 threads`,
  );
  for (let i = 0; i < 5; i++) fmaPeak(0.02); // warm up: clocks and caches settle before the first sample
  for (const g of GEMMS) {
    const { run, packedW, dispose } = oursGemm(g.form, g.M, g.K, g.N);
    const beta = g.form === 'tn' ? 1 : 0;
    const one: number[] = [];
    const onePacked: number[] = [];
    const two: number[] = [];
    const twoLoops = { loops: 0, helped: 0 };
    const peaks: number[] = [];
    const peerTimes = peers.map(() => [] as number[]);
    // Each round's median, ours (one thread) and each peer's, for the paired ratio: the clock
    // drifts between rounds, and an unpaired ratio of medians over all rounds read 0.98–1.04×
    // where the paired one read 1.025–1.038× (1024×512×512 X·Wᵀ, 2026-12-03).
    const oursByRound: number[] = [];
    const peersByRound = peers.map(() => [] as number[]);
    setNumThreads(1);
    timeCalls(run, 3);
    for (const p of peers) await p.time(g.form, g.M, g.K, g.N, beta, 2);
    const oneThread = () => {
      setNumThreads(1);
      run(); // after a thread-count change, the first call also starts or stops workers
      peaks.push(fmaPeak(0.002));
      const t = timeCalls(run, reps);
      one.push(...t);
      oursByRound.push(median(t));
      if (packedW) onePacked.push(...packedW(reps));
      peaks.push(fmaPeak(0.002));
    };
    const twoThreads = () => {
      if (options.twoThreads === false) return;
      setNumThreads(2);
      // Untimed calls for TWO_THREAD_WARMUP_MS first: a new helper's first loops run before its
      // thread is scheduled, and the pool's stall guard then runs the next ~8 ms serially
      // (native/cpu/stall_guard.h), which would time one thread in the two-thread row.
      const t0 = performance.now();
      do run();
      while (performance.now() - t0 < TWO_THREAD_WARMUP_MS);
      const before = threadPoolStats();
      two.push(...timeCalls(run, reps));
      const after = threadPoolStats();
      twoLoops.loops += after.loops - before.loops;
      twoLoops.helped += after.helped - before.helped;
    };
    for (let r = 0; r < rounds; r++) {
      // The two thread counts swap places every round, so neither always follows the peers
      // (which evict our data from the caches).
      (r % 2 ? twoThreads : oneThread)();
      for (let i = 0; i < peers.length; i++) {
        const t = await peers[i]!.time(g.form, g.M, g.K, g.N, beta, reps);
        peerTimes[i]!.push(...t);
        peersByRound[i]!.push(median(t));
      }
      (r % 2 ? oneThread : twoThreads)();
    }
    dispose();
    allPeaks.push(...peaks);
    const flops = 2 * g.M * g.N * g.K;
    const ms = median(one) * 1e3;
    const peakGflops = median(peaks);
    const peerRows = peers.map((p, i) => {
      const pms = median(peerTimes[i]!) * 1e3;
      const paired = pairedRatio(peersByRound[i]!, oursByRound);
      return { label: p.label, ms: pms, gflops: flops / pms / 1e6, paired };
    });
    const bestPeer = peerRows.length ? Math.min(...peerRows.map((p) => p.ms)) : null;
    const twoMs = two.length ? median(two) * 1e3 : null;
    const packedMs = onePacked.length ? median(onePacked) * 1e3 : null;
    const row: GemmRow = {
      ...g,
      ms,
      gflops: flops / ms / 1e6,
      peakShare: flops / ms / 1e6 / peakGflops,
      peakGflops,
      packedWMs: packedMs,
      packedWPeakShare: packedMs === null ? null : flops / packedMs / 1e6 / peakGflops,
      peers: peerRows,
      vsOpenBlas: peerRows.length ? Math.min(...peerRows.map((p) => p.paired)) : null,
      vsOpenBlasOfMedians: bestPeer === null ? null : bestPeer / ms,
      twoThreadMs: twoMs,
      twoThreadSpeedup: twoMs === null ? null : ms / twoMs,
      twoThreadHelpedShare: twoMs === null || twoLoops.loops === 0 ? null : twoLoops.helped / twoLoops.loops,
    };
    gemm.push(row);
    log(
      `${pad(g.workload, 26)}${pad(`${g.M}×${g.K}×${g.N}`, 16)}${pad(ms.toFixed(3), 9)}${pad(row.gflops.toFixed(1), 9)}` +
        `${pad((100 * row.peakShare).toFixed(1) + ' %', 8)}` +
        `${pad(row.packedWPeakShare === null ? '—' : (100 * row.packedWPeakShare).toFixed(1) + ' %', 15)}${peerRows.map((p) => pad(p.gflops.toFixed(1), 22)).join('')}` +
        `${pad(row.vsOpenBlas === null ? '—' : row.vsOpenBlas.toFixed(3) + '×', 12)}` +
        (twoMs === null
          ? '—'
          : `${twoMs.toFixed(3)} ms (${row.twoThreadSpeedup!.toFixed(2)}×` +
            (row.twoThreadHelpedShare === null ? ')' : `, ${(100 * row.twoThreadHelpedShare).toFixed(0)} % helped)`)),
    );
  }
  log(`FMA peak (${info.cpu.isa}, one core, median of ${allPeaks.length} samples): ${median(allPeaks).toFixed(1)} GFLOP/s`);
  if (peers.length)
    log(
      'vs OpenBLAS: per round, the OpenBLAS median ms / ours, the median of those over rounds, for the ' +
        'OpenBLAS that comes out fastest (unpaired ratios of medians in the JSON: vsOpenBlasOfMedians)',
    );

  // --- fused epilogues: dense 536×512→512 against its bare GEMM, one thread ------------------------
  setNumThreads(1);
  const epilogue: EpilogueRow[] = [];
  {
    const [M, K, N] = [536, 512, 512];
    const X = Tensor.from(lcgUniform(M * K, 1, 21), [M, K]);
    const W = Tensor.from(lcgUniform(N * K, 1 / Math.sqrt(K), 22), [N, K]);
    const b = Tensor.from(lcgUniform(N, 0.1, 23), [N]);
    const gamma = Tensor.from(lcgUniform(N, 0.1, 24).map((v) => 1 + v), [N]);
    const beta = Tensor.from(lcgUniform(N, 0.1, 25), [N]);
    const Y = Tensor.zeros([M, N]);
    const saved = { H: Tensor.zeros([M, N]), stats: Tensor.zeros([M, 2]) };
    const dense = (ep: DenseEpilogue, train: boolean) => () =>
      denseForward(X, { W, b, gamma, beta }, Y, { epilogue: ep }, train ? saved : null);
    const series: [string, () => void][] = [
      ['GEMM only (X·Wᵀ, no bias)', () => linearForward(X, W, null, Y)],
      ['bias + LN + Mish (inference)', dense('ln_mish', false)],
      ['bias + LN + Mish (training: saves H, stats)', dense('ln_mish', true)],
      ['bias + LN + SimNorm (inference)', dense('ln_simnorm', false)],
    ];
    const times = series.map(() => [] as number[]);
    for (const [, f] of series) timeCalls(f, 3);
    for (let r = 0; r < rounds; r++) series.forEach(([, f], i) => times[i]!.push(...timeCalls(f, reps)));
    const gemmMs = median(times[0]!) * 1e3;
    log(`\nFused epilogue on a ${M}×${K}→${N} dense layer, one thread (bare GEMM ${gemmMs.toFixed(3)} ms)`);
    series.slice(1).forEach(([workload], i) => {
      const ms = median(times[i + 1]!) * 1e3;
      epilogue.push({ workload, ms, gemmMs, share: (ms - gemmMs) / gemmMs });
      log(`${pad(workload, 46)}${pad(ms.toFixed(3) + ' ms', 12)}+${(100 * ((ms - gemmMs) / gemmMs)).toFixed(1)} % of the GEMM`);
    });
    for (const t of [X, W, b, gamma, beta, Y, saved.H, saved.stats]) t.dispose();
  }

  // --- dynamics MLP ------------------------------------------------------------------------------
  const mlp: MlpRow[] = [];
  let tfjsNote = 'not run (--no-mlp)';
  if (options.mlp !== false) {
    const tfjs = options.mlpPeer ?? 'no peer';
    tfjsNote = typeof tfjs === 'string' ? tfjs : tfjs.label;
    log(`\nDynamics MLP 518→512→512→512 (LN+Mish, LN+Mish, LN+SimNorm), one thread; peer: ${tfjsNote}`);
    log(`${pad('workload', 40)}${pad('ours ms', 10)}${pad('peer ms', 10)}${pad('speedup', 10)}max |Δ| forward`);
    const init = mlpInit(lcgUniform);
    for (const [workload, B, train] of [
      ['forward (inference)', 536, false],
      ['forward + backward + Adam', 256, true],
    ] as const) {
      const x = lcgUniform(B * 518, 1, 7);
      const g = lcgUniform(B * 512, 1 / B, 8);
      const ours = oursMlp(init, x, g, B);
      const peer = typeof tfjs === 'string' ? null : tfjs.mlp(init, x, g, B);
      let maxAbsDiff: number | null = null;
      if (peer) {
        ours.forward();
        const a = ours.output();
        const b = peer.output();
        maxAbsDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      }
      const step = (r: MlpRunner) => (train ? r.train() : r.forward());
      const oursT: number[] = [];
      const peerT: number[] = [];
      timeCalls(() => step(ours), 3);
      if (peer) timeCalls(() => step(peer), 2);
      const mlpRounds = Math.max(3, Math.round(rounds / (train ? 2 : 1)));
      for (let r = 0; r < mlpRounds; r++) {
        oursT.push(...timeCalls(() => step(ours), reps));
        if (peer) peerT.push(...timeCalls(() => step(peer), train ? 1 : 2));
      }
      ours.dispose();
      peer?.dispose();
      const ms = median(oursT) * 1e3;
      const peerMs = peer ? median(peerT) * 1e3 : null;
      const row: MlpRow = { workload, batch: B, ms, peerMs, speedup: peerMs === null ? null : peerMs / ms, maxAbsDiff };
      mlp.push(row);
      log(
        `${pad(`${workload}, B=${B}`, 40)}${pad(ms.toFixed(2), 10)}${pad(peerMs?.toFixed(2) ?? '—', 10)}` +
          `${pad(row.speedup === null ? '—' : row.speedup.toFixed(1) + '×', 10)}${maxAbsDiff?.toExponential(1) ?? '—'}`,
      );
    }
  }
  setNumThreads(initialThreads);

  const report: KernelBenchReport = {
    benchmark: 'kernels',
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', logicalCores: cpus().length, isa: info.cpu.isa, node: process.version },
    threads: 1,
    rounds,
    reps,
    fmaPeakGflops: median(allPeaks),
    openblas: openblasNotes,
    tfjs: tfjsNote,
    gemm,
    epilogue,
    mlp,
  };
  return report;
}
