// Quick start until the trainer lands: fit a linear layer to a random linear map with the native
// kernels (forward, backward, plain SGD) and print the backends and the loss as it falls.
//   node examples/quickstart.mjs
import { Tensor, backends, ops } from 'tdmpc2';

const b = backends();
console.log(`tdmpc2 backends: cpu ${b.cpu.isa} x${b.cpu.threads}, cuda ${b.cuda.available ? b.cuda.devices.map((d) => d.name).join(', ') : `unavailable (${b.cuda.reason})`}`);

const [M, K, N] = [256, 64, 16];
let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const fill = (n, scale = 1) => Float32Array.from({ length: n }, () => rand() * scale);

const X = Tensor.from(fill(M * K), [M, K]);
const trueW = Tensor.from(fill(N * K, 0.3), [N, K]);
const target = Tensor.zeros([M, N]);
ops.linearForward(X, trueW, Tensor.from(fill(N), [N]), target);
const t = target.toArray();

const W = Tensor.zeros([N, K]);
const bias = Tensor.zeros([N]);
const Y = Tensor.zeros([M, N]);
const dY = Tensor.zeros([M, N]);
const dW = Tensor.zeros([N, K]);
const db = Tensor.zeros([N]);
const y = new Float32Array(M * N);
const g = new Float32Array(M * N);
const w = new Float32Array(N * K);
const gw = new Float32Array(N * K);
const bb = new Float32Array(N);
const gb = new Float32Array(N);
const lr = 1.0;
for (let step = 0; step <= 100; step++) {
  ops.linearForward(X, W, bias, Y);
  Y.toArray(y);
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - t[i];
    loss += d * d;
    g[i] = (2 * d) / y.length;
  }
  loss /= y.length;
  if (step % 20 === 0) console.log(`step ${String(step).padStart(3)}  mse ${loss.toExponential(3)}`);
  dY.write(g);
  dW.fill(0);
  db.fill(0);
  ops.linearBackward(X, W, dY, null, dW, db);
  W.toArray(w), dW.toArray(gw), bias.toArray(bb), db.toArray(gb);
  for (let i = 0; i < w.length; i++) w[i] -= lr * gw[i];
  for (let i = 0; i < bb.length; i++) bb[i] -= lr * gb[i];
  W.write(w);
  bias.write(bb);
}
