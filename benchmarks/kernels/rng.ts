/**
 * Random tensors: rngUniform and rngNormal filling 4,932,704 float32 (the 5M model's parameter
 * count, a convenient large size) against a fill of the same tensor (the write-bandwidth ceiling),
 * median of timed batches after warm-up, per device.
 *
 *   node benchmarks/run-ts.mjs benchmarks/kernels/rng.ts [--device cpu|cuda:0] [--repeats 21]
 *
 * Prints a Markdown table and writes benchmarks/results/kernels-rng.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { backends, Tensor, type Device } from '../../lib/index.js';
import { rngNormal, rngUniform } from '../../lib/nn/ops.js';
import { arg, benchDevices, medianMsPerCall } from '../util.js';

const N = 4_932_704;

const info = backends();
const devices = benchDevices(info.cuda.available);
const repeats = Number(arg('repeats', '21'));

const rows: { device: Device; op: string; medianMs: number; numbersPerS: number; gbPerS: number }[] = [];
for (const device of devices) {
  const t = Tensor.zeros([N], device);
  const probe = t.view([1], N - 1);
  const out = new Float32Array(1);
  const batch = device === 'cpu' ? 1 : 20;
  const time = (fn: (i: number) => void): number => medianMsPerCall(fn, () => void probe.toArray(out), repeats, batch);
  const record = (op: string, ms: number) =>
    rows.push({ device, op, medianMs: ms, numbersPerS: N / (ms / 1e3), gbPerS: (4 * N) / ms / 1e6 });
  record('fill (ceiling)', time((i) => t.fill(i)));
  record('rngUniform', time((i) => rngUniform(t, 1, 0, i * Math.ceil(N / 4))));
  record('rngNormal', time((i) => rngNormal(t, 1, 1, i * Math.ceil(N / 4))));
  probe.dispose();
  t.dispose();
}

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
const cudaNames = info.cuda.available ? info.cuda.devices.map((d) => d.name).join(', ') : `none (${info.cuda.reason})`;
console.log(`rng kernels, n = ${N.toLocaleString('en')} float32 — ${cpuModel} (${info.cpu.threads} thread), CUDA: ${cudaNames}, Node ${process.version}\n`);
console.log('| device | op | median ms | numbers/s | GB/s written |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of rows)
  console.log(`| ${r.device} | ${r.op} | ${r.medianMs.toFixed(3)} | ${(r.numbersPerS / 1e6).toFixed(0)} M | ${r.gbPerS.toFixed(1)} |`);

mkdirSync('benchmarks/results', { recursive: true });
writeFileSync(
  'benchmarks/results/kernels-rng.json',
  JSON.stringify({ benchmark: 'kernels/rng', date: new Date().toISOString(), node: process.version, cpu: cpuModel, threads: info.cpu.threads, cuda: cudaNames, n: N, repeats, rows }, null, 2) + '\n',
);
