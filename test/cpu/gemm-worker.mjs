// Worker thread of threads.test.ts: multiplies the same matrices `rounds` times on the raw addon
// while the main thread does too (two submitters on one thread pool), and posts every result.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const addon = require(workerData.addonPath);
const { M, K, N, x, w, rounds } = workerData;
const X = addon.tensorFromArray(new Float32Array(x), [M, K], -1);
const W = addon.tensorFromArray(new Float32Array(w), [N, K], -1);
const Y = addon.tensorZeros([M, N], -1);
parentPort.postMessage('ready'); // the main thread starts its loop now, so the two overlap
const outs = [];
for (let r = 0; r < rounds; r++) {
  addon.linearForward(X, W, null, Y);
  outs.push(addon.tensorRead(Y));
}
for (const t of [X, W, Y]) addon.tensorDispose(t);
parentPort.postMessage(outs);
