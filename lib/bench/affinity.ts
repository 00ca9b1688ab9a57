// One core for both sides of a one-thread comparison (native/cpu/affinity.h says why): the
// benchmarks pin their thread before starting a peer process, which inherits the pin, and the CPU
// kernels' helper threads run on the other cores.
import { cpuFmaPeak } from '../agent/planner.js';
import { addon } from '../native.js';
import { median } from './median.js';

interface AffinityNative {
  threadCpus(): number[];
  pinThread(cpu: number): boolean;
  unpinThread(): boolean;
}

const native = () => addon() as unknown as AffinityNative;

/** The CPUs this thread may run on, ascending (while pinned: those it had before); [] where the
 * OS does not say. */
export function threadCpus(): number[] {
  return native().threadCpus();
}

/** Pins this thread to `cpu` (one of threadCpus(), else a RangeError); false where the OS cannot. */
export function pinThread(cpu: number): boolean {
  return native().pinThread(cpu);
}

/** Gives a pinned thread its CPUs back; false if it was not pinned. */
export function unpinThread(): boolean {
  return native().unpinThread();
}

/** Where a benchmark runs. */
export interface BenchPin {
  /** The CPU this thread, and every peer process started after, runs on; null: not pinned. */
  cpu: number | null;
  /** GFLOP/s of a short FMA probe on each CPU, when the CPU was chosen by probing. */
  probes: Record<string, number> | null;
  /** One line for the log and the JSON. */
  note: string;
}

/**
 * Pins this thread for a benchmark. `request`: a CPU number; 'none' (the OS places everything);
 * or 'auto', the CPU whose FMA probe (five 20 ms samples after a warm-up, ~0.15 s per CPU) is the
 * fastest right now: on a shared machine one vCPU may run at two thirds of another's speed.
 */
export function pinBenchmarkThread(request: string): BenchPin {
  if (request === 'none') return { cpu: null, probes: null, note: 'not pinned (--cpu none): the OS places this thread and each peer' };
  if (request !== 'auto') {
    if (!/^\d+$/.test(request)) throw new RangeError(`--cpu: expected a CPU number, 'auto' or 'none', got '${request}'`);
    const cpu = Number(request);
    if (!pinThread(cpu)) return { cpu: null, probes: null, note: `not pinned: the OS would not pin this thread to CPU ${cpu}` };
    return { cpu, probes: null, note: `pinned to CPU ${cpu} (--cpu), peers too` };
  }
  const cpus = threadCpus();
  if (cpus.length === 0 || !pinThread(cpus[0]!)) return { cpu: null, probes: null, note: 'not pinned: this OS cannot pin a thread' };
  const probes: Record<string, number> = {};
  for (const cpu of cpus) {
    pinThread(cpu);
    cpuFmaPeak(20);
    probes[String(cpu)] = median(Array.from({ length: 5 }, () => cpuFmaPeak(20)));
  }
  const best = cpus.reduce((a, b) => (probes[String(b)]! > probes[String(a)]! ? b : a));
  pinThread(best);
  const list = cpus.map((c) => `CPU ${c} ${probes[String(c)]!.toFixed(0)}`).join(', ');
  return { cpu: best, probes, note: `pinned to CPU ${best}, peers too (FMA probe GFLOP/s: ${list})` };
}
