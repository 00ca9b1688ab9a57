// Where a CPU workload's GEMM time goes: every product and every pack of B the native GEMM runs
// while a function executes, timed and summed per form and shape (native/cpu/gemm_profile.h), and
// a table of it against the workload's own time and the core's FMA peak. `tdmpc2 bench
// update|planner --gemm-profile` and benchmarks/update.ts and planner.ts print it.
import { addon } from '../native.js';

/** One form and shape: "nt" X·Wᵀ, "nn" dY·W, "tn" dYᵀ·X, or "pack <form>": B packed for it. */
export interface GemmProfileEntry {
  form: 'nt' | 'nn' | 'tn' | 'pack nt' | 'pack nn' | 'pack tn';
  /** C is M×N with depth K; a pack has M = 0 and packs a K×N op(B). */
  M: number;
  N: number;
  K: number;
  /** A fused row epilogue (bias, LayerNorm, Mish, SimNorm, dropout) ran inside the product. */
  epilogue: boolean;
  calls: number;
  seconds: number;
}

interface ProfileNative {
  gemmProfileStart(): void;
  gemmProfileStop(): GemmProfileEntry[];
}

/**
 * A profile of `runs` calls of a workload: their mean wall time and the entries, products first,
 * each group longest first (the JSON rows of the benchmarks keep it as it is).
 */
export interface GemmProfile {
  runs: number;
  msPerRun: number;
  entries: GemmProfileEntry[];
}

const isPack = (e: GemmProfileEntry) => e.form.startsWith('pack');

/** Multiply-adds ×2 of all the calls of a product entry (0 for a pack). */
const entryFlop = (e: GemmProfileEntry) => (isPack(e) ? 0 : 2 * e.M * e.N * e.K * e.calls);

/**
 * Runs `fn` `runs` times with the CPU GEMM profile on. Only the CPU backend's products are seen
 * (CUDA runs its own GEMMs). Profiling adds two clock reads and a locked table update per product
 * and pack.
 */
export function profileGemms(fn: () => void, runs = 1): GemmProfile {
  const native = addon() as unknown as ProfileNative;
  let entries: GemmProfileEntry[];
  native.gemmProfileStart();
  const t0 = performance.now();
  try {
    for (let r = 0; r < runs; r++) fn();
  } finally {
    entries = native.gemmProfileStop();
  }
  const msPerRun = (performance.now() - t0) / runs;
  entries.sort((a, b) => Number(isPack(a)) - Number(isPack(b)) || b.seconds - a.seconds);
  return { runs, msPerRun, entries };
}

/** Totals of a profile: seconds in products (epilogues included) and in packs, and the FLOPs. */
export function gemmProfileTotals(entries: readonly GemmProfileEntry[]): { productSeconds: number; packSeconds: number; flop: number } {
  let productSeconds = 0;
  let packSeconds = 0;
  let flop = 0;
  for (const e of entries) {
    if (isPack(e)) packSeconds += e.seconds;
    else productSeconds += e.seconds;
    flop += entryFlop(e);
  }
  return { productSeconds, packSeconds, flop };
}

/**
 * A profile as text: per form and shape the calls, ms and share of one workload call, and the
 * product's GFLOP/s and fraction of `peakGflops` (the ceiling of the threads the workload ran on:
 * one core's FMA peak times their number); then the products', the packs' and the remaining
 * time. Rows under 0.1 % of the workload are summed into one line.
 */
export function formatGemmProfile(profile: GemmProfile, peakGflops: number): string {
  const { entries, runs, msPerRun: workloadMs } = profile;
  const lines = ['form     M×N×K               epilogue  calls    ms/call  share  GFLOP/s  of peak'];
  let smallMs = 0;
  let smallRows = 0;
  for (const e of entries) {
    const ms = (1000 * e.seconds) / runs;
    if (ms < 0.001 * workloadMs) {
      smallMs += ms;
      smallRows++;
      continue;
    }
    const pack = isPack(e);
    const shape = pack ? `${e.K}×${e.N}` : `${e.M}×${e.N}×${e.K}`;
    const gflops = pack ? '' : (entryFlop(e) / e.seconds / 1e9).toFixed(1);
    const ofPeak = pack ? '' : `${((100 * Number(gflops)) / peakGflops).toFixed(0)} %`;
    lines.push(
      `${e.form.padEnd(9)}${shape.padEnd(20)}${(e.epilogue ? 'yes' : '').padEnd(10)}${(e.calls / runs).toFixed(1).padStart(5)}  ${ms.toFixed(2).padStart(9)}  ` +
        `${((100 * ms) / workloadMs).toFixed(1).padStart(4)} %  ${gflops.padStart(7)}  ${ofPeak.padStart(7)}`,
    );
  }
  if (smallRows > 0) lines.push(`(${smallRows} more, each < 0.1 %)${''.padEnd(21)}${smallMs.toFixed(2).padStart(9)}  ${((100 * smallMs) / workloadMs).toFixed(1).padStart(4)} %`);
  const t = gemmProfileTotals(entries);
  const productMs = (1000 * t.productSeconds) / runs;
  const packMs = (1000 * t.packSeconds) / runs;
  const gflops = t.flop / t.productSeconds / 1e9;
  lines.push(
    `products ${productMs.toFixed(1)} ms (${((100 * productMs) / workloadMs).toFixed(1)} %, ${gflops.toFixed(1)} GFLOP/s, ${((100 * gflops) / peakGflops).toFixed(0)} % of ${peakGflops.toFixed(0)}), ` +
      `packs ${packMs.toFixed(1)} ms (${((100 * packMs) / workloadMs).toFixed(1)} %), the rest ${(workloadMs - productMs - packMs).toFixed(1)} ms ` +
      `(${((100 * (workloadMs - productMs - packMs)) / workloadMs).toFixed(1)} %) of ${workloadMs.toFixed(1)} ms`,
  );
  return lines.map((l) => l.trimEnd()).join('\n');
}
