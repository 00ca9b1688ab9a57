// Multitask (SPEC §11): the native planner against the TS reference planner in a masked
// multitask case, masked action dims exactly 0 in every output (planner actions, MPPI mean/std,
// policy-prior samples and means), the Embedding(max_norm=1) lookup and its gradient, the
// per-task discount of the TD target, and checkpoints carrying the task set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { TDMPC2 } from '../../lib/agent/agent.js';
import { Planner } from '../../lib/agent/planner.js';
import { Updater } from '../../lib/agent/update.js';
import { defaultTaskDim, resolveConfig, type TaskShape, type TdMpc2Options } from '../../lib/config.js';
import type { WorldModel } from '../../lib/model/world-model.js';
import { Graph } from '../../lib/nn/graph.js';
import { RngStream } from '../../lib/nn/rng.js';
import { Tensor } from '../../lib/nn/tensor.js';
import { cutRows, normalizedScore, padRows } from '../../lib/train/task-eval.js';
import { backendCases } from '../helpers/backends.js';
import { compareClose } from '../helpers/expect-close.js';
import { rng } from '../helpers/random.js';
import { planRef } from '../reference/planner.js';
import { makeModel, randomObs, refConfig, refModel, smallConfig } from './helpers.js';

// Task 0 uses both action dims, task 1 only the first, task 2 the first of three obs dims' worth.
const TASKS: TaskShape[] = [
  { name: 'wide', obsDim: 5, actionDim: 2, episodeLength: 500 },
  { name: 'narrow', obsDim: 3, actionDim: 1, episodeLength: 100 },
  { name: 'long', obsDim: 4, actionDim: 1, episodeLength: 1000 },
];
const MT: Partial<TdMpc2Options> = { tasks: TASKS, obsDim: 5, actionDim: 2, episodeLength: 1000, taskDim: 6 };

/** Random embedding rows, some with norms above 1 (so the max-norm renormalisation acts). */
function randomizeEmbedding(model: WorldModel, seed: number): Float32Array {
  const t = model.tasks!;
  const r = rng(seed);
  const v = Float32Array.from({ length: t.numTasks * t.taskDim }, (_, i) => (2 * r() - 1) * (Math.floor(i / t.taskDim) === 1 ? 0.1 : 1.5));
  t.params.data.write(v);
  return v;
}

describe('multitask config', () => {
  test('taskDim defaults by model size, discounts per task, shapes must be the maxima', () => {
    const base = { tasks: TASKS, obsDim: 5, actionDim: 2, episodeLength: 1000 };
    expect(resolveConfig({ ...base, modelSize: 1 }).taskDim).toBe(96);
    expect(resolveConfig({ ...base, modelSize: 5 }).taskDim).toBe(64);
    expect(defaultTaskDim(317)).toBe(96);
    const cfg = resolveConfig(base);
    expect(cfg.numTasks).toBe(3);
    expect(cfg.discounts).toEqual([0.99, 0.95, 0.995]);
    expect(resolveConfig({ obsDim: 5, actionDim: 2, episodeLength: 500 }).numTasks).toBe(0);
    expect(() => resolveConfig({ ...base, obsDim: 4 })).toThrow(/config\.obsDim: expected the maximum over the tasks, 5, got 4/);
    expect(() => resolveConfig({ ...base, tasks: [TASKS[0]!, TASKS[0]!] })).toThrow(/duplicate task "wide"/);
    expect(() => resolveConfig({ ...base, tasks: [] })).toThrow(RangeError);
    expect(() => resolveConfig({ ...base, tasks: [{ ...TASKS[0]!, actionDim: 0 }] })).toThrow(/config\.tasks\[0\]\.actionDim/);
  });

  test('single-task models have no task parameters; multitask inputs carry the embedding', () => {
    const single = makeModel(smallConfig());
    expect(single.tasks).toBeNull();
    expect(single.encoder.inDim).toBe(5);
    const multi = makeModel(smallConfig(MT));
    expect(multi.encoder.inDim).toBe(5 + 6);
    expect(multi.dynamics.inDim).toBe(16 + 6 + 2);
    expect(multi.pi.inDim).toBe(16 + 6);
    expect(multi.numParams - multi.nets.reduce((s, n) => s + n.params.numel, 0)).toBe(3 * 6);
    single.dispose();
    multi.dispose();
  });
});

