// Example 3: an action server. The main thread serves HTTP while MPPI planning runs off the main
// thread (actBatchAsync runs the native planner on a worker thread of libuv's pool), so health
// checks and new requests are answered while a plan is in flight.
//
//   npx tsc -p examples && node examples/dist/http-server.js [--smoke] [--checkpoint FILE]
//   curl -s localhost:8077/act -d '{"obs":[0.1,0.2,0,0,0.3,-0.2]}'
//
// Requests that arrive while a plan runs are batched into the next one (one native call plans
// for all of them). Rows of such a batch belong to different clients, so each row plans afresh
// (firstStep); a server with a fixed set of robots would keep one row per robot and warm-start it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { TDMPC2 } from 'tdmpc2';

import { smoke } from './point-robot-env.js';

const OBS = 6;
const ACT = 2;
const checkpointAt = process.argv.indexOf('--checkpoint');
const agent =
  checkpointAt > 0
    ? await TDMPC2.load(process.argv[checkpointAt + 1]!)
    : new TDMPC2({ obsDim: OBS, actionDim: ACT, episodeLength: 100, latentDim: 64, mlpDim: 128, encDim: 64, numQ: 2, device: 'cpu' });

interface Pending {
  obs: Float32Array;
  reply: (action: Float32Array | Error) => void;
}
let queue: Pending[] = [];
let planning = false;

/** Plans for every queued request in one batched call, then for whatever queued meanwhile. */
async function drain(): Promise<void> {
  if (planning || queue.length === 0) return;
  planning = true;
  const batch = queue;
  queue = [];
  const obs = new Float32Array(batch.length * OBS);
  batch.forEach((p, i) => obs.set(p.obs, i * OBS));
  try {
    const actions = await agent.actBatchAsync(obs, batch.map(() => true), { evalMode: true });
    batch.forEach((p, i) => p.reply(actions.slice(i * ACT, (i + 1) * ACT)));
  } catch (e) {
    for (const p of batch) p.reply(e as Error);
  } finally {
    planning = false;
    void drain();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return send(res, 200, { ok: true, planning, queued: queue.length });
  if (req.method !== 'POST' || req.url !== '/act') return send(res, 404, { error: 'POST /act or GET /health' });
  readJson(req)
    .then((body) => {
      const obs = (body as { obs?: unknown }).obs;
      if (!Array.isArray(obs) || obs.length !== OBS || !obs.every((x) => typeof x === 'number' && Number.isFinite(x)))
        return send(res, 400, { error: `obs: expected ${OBS} finite numbers` });
      queue.push({ obs: Float32Array.from(obs), reply: (a) => (a instanceof Error ? send(res, 500, { error: a.message }) : send(res, 200, { action: Array.from(a) })) });
      void drain();
    })
    .catch(() => send(res, 400, { error: 'body: expected JSON { "obs": [...] }' }));
});

// Loopback only: this is an example, not an authenticated service.
server.listen(smoke ? 0 : 8077, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`action server on http://127.0.0.1:${port} (POST /act, GET /health)`);
  if (smoke) void selfTest(port);
});

/** --smoke: concurrent clients and health checks against the running server, then shut down. */
async function selfTest(port: number): Promise<void> {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 1);
  const base = `http://127.0.0.1:${port}`;
  const acts = Array.from({ length: 8 }, (_, i) =>
    fetch(`${base}/act`, { method: 'POST', body: JSON.stringify({ obs: [0.1 * i, -0.2, 0, 0, 0.3, 0.1] }) }).then((r) => r.json() as Promise<{ action: number[] }>),
  );
  const health = await fetch(`${base}/health`).then((r) => r.json() as Promise<{ ok: boolean }>);
  const bad = await fetch(`${base}/act`, { method: 'POST', body: '{"obs":[1]}' });
  const results = await Promise.all(acts);
  clearInterval(timer);
  const valid = results.every((r) => r.action.length === ACT && r.action.every((x) => x >= -1 && x <= 1));
  console.log(`smoke: ${results.length} actions ${valid ? 'valid' : 'INVALID'}, health ${health.ok}, bad request → ${bad.status}, timer ticks while serving: ${ticks}`);
  server.close();
  agent.dispose();
  if (!valid || !health.ok || bad.status !== 400) process.exitCode = 1;
}
