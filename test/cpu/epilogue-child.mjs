// Child process of epilogue-isa.test.ts: one dense forward (LayerNorm + Mish) on the raw addon
// with whatever TDMPC2_CPU_ISA it was started with. Reads {M, K, N, x, w, b, gamma, beta}
// (Float32 data as base64) on stdin, writes {isa, Y, H} (base64) on stdout.
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
const { M, K, N, x, w, b, gamma, beta } = JSON.parse(input);
const T = (data, shape) => addon.tensorFromArray(fromB64(data), shape, -1);
const ts = [T(x, [M, K]), T(w, [N, K]), T(b, [N]), T(gamma, [N]), T(beta, [N])];
const Y = addon.tensorZeros([M, N], -1);
const H = addon.tensorZeros([M, N], -1);
const stats = addon.tensorZeros([M, 2], -1);
addon.denseForward(1, ...ts, Y, H, stats, 0, 0, 0, 0, 8);
const out = { isa: addon.backends().cpu.isa, Y: toB64(addon.tensorRead(Y)), H: toB64(addon.tensorRead(H)) };
for (const t of [...ts, Y, H, stats]) addon.tensorDispose(t);
process.stdout.write(JSON.stringify(out));
