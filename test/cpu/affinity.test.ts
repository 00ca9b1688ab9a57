// Pinning a benchmark's thread (lib/bench/affinity.ts, native/cpu/affinity.h): the thread runs on
// the one CPU, processes it starts inherit it, the CPU pool's helpers it starts do not (two-thread
// rows still get two cores: they run on the other CPUs), and unpinning gives the CPUs back. Read back from /proc (Linux).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { afterEach, describe, expect, test } from 'vitest';

import { pinBenchmarkThread, pinThread, threadCpus, unpinThread } from '../../lib/bench/affinity.js';
import { backends, setNumThreads, Tensor } from '../../lib/index.js';
import { linearForward } from '../../lib/nn/ops.js';
import { uniform } from '../helpers/random.js';

/** "0-2,5" → [0, 1, 2, 5]. */
function cpuList(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  });
}

const allowed = (status: string) => cpuList(/Cpus_allowed_list:\s*(\S+)/.exec(status)![1]!);
const thisThread = () => allowed(readFileSync('/proc/thread-self/status', 'utf8'));

// Elsewhere pinThread returns false and there is no /proc to read the masks from.
const notLinux = process.platform !== 'linux';

describe.skipIf(notLinux)('pinThread (Linux only)', () => {
  const initialThreads = backends().cpu.threads;
  afterEach(() => {
    unpinThread();
    setNumThreads(initialThreads);
  });

  test('threadCpus lists the CPUs /proc says this thread may use', () => {
    expect(threadCpus()).toEqual(thisThread());
    expect(threadCpus().length).toBeGreaterThan(0);
  });

  test('pins this thread and the processes it starts; unpin gives the CPUs back', () => {
    const cpus = threadCpus();
    const cpu = cpus[cpus.length - 1]!;
    expect(pinThread(cpu)).toBe(true);
    expect(thisThread()).toEqual([cpu]);
    expect(threadCpus()).toEqual(cpus); // still the CPUs it may be pinned to
    const child = spawnSync('cat', ['/proc/self/status'], { encoding: 'utf8' });
    expect(allowed(child.stdout)).toEqual([cpu]);
    expect(pinThread(cpus[0]!)).toBe(true); // re-pinning keeps the original set to return to
    expect(thisThread()).toEqual([cpus[0]]);
    expect(unpinThread()).toBe(true);
    expect(thisThread()).toEqual(cpus);
    expect(unpinThread()).toBe(false);
  });

  const oneCpu = notLinux || threadCpus().length < 2;
  test.skipIf(oneCpu)('the GEMM helpers a pinned thread starts run on its other CPUs (needs two CPUs)', () => {
    const cpus = threadCpus();
    setNumThreads(2); // stops the running helpers: the next parallel GEMM starts a new one
    expect(pinThread(cpus[0]!)).toBe(true);
    const x = Tensor.from(uniform(512 * 256, 1), [512, 256]);
    const w = Tensor.from(uniform(256 * 256, 2), [256, 256]);
    const b = Tensor.zeros([256]);
    const y = Tensor.zeros([512, 256]);
    const helperStatus = () =>
      readdirSync('/proc/self/task')
        .map((tid) => readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))
        .filter((status) => /^Name:\s*tdmpc2-cpu$/m.test(status));
    // The pool runs a loop serially for a while after a helper stalled (a busy machine), so a
    // helper may take a few products to start.
    let helpers: string[] = [];
    for (let i = 0; i < 200 && helpers.length === 0; i++) {
      linearForward(x, w, b, y);
      helpers = helperStatus();
    }
    for (const t of [x, w, b, y]) t.dispose();
    expect(helpers.length).toBeGreaterThan(0);
    for (const status of helpers) expect(allowed(status)).toEqual(cpus.slice(1));
    expect(thisThread()).toEqual([cpus[0]]);
  });

  test('rejects a CPU this thread may not use, and what is not a CPU number', () => {
    const cpus = threadCpus();
    const missing = cpus[cpus.length - 1]! + 1;
    expect(() => pinThread(missing)).toThrow(
      new RangeError(`pinThread: cpu: expected one of the CPUs this thread may run on [${cpus.join(', ')}], got ${missing}`),
    );
    expect(() => pinThread(-1)).toThrow(RangeError);
    expect(() => pinThread(0.5)).toThrow(RangeError);
    expect(() => pinThread('0' as unknown as number)).toThrow(/^pinThread: cpu: expected a number/);
    expect(thisThread()).toEqual(cpus);
  });
});

describe.skipIf(notLinux)('pinBenchmarkThread (Linux only)', () => {
  afterEach(() => unpinThread());

  test("'none' leaves placement to the OS", () => {
    const pin = pinBenchmarkThread('none');
    expect(pin.cpu).toBeNull();
    expect(thisThread()).toEqual(threadCpus());
  });

  test('a CPU number pins to it', () => {
    const cpu = threadCpus()[0]!;
    expect(pinBenchmarkThread(String(cpu))).toEqual({ cpu, probes: null, note: `pinned to CPU ${cpu} (--cpu), peers too` });
    expect(thisThread()).toEqual([cpu]);
  });

  test("'auto' probes every CPU and pins to the fastest", () => {
    const cpus = threadCpus();
    const pin = pinBenchmarkThread('auto');
    expect(Object.keys(pin.probes!).map(Number)).toEqual(cpus);
    const best = Math.max(...Object.values(pin.probes!));
    expect(pin.probes![String(pin.cpu)]).toBe(best);
    expect(thisThread()).toEqual([pin.cpu]);
    expect(pin.note).toMatch(new RegExp(`^pinned to CPU ${pin.cpu}, peers too \\(FMA probe GFLOP/s: CPU ${cpus[0]} \\d+`));
  });

  test('anything else is a RangeError naming --cpu', () => {
    expect(() => pinBenchmarkThread('fast')).toThrow(/^--cpu: expected a CPU number, 'auto' or 'none', got 'fast'$/);
    expect(() => pinBenchmarkThread(String(threadCpus().at(-1)! + 1))).toThrow(/^pinThread: cpu: expected one of the CPUs/);
  });
});
