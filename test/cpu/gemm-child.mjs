// Child process of gemm-paths.test.ts: runs linear forward/backward on the raw addon with
// whatever TDMPC2_CPU_ISA / TDMPC2_NUM_THREADS it was started with. Reads
// {cases: [{M, K, N, x, w, g}]} (Float32 data as base64) on stdin, writes
// {isa, threads, results: [{Y, dX, dW}]} on stdout.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const addon = process.env.TDMPC2_ADDON
  ? require(process.env.TDMPC2_ADDON)
  : require(require('node-gyp-build').path(root));

const fromB64 = (s) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const toB64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { cases } = JSON.parse(input);
const results = cases.map(({ M, K, N, x, w, g }) => {
  const T = (data, shape) => addon.tensorFromArray(fromB64(data), shape, -1);
  const X = T(x, [M, K]);
  const W = T(w, [N, K]);
  const dY = T(g, [M, N]);
  const Y = addon.tensorZeros([M, N], -1);
  const dX = addon.tensorZeros([M, K], -1);
  const dW = addon.tensorZeros([N, K], -1);
  addon.linearForward(X, W, null, Y);
  addon.linearBackward(X, W, dY, dX, dW, null);
  const out = { Y: toB64(addon.tensorRead(Y)), dX: toB64(addon.tensorRead(dX)), dW: toB64(addon.tensorRead(dW)) };
  for (const t of [X, W, dY, Y, dX, dW]) addon.tensorDispose(t);
  return out;
});
const { isa, threads } = addon.backends().cpu;
process.stdout.write(JSON.stringify({ isa, threads, results }));
