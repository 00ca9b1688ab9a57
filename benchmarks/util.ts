// Small helpers shared by the benchmark scripts: command-line options and the median.

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Whether `--name` is on the command line. */
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Our time ÷ the time `flops` take at `gflopsPeak` (1 = at the FMA peak). */
export function vsFlopPeak(ms: number, flops: number, gflopsPeak: number): number {
  return ms / 1e3 / (flops / 1e9 / gflopsPeak);
}

/**
 * Times `call` once between two short FMA-peak probes (`probe`, GFLOP/s over `probeMs`) and
 * returns the time with the mean of its two probes: the ceiling under the same conditions as the
 * call. On this shared machine other tenants slow a call and its neighbouring probes alike for
 * hundreds of ms at a time (the repeats come out bimodal), so the per-call ratio to the adjacent
 * ceiling is steadier than the median time against the run's best probe; both are reported.
 */
export function timeBetweenProbes(call: () => void, probe: (ms: number) => number, probeMs = 100): { ms: number; peak: number } {
  const before = probe(probeMs);
  const t0 = process.hrtime.bigint();
  call();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, peak: (before + probe(probeMs)) / 2 };
}