describe('task embedding: torch Embedding(max_norm=1) semantics', () => {
  test('lookup renormalises rows above norm 1 in place, gathers rows, scatter-adds gradients', () => {
    const model = makeModel(smallConfig(MT));
    const before = randomizeEmbedding(model, 3);
    const t = model.tasks!;
    const T = t.taskDim;
    const g = new Graph('cpu');
    const rows = t.lookup(g, [2, 0, 2]);
    const after = t.params.data.toArray();
    for (let id = 0; id < 3; id++) {
      const row = before.subarray(id * T, (id + 1) * T);
      const norm = Math.fround(Math.hypot(...row));
      const got = after.subarray(id * T, (id + 1) * T);
      if (id === 1) expect(Array.from(got)).toEqual(Array.from(row)); // not looked up (and small)
      else if (norm > 1) {
        const scale = Math.fround(1 / (norm + 1e-7));
        expect(Array.from(got)).toEqual(Array.from(row, (x) => Math.fround(x * scale)));
        expect(Math.hypot(...got)).toBeLessThanOrEqual(1 + 1e-6);
      }
    }
    const e = rows.emb.value.toArray();
    expect(Array.from(e.subarray(0, T))).toEqual(Array.from(after.subarray(2 * T, 3 * T)));
    expect(Array.from(e.subarray(T, 2 * T))).toEqual(Array.from(after.subarray(0, T)));
    expect(Array.from(rows.mask.toArray())).toEqual([1, 0, 1, 1, 1, 0]);
    // d(Σ w·e)/d(table): rows 0 and 2 get their rows' weights (row 2 twice), row 1 nothing.
    t.params.zeroGrad();
    const w = Float32Array.from({ length: 3 * T }, (_, i) => i + 1);
    rows.emb.grad = Tensor.from(w, [3, T]);
    g.backward();
    const grad = t.params.grad!.toArray();
    for (let k = 0; k < T; k++) {
      expect(grad[0 * T + k]).toBe(w[T + k]);
      expect(grad[1 * T + k]).toBe(0);
      expect(grad[2 * T + k]).toBe(Math.fround(w[k]! + w[2 * T + k]!));
    }
    g.dispose();
    model.dispose();
  });
});

