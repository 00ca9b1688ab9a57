// Runs a TypeScript benchmark in place (Node 20 cannot strip types and no TS runner is installed):
// vite's module runner — the one vitest uses — transpiles the file and its lib/ imports on the
// fly, so the addon is found exactly as in the tests.
//
//   node benchmarks/run-ts.mjs benchmarks/kernels/optim.ts [flags passed on to the benchmark]
import { resolve } from 'node:path';

import { runnerImport } from 'vite';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node benchmarks/run-ts.mjs <benchmark.ts> [flags]\n');
  process.exitCode = 2;
} else {
  await runnerImport(resolve(file));
}
