// Child process of epilogue-isa.test.ts: dense forwards and backwards on the raw addon with
// whatever TDMPC2_CPU_ISA (and TDMPC2_EPILOGUE_ROWS) it was started with — LayerNorm + Mish without and with dropout, and
// LayerNorm + SimNorm when N is a multiple of 8. Reads {M, K, N, x, w, b, gamma, beta, dy}
// (Float32 data as base64) on stdin, writes {isa, epilogueRows, outputs: {name: base64}} (Y, H and stats of each
// forward; dH, dX, dW, db, dγ and dβ of each backward) on stdout.
import { addon, fromB64, readRequest, toB64 } from './child-io.mjs';

const { M, K, N, x, w, b, gamma, beta, dy } = await readRequest();
const T = (data, shape) => addon.tensorFromArray(fromB64(data), shape, -1);
const ts = [T(x, [M, K]), T(w, [N, K]), T(b, [N]), T(gamma, [N]), T(beta, [N])];
const Y = addon.tensorZeros([M, N], -1);
const H = addon.tensorZeros([M, N], -1);
const stats = addon.tensorZeros([M, 2], -1);
const dY = T(dy, [M, N]);
const grads = { dH: [M, N], dX: [M, K], dW: [N, K], db: [N], dgamma: [N], dbeta: [N] };
for (const [k, shape] of Object.entries(grads)) grads[k] = addon.tensorZeros(shape, -1);
const { dH, dX, dW, db, dgamma, dbeta } = grads;
const outputs = {};
const runs = [
  ['ln_mish', 1, 0],
  ['ln_mish dropout', 1, 0.1],
  ...(N % 8 === 0 ? [['ln_simnorm', 2, 0]] : []),
];
for (const [name, epilogue, p] of runs) {
  addon.denseForward(epilogue, ...ts, Y, H, stats, p, 7, 1, 3, 8);
  for (const [part, t] of [['Y', Y], ['H', H], ['stats', stats]]) outputs[`${name} ${part}`] = toB64(addon.tensorRead(t));
  // The parameter gradients accumulate: each backward adds to the previous run's (nonzero) sums.
  addon.denseBackward(epilogue, ts[0], ts[1], ts[3], ts[4], H, stats, dY, dH, dX, dW, db, dgamma, dbeta, p, 7, 1, 3, 8, 0, K);
  for (const [part, t] of Object.entries(grads)) outputs[`${name} ${part}`] = toB64(addon.tensorRead(t));
}
for (const t of [...ts, Y, H, stats, dY, ...Object.values(grads)]) addon.tensorDispose(t);
const { isa, epilogueRows } = addon.backends().cpu;
process.stdout.write(JSON.stringify({ isa, epilogueRows, outputs }));