describe.each(backendCases)('multitask planner on $title vs the TS reference planner (masked, per-task discounts)', ({ device, skip }) => {
  const cases: [string, Partial<TdMpc2Options>][] = [
    ['A=2 H=3 N=40 Ke=7 P=5, tasks [0, 1, 2]', MT],
    ['A=2 H=2 N=21 Ke=4 P=0 Q=2, chunked one env per GEMM', { ...MT, horizon: 2, numSamples: 21, numElites: 4, numPiTrajs: 0, numQ: 2, iterations: 2 }],
  ];
  for (const [name, overrides] of cases) {
    test.skipIf(skip)(name, () => {
      const cfg = smallConfig({ ...overrides, device });
      const model = makeModel(cfg, 13);
      randomizeEmbedding(model, 4);
      const B = 3;
      const tasks = [0, 1, 2];
      const planner = new Planner(model, { batch: B, seed: 9, maxChunkRows: name.includes('chunked') ? cfg.numSamples : 0 });
      const rc = refConfig(cfg);
      const HA = cfg.horizon * cfg.actionDim;
      const prev: ArrayLike<number>[] = Array.from({ length: B }, () => new Float64Array(HA));
      const offsets = planner.rngState().map((s) => s.offset);
      const failures: string[] = [];
      const steps: [boolean[], boolean][] = [
        [[true, true, true], false],
        [[false, false, false], false],
        [[false, true, false], true],
      ];
      steps.forEach(([first, evalMode], s) => {
        const obs = randomObs(B * cfg.obsDim, 200 + s);
        // Zero-pad each env's observation beyond its task's obsDim, as the trainer does.
        for (let b = 0; b < B; b++) obs.fill(0, b * cfg.obsDim + TASKS[tasks[b]!]!.obsDim, (b + 1) * cfg.obsDim);
        const actions = planner.plan(obs, first, evalMode, tasks);
        const mean = planner.mean();
        const std = planner.std();
        // The reference reads the weights after the call (the embedding was renormalised by it).
        const ref = refModel(model);
        const table = model.tasks!.params.data.toArray();
        const T = cfg.taskDim;
        for (let b = 0; b < B; b++) {
          const id = tasks[b]!;
          const task = { emb: table.subarray(id * T, (id + 1) * T), mask: model.tasks!.mask(id), discount: cfg.discounts[id]! };
          const want = planRef(ref, rc, obs.subarray(b * cfg.obsDim, (b + 1) * cfg.obsDim), { seed: 9, stream: planner.rngState()[b]!.stream, offset: offsets[b]!, prevMean: prev[b]! }, first[b]!, evalMode, task);
          const tag = `step ${s} env ${b} (task ${id})`;
          for (const [what, got, exp] of [
            ['action', actions.subarray(b * cfg.actionDim, (b + 1) * cfg.actionDim), want.action],
            ['mean', mean.subarray(b * HA, (b + 1) * HA), want.mean],
            ['std', std.subarray(b * HA, (b + 1) * HA), want.std],
          ] as const) {
            const msg = compareClose(got, exp, { atol: 1e-4, rtol: 0, label: `${tag} ${what}` });
            if (msg) failures.push(msg);
          }
          prev[b] = want.mean;
          offsets[b] = want.offset;
        }
      });
      planner.dispose();
      model.dispose();
      expect(failures).toEqual([]);
    });
  }
});

describe.each(backendCases)('masked action dims are exactly 0 in the planner on $title', ({ device, skip }) => {
  test.skipIf(skip)('planner actions, warm-start means and stds (train and eval, sync and async)', async () => {
    const cfg = smallConfig({ ...MT, device });
    const model = makeModel(cfg, 21);
    randomizeEmbedding(model, 5);
    const B = 4;
    const tasks = [1, 0, 2, 1];
    const planner = new Planner(model, { batch: B, seed: 3 });
    const A = cfg.actionDim;
    const H = cfg.horizon;
    for (let s = 0; s < 4; s++) {
      const obs = randomObs(B * cfg.obsDim, 300 + s);
      const first = [s === 0, s === 0, s === 2, false];
      const actions = s === 3 ? await planner.planAsync(obs, first, false, tasks) : planner.plan(obs, first, s === 2, tasks);
      const mean = planner.mean();
      const std = planner.std();
      for (let b = 0; b < B; b++) {
        const valid = TASKS[tasks[b]!]!.actionDim;
        for (let i = 0; i < A; i++) {
          const a = actions[b * A + i]!;
          if (i >= valid) expect(Object.is(a, 0) || Object.is(a, -0), `step ${s} env ${b} action dim ${i}: ${a}`).toBe(true);
          else expect(Math.abs(a)).toBeGreaterThan(0);
          for (let t = 0; t < H; t++) {
            if (i < valid) continue;
            expect(Math.abs(mean[(b * H + t) * A + i]!)).toBe(0);
            expect(Math.abs(std[(b * H + t) * A + i]!)).toBe(0);
          }
        }
      }
    }
    planner.dispose();
    model.dispose();
  });
});

