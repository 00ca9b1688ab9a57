/**
 * Optimiser kernels over one 5M-model parameter buffer (4,932,704 float32, SPEC §2): Adam step,
 * sum of squares (the grad-norm clip), Polyak update; against the memory-bandwidth ceiling of the
 * same device measured in the same run (a tensor copy of the same size). Median of timed batches
 * after warm-up; a batch ends with a 1-element read so CUDA work is finished inside the timing.
 *
 *   npx cmake-js compile            # or --CDTDMPC2_CUDA=OFF: build/Release/tdmpc2.node
 *   node benchmarks/run-ts.mjs benchmarks/kernels/optim.ts [--device cpu|cuda:0] [--repeats 21]
 *
 * Prints a Markdown table and writes benchmarks/results/kernels-optim.json (machine, Node, date).
 * Bytes moved per element (the minimum traffic): Adam reads p, g, m, v and writes p, m, v = 28;
 * sumSquares reads 4; Polyak reads 8 and writes 4; the copy reads 4 and writes 4. (On a CPU the
 * copy's stores also pull the destination into cache, write-allocate, so in-place updates such
 * as Polyak can exceed "100%" of this ceiling; Adam's 28 bytes are all in place too.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { lcgUniform } from '../../lib/bench/kernels.js';
import { backends, Tensor, type Device } from '../../lib/index.js';
import { adamStep, polyakUpdate, sumSquares } from '../../lib/nn/ops.js';
import { arg, benchDevices, medianMsPerCall } from '../util.js';

const N = 4_932_704;

const info = backends();
const devices = benchDevices(info.cuda.available);
const repeats = Number(arg('repeats', '21'));

interface Row {
  device: Device;
  op: string;
  bytesPerElement: number;
  medianMs: number;
  gbPerS: number;
  /** This op's time if it ran at the copy's bandwidth. */
  ceilingMs: number;
  ofCeiling: number;
}

/** Median milliseconds per call: batches of `batch` calls, each batch ended by a device sync. */
const time = (fn: (i: number) => void, sync: () => void, batch: number): number => medianMsPerCall(fn, sync, repeats, batch);

const rows: Row[] = [];
for (const device of devices) {
  const fill = (seed: number) => Tensor.from(lcgUniform(N, 0.5, seed), [N], device); // in [−0.5, 0.5)
  const p = fill(1);
  const g = fill(2);
  const m = Tensor.zeros([N], device);
  const v = Tensor.zeros([N], device);
  const dst = Tensor.zeros([N], device);
  const probe = p.view([1], N - 1);
  const out = new Float32Array(1);
  const sync = () => void probe.toArray(out);
  const batch = device === 'cpu' ? 1 : 20;

  const copyMs = time(() => dst.copyFrom(p), sync, batch);
  const copyGbs = (8 * N) / copyMs / 1e6;
  const record = (op: string, bytesPerElement: number, ms: number) => {
    const ceilingMs = (bytesPerElement * N) / copyGbs / 1e6;
    rows.push({ device, op, bytesPerElement, medianMs: ms, gbPerS: (bytesPerElement * N) / ms / 1e6, ceilingMs, ofCeiling: ceilingMs / ms });
  };
  record('copy (ceiling)', 8, copyMs);
  record('adamStep', 28, time((i) => adamStep(p, g, m, v, 3e-4, 0.9, 0.999, 1e-8, i + 1, 1), sync, batch));
  record('adamStep (gradScale 0.5)', 28, time((i) => adamStep(p, g, m, v, 3e-4, 0.9, 0.999, 1e-8, i + 1, 0.5), sync, batch));
  record('sumSquares', 4, time(() => void sumSquares(g), () => {}, batch)); // returns to the host: synchronous
  record('polyakUpdate', 12, time(() => polyakUpdate(dst, p, 0.01), sync, batch));
  for (const t of [p, g, m, v, dst, probe]) t.dispose();
}

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
const cudaNames = info.cuda.available ? info.cuda.devices.map((d) => d.name).join(', ') : `none (${info.cuda.reason})`;
console.log(`optim kernels, n = ${N.toLocaleString('en')} float32 — ${cpuModel} (ISA ${info.cpu.isa}, ${info.cpu.threads} thread), CUDA: ${cudaNames}, Node ${process.version}\n`);
console.log('| device | op | bytes/elem | median ms | GB/s | copy-bandwidth time ms | of ceiling |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(
    `| ${r.device} | ${r.op} | ${r.bytesPerElement} | ${r.medianMs.toFixed(3)} | ${r.gbPerS.toFixed(1)} | ${r.ceilingMs.toFixed(3)} | ${(100 * r.ofCeiling).toFixed(0)}% |`,
  );

mkdirSync('benchmarks/results', { recursive: true });
writeFileSync(
  'benchmarks/results/kernels-optim.json',
  JSON.stringify(
    { benchmark: 'kernels/optim', date: new Date().toISOString(), node: process.version, cpu: cpuModel, isa: info.cpu.isa, threads: info.cpu.threads, cuda: cudaNames, n: N, repeats, rows },
    null,
    2,
  ) + '\n',
);
