// Small helpers shared by the benchmark scripts: command-line options, the devices to measure,
// the median, synced per-call timing, and calls timed against the FMA peak.
import { median } from '../lib/bench/median.js';
import type { Device } from '../lib/nn/device.js';

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Whether `--name` is on the command line. */
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

export { median };

/** The devices a kernel benchmark measures: `--device D`, else the CPU and, where CUDA is available, cuda:0. */
export function benchDevices(cudaAvailable: boolean): Device[] {
  if (process.argv.includes('--device')) return [arg('device', 'cpu') as Device];
  return cudaAvailable ? ['cpu', 'cuda:0'] : ['cpu'];
}

/**
 * Median milliseconds per call of `fn` (given a running call index): `repeats` timed batches of
 * `batch` calls, each batch ended by `sync` (a small read-back, which waits for the GPU work
 * queued before it; CPU calls are synchronous), after `warmup` untimed calls and a sync.
 */
export function medianMsPerCall(fn: (call: number) => void, sync: () => void, repeats: number, batch = 1, warmup = 3 * batch): number {
  let call = 0;
  while (call < warmup) fn(call++);
  sync();
  const per: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn(call++);
    sync();
    per.push(Number(process.hrtime.bigint() - t0) / 1e6 / batch);
  }
  return median(per);
}

/**
 * Our side of one benchmark row: the timed calls and their speed against the FMA peak.
 * `vsFlopPeak` is the median time ÷ the time the FLOPs take at the run's best probe
 * (= 1/peakFraction); `vsFlopPeakAdjacent` the median over the calls of the same ratio against
 * the mean of the two short probes right before and after each call (`adjacentPeaks`, GFLOP/s).
 */
export interface PeakTiming {
  ms: number;
  msAll: number[];
  gflops: number;
  peakFraction: number;
  vsFlopPeak: number;
  adjacentPeaks: number[];
  vsFlopPeakAdjacent: number;
}

/**
 * Times the calls of one row, each between two short FMA-peak probes (`probe`: GFLOP/s over
 * `ms` milliseconds). Why the adjacent probes: on this shared machine other tenants slow a call
 * and its neighbouring probes alike for hundreds of ms at a time (the repeats come out bimodal),
 * so the per-call ratio to the adjacent ceiling is steadier than the median time against the
 * run's best probe; both are reported.
 */
export class PeakTimer {
  readonly #ms: number[] = [];
  readonly #peaks: number[] = [];

  /** `flops` per call. */
  constructor(
    readonly flops: number,
    readonly probe: (ms: number) => number,
    readonly probeMs = 100,
  ) {}

  time(call: () => void): void {
    const before = this.probe(this.probeMs);
    const t0 = process.hrtime.bigint();
    call();
    this.#ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    this.#peaks.push((before + this.probe(this.probeMs)) / 2);
  }

  /** The row so far against `ceiling` (GFLOP/s, the run's best probe). */
  result(ceiling: number): PeakTiming {
    const ms = median(this.#ms);
    const gflops = this.flops / 1e6 / ms;
    const adjacent = this.#ms.map((t, i) => this.#peaks[i]! / (this.flops / 1e6 / t));
    const timing = { ms, msAll: [...this.#ms], gflops, peakFraction: 0, vsFlopPeak: 0, adjacentPeaks: [...this.#peaks], vsFlopPeakAdjacent: median(adjacent) };
    setCeiling(timing, ceiling);
    return timing;
  }
}

/** Sets a row's ratios against `ceiling` (the JSON uses the best probe of the whole run). */
export function setCeiling(t: PeakTiming, ceiling: number): void {
  t.peakFraction = t.gflops / ceiling;
  t.vsFlopPeak = ceiling / t.gflops;
}