describe('masked action dims are exactly 0 in every output', () => {
  test('policy prior: sampled action, mean and log-std; entropy scaled by the valid dims', () => {
    const cfg = smallConfig(MT);
    const model = makeModel(cfg, 22);
    randomizeEmbedding(model, 6);
    const g = new Graph('cpu');
    const ids = [0, 1, 2, 1, 0];
    const task = model.taskRows(g, ids)!;
    const obs = g.constant(Tensor.from(randomObs(ids.length * cfg.obsDim, 9), [ids.length, cfg.obsDim]));
    const z = model.encode(g, obs, undefined, task);
    const pi = model.policy(g, z, new RngStream(1, 1), undefined, task);
    const action = pi.action.value.toArray();
    const mean = pi.mean.toArray();
    const lp = pi.logProb.toArray();
    const se = pi.scaledEntropy.value.toArray();
    ids.forEach((id, m) => {
      const valid = TASKS[id]!.actionDim;
      for (let i = valid; i < cfg.actionDim; i++) {
        // ±0: HEAD's μ·0 keeps μ's sign; both are exactly zero.
        expect(Math.abs(action[m * 2 + i]!)).toBe(0);
        expect(Math.abs(mean[m * 2 + i]!)).toBe(0);
      }
      // The mask's entropy scale (S = valid dims) is checked against the reference in
      // test/ops/policy.test.ts; here the rows only need to be finite.
      expect(Number.isFinite(se[m]!)).toBe(true);
      expect(Number.isFinite(lp[m]!)).toBe(true);
    });
    g.dispose();
    model.dispose();
  });

  test('agent.act without MPC (eval mean and train sample) and with MPC', () => {
    for (const mpc of [false, true]) {
      const agent = new TDMPC2({ ...MT, obsDim: 5, actionDim: 2, episodeLength: 1000, tasks: TASKS, latentDim: 16, mlpDim: 24, encDim: 20, numQ: 2, numSamples: 32, numElites: 4, numPiTrajs: 4, iterations: 2, mpc, device: 'cpu' } as TdMpc2Options);
      for (const evalMode of [true, false]) {
        const a = agent.act(randomObs(5, 1), { firstStep: true, evalMode, task: 1 });
        expect(Math.abs(a[1]!)).toBe(0);
        expect(Math.abs(a[0]!)).toBeGreaterThan(0);
      }
      expect(() => agent.act(randomObs(5, 1), { firstStep: true })).toThrow(/task/);
      expect(() => agent.act(randomObs(5, 1), { firstStep: true, task: 3 })).toThrow(RangeError);
      agent.dispose();
    }
  });
});

describe('multitask update', () => {
  test('per-task discounts in the TD target; the embedding is trained; single-task batches refused', () => {
    const cfg = smallConfig({ ...MT, batchSize: 4 });
    const model = makeModel(cfg, 31);
    randomizeEmbedding(model, 7);
    const up = new Updater(model, 1);
    const H = cfg.horizon;
    const B = 4;
    const r = rng(2);
    const obs = Tensor.from(Float32Array.from({ length: (H + 1) * B * cfg.obsDim }, () => 2 * r() - 1), [H + 1, B, cfg.obsDim]);
    const action = Tensor.from(Float32Array.from({ length: H * B * cfg.actionDim }, () => 2 * r() - 1), [H, B, cfg.actionDim]);
    const reward = Tensor.from(Float32Array.from({ length: H * B }, () => r()), [H, B]);
    const task = Int32Array.from([0, 1, 2, 1]);
    expect(() => up.update({ obs, action, reward })).toThrow(/batch\.task/);
    const tableBefore = model.tasks!.params.data.toArray();
    const info = up.update({ obs, action, reward, task });
    expect(Number.isFinite(info.totalLoss)).toBe(true);
    const tableAfter = model.tasks!.params.data.toArray();
    expect(Array.from(tableAfter)).not.toEqual(Array.from(tableBefore));
    // TD targets: y = r + γ_task·min(Q̄_i, Q̄_j). Make every target Q output the same logits
    // (zero output weights, a peaked bias): Q̄ is one value v on every row, so (y − r)/γ_task must
    // be v on every row, whichever task the row belongs to.
    const K = cfg.numBins;
    const last = `${2}`;
    model.targetQs.get(`${last}.weight`).value.fill(0);
    const bias = new Float32Array(cfg.numQ * K);
    for (let q = 0; q < cfg.numQ; q++) bias[q * K + 60] = 30;
    model.targetQs.get(`${last}.bias`).value.write(bias);
    const td = up.targets({ obs, action, reward, task }).td.toArray();
    const rr = reward.toArray();
    const v = (td[0]! - rr[0]!) / Math.fround(cfg.discounts[0]!);
    expect(v).toBeGreaterThan(5);
    for (let k = 0; k < H * B; k++) expect((td[k]! - rr[k]!) / Math.fround(cfg.discounts[task[k % B]!]!)).toBeCloseTo(v, 4);
    up.dispose();
    model.dispose();
  });
});

