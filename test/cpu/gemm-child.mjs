// Child process of gemm-paths.test.ts: runs linear forward/backward on the raw addon with
// whatever TDMPC2_CPU_ISA / TDMPC2_GEMM_ROWS_TILE / TDMPC2_NUM_THREADS it was started with. Reads
// {cases: [{M, K, N, x, w, g}]} (Float32 data as base64) on stdin, writes
// {isa, gemmTiles, threads, results: [{Y, dX, dW}]} on stdout.
import { addon, fromB64, readRequest, toB64 } from './child-io.mjs';

const { cases } = await readRequest();
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
const { isa, gemmTiles, threads } = addon.backends().cpu;
process.stdout.write(JSON.stringify({ isa, gemmTiles, threads, results }));