describe('multitask checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-mt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('carry the task list, the embedding and the masks', async () => {
    const opts = { obsDim: 5, actionDim: 2, episodeLength: 1000, tasks: TASKS, latentDim: 16, mlpDim: 24, encDim: 20, numQ: 2, mpc: false, device: 'cpu' } as TdMpc2Options;
    const agent = new TDMPC2(opts);
    randomizeEmbedding(agent.model, 8);
    const path = join(dir, 'mt.safetensors');
    await agent.save(path);
    const back = await TDMPC2.load(path);
    expect(back.cfg.tasks).toEqual(TASKS);
    expect(Array.from(back.model.tasks!.params.data.toArray())).toEqual(Array.from(agent.model.tasks!.params.data.toArray()));
    expect(Array.from(back.model.tasks!.masks.toArray())).toEqual([1, 1, 1, 0, 1, 0]);
    agent.dispose();
    back.dispose();
  });
});

describe('observation padding and action cutting (lib/train/task-eval.ts)', () => {
  test('padRows zero-pads rows and always fills `out` when given; cutRows keeps the first dims', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(padRows(src, 2, 3, 5))).toEqual([1, 2, 3, 0, 0, 4, 5, 6, 0, 0]);
    const out = new Float32Array(6).fill(9);
    expect(padRows(src, 2, 3, 3, out)).toBe(out); // same width: still written into out
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(padRows(src, 2, 3, 3)).toBe(src);
    expect(Array.from(cutRows(src, 2, 3, 1))).toEqual([1, 4]);
    expect(normalizedScore([500, 900])).toBe(70);
  });
});

describe('rows of different tasks in one batch', () => {
  test('each row is computed with its own task: a mixed batch equals per-task batches row by row', () => {
    const cfg = smallConfig(MT);
    const model = makeModel(cfg, 41);
    randomizeEmbedding(model, 9);
    const ids = [2, 0, 1, 0, 2];
    const obsAll = randomObs(ids.length * cfg.obsDim, 17);
    const actAll = randomObs(ids.length * cfg.actionDim, 18);
    const run = (rows: number[]) => {
      const g = new Graph('cpu');
      const task = model.taskRows(g, rows.map((r) => ids[r]!))!;
      const pick = (src: Float32Array, w: number) => Tensor.from(Float32Array.from(rows.flatMap((r) => Array.from(src.subarray(r * w, (r + 1) * w)))), [rows.length, w]);
      const z = model.encode(g, g.constant(pick(obsAll, cfg.obsDim)), undefined, task);
      const a = g.constant(pick(actAll, cfg.actionDim));
      const out = {
        z: z.value.toArray(),
        next: model.next(g, z, a, undefined, task).value.toArray(),
        reward: model.rewardLogits(g, z, a, undefined, task).value.toArray(),
        q: model.qLogits(g, z, a, { params: 'constant', dropout: null }, false, task).value.toArray(),
      };
      g.dispose();
      return out;
    };
    const mixed = run([0, 1, 2, 3, 4]);
    for (let r = 0; r < ids.length; r++) {
      const alone = run([r]);
      const L = cfg.latentDim;
      const K = cfg.numBins;
      expect(Array.from(mixed.z.subarray(r * L, (r + 1) * L))).toEqual(Array.from(alone.z));
      expect(Array.from(mixed.next.subarray(r * L, (r + 1) * L))).toEqual(Array.from(alone.next));
      expect(Array.from(mixed.reward.subarray(r * K, (r + 1) * K))).toEqual(Array.from(alone.reward));
      for (let q = 0; q < cfg.numQ; q++)
        expect(Array.from(mixed.q.subarray((q * ids.length + r) * K, (q * ids.length + r + 1) * K))).toEqual(Array.from(alone.q.subarray(q * K, (q + 1) * K)));
    }
    model.dispose();
  });
});
