// Online multitask training over our own tasks (SPEC §11 on the online loop of §10.2): one
// environment per task, stepped together, one batched act call per round with each env's task
// id; observations zero-padded to the largest task, each env receiving the first A_task action
// dims; episodes enter one multitask replay buffer with their task id, so every batch mixes tasks.
// The official code trains multitask agents offline only (trainer/offline_trainer.py); this is
// the online loop of SPEC §10.2 applied to a task set, with per-task evaluation and the
// normalised score (DMC return / 10).
//
// Counting: every round takes one step in each of the n task envs, and every count is in
// environment steps summed over the tasks (as the single-task trainer counts its copies). Each
// step index ≥ seedSteps earns one update (index == seedSteps: the burst of seedSteps updates);
// a round acts uniformly at random while its first index is ≤ seedSteps. Evaluations run at the
// first round after every evalFreq steps at which all envs start an episode (equal-length DMC
// episodes start together), on separate env copies (seeds seed + 10000 + i).
//
// It also serves `finetune` (lib/train/finetune.ts): given an `agent`, it trains that agent on
// `tasks` as the agent's task ids `taskIds`.
import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { TDMPC2 } from '../agent/agent.js';
import type { UpdateInfo } from '../agent/update.js';
import { multitaskShape, type ModelSize, type TaskShape, type TdMpc2Options } from '../config.js';
import { loadMujoco } from '../envs/mujoco.js';
import { makeEnv } from '../envs/registry.js';
import type { DmcEnv } from '../envs/dmc-env.js';
import { makeVectorEnv, type DmcVectorEnv } from '../envs/vector-env.js';
import { DatasetWriter } from '../io/dataset.js';
import { STREAMS } from '../model/world-model.js';
import type { Device } from '../nn/device.js';
import { RngStream } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { ReplayBuffer } from './replay-buffer.js';
import { evaluateTask, normalizedScore, padRows } from './task-eval.js';

export interface MultitaskTrainerOptions {
  /** Task names (see `listTasks()`), trained together. */
  tasks: string[];
  /** Environment steps summed over the tasks. @defaultValue 10_000_000 */
  steps?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** @defaultValue 5 */
  modelSize?: ModelSize;
  /** @defaultValue 'auto' */
  device?: 'auto' | Device;
  /** Run directory (eval.jsonl, config.json, checkpoint.safetensors). @defaultValue `runs/mt-<tasks>-s<seed>` */
  logDir?: string;
  /** Agent config overrides (SPEC §2 keys). */
  config?: Partial<Omit<TdMpc2Options, 'obsDim' | 'actionDim' | 'episodeLength' | 'tasks'>>;
  /** @defaultValue 50_000 */
  evalFreq?: number;
  /** Episodes per task and evaluation. @defaultValue 10 */
  evalEpisodes?: number;
  /** Random-action steps before updates start. @defaultValue max(1000, 5·T) */
  seedSteps?: number;
  /** Also write every episode to this dataset directory (lib/io/dataset.ts). */
  saveDataset?: string;
  /** Train this agent instead of a fresh one (finetuning); `taskIds` map `tasks` to its task ids. */
  agent?: TDMPC2;
  taskIds?: number[];
  logger?: (event: MultitaskEvent) => void;
  signal?: AbortSignal;
}

/** Mean eval return per task, and the normalised score. */
export interface MultitaskEval {
  step: number;
  returns: Record<string, number>;
  normalizedScore: number;
}

export type MultitaskEvent =
  | { type: 'start'; tasks: string[]; steps: number; seedSteps: number; parameters: number; logDir: string }
  | { type: 'episode'; step: number; task: string; return: number }
  | ({ type: 'eval' } & MultitaskEval)
  | { type: 'done'; step: number; updates: number; elapsedSeconds: number; logDir: string };

export interface MultitaskSummary {
  step: number;
  updates: number;
  evals: MultitaskEval[];
  elapsedSeconds: number;
  logDir: string;
  checkpoint: string;
}

/** The shapes of our tasks (from their environments). */
export function taskShapes(names: readonly string[]): TaskShape[] {
  return names.map((name) => {
    const env = makeEnv(name, { seed: 0 });
    try {
      return { name, obsDim: env.observationSpace.shape[0]!, actionDim: env.actionSpace.shape[0]!, episodeLength: env.maxEpisodeSteps };
    } finally {
      env.close();
    }
  });
}

const EVAL_SEED_OFFSET = 10_000;

export class MultitaskTrainer {
  readonly options: Readonly<MultitaskTrainerOptions>;
  readonly logDir: string;

  constructor(options: MultitaskTrainerOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(`MultitaskTrainer: expected an options object, got ${String(options)}`);
    if (!Array.isArray(options.tasks) || options.tasks.length === 0 || !options.tasks.every((t) => typeof t === 'string' && t !== ''))
      throw new TypeError(`MultitaskTrainer: options.tasks: expected a non-empty array of task names, got ${JSON.stringify(options.tasks)}`);
    if (new Set(options.tasks).size !== options.tasks.length) throw new RangeError(`MultitaskTrainer: options.tasks: duplicate task in ${options.tasks.join(',')}`);
    for (const k of ['steps', 'seed', 'evalFreq', 'evalEpisodes', 'seedSteps'] as const) {
      const v = options[k];
      const lo = k === 'seed' || k === 'evalEpisodes' ? 0 : 1;
      if (v !== undefined && (!Number.isSafeInteger(v) || v < lo)) throw new RangeError(`MultitaskTrainer: options.${k}: expected an integer ≥ ${lo}, got ${String(v)}`);
    }
    this.options = Object.freeze({ ...options });
    this.logDir = resolve(options.logDir ?? join('runs', `mt-${options.tasks.join('+')}-s${options.seed ?? 1}`));
  }

  async run(): Promise<MultitaskSummary> {
    await loadMujoco();
    const o = this.options;
    const seed = o.seed ?? 1;
    const shapes = taskShapes(o.tasks);
    const owned: Array<{ close(): void } | { dispose(): void }> = [];
    try {
      let agent = o.agent;
      if (!agent) {
        agent = new TDMPC2({
          ...o.config,
          ...multitaskShape(shapes),
          tasks: shapes,
          ...(o.steps !== undefined && { steps: o.steps }),
          seed,
          ...(o.modelSize !== undefined && { modelSize: o.modelSize }),
          ...(o.device !== undefined && { device: o.device }),
        });
        owned.push(agent);
      }
      const cfg = agent.cfg;
      const ids = o.taskIds ?? o.tasks.map((_, i) => i);
      if (ids.length !== o.tasks.length) throw new RangeError(`MultitaskTrainer: options.taskIds: expected ${o.tasks.length} ids, got ${ids.length}`);
      ids.forEach((id, i) => {
        const t = cfg.tasks?.[id];
        if (!t || t.name !== o.tasks[i] || t.obsDim !== shapes[i]!.obsDim || t.actionDim !== shapes[i]!.actionDim)
          throw new RangeError(`MultitaskTrainer: task ${o.tasks[i]} is not task ${id} of the agent (${cfg.tasks?.map((x) => x.name).join(',') ?? 'single-task'})`);
      });
      const steps = o.steps ?? cfg.steps;
      const evalFreq = o.evalFreq ?? cfg.evalFreq;
      const evalEpisodes = o.evalEpisodes ?? cfg.evalEpisodes;
      const n = o.tasks.length;
      const T = Math.max(...shapes.map((s) => s.episodeLength));
      const seedSteps = o.seedSteps ?? Math.max(1000, 5 * T);
      if (seedSteps < n * T) throw new RangeError(`MultitaskTrainer: seedSteps ${seedSteps} is shorter than the first episodes (${n} tasks × ${T} steps): updates need whole episodes in the buffer`);
      const { obsDim: O, actionDim: A } = cfg;

      const envs: DmcEnv[] = shapes.map((s, i) => makeEnv(s.name, { seed: seed + i }));
      owned.push(...envs);
      const evalEnvs: DmcVectorEnv[] = evalEpisodes > 0 ? shapes.map((s, i) => makeVectorEnv(s.name, evalEpisodes, { seed: seed + EVAL_SEED_OFFSET + 100 * i })) : [];
      owned.push(...evalEnvs);
      const buffer = new ReplayBuffer({ capacity: Math.min(cfg.bufferSize, Math.max(steps + n * (T + 1), cfg.horizon + 1)), obsDim: O, actionDim: A, horizon: cfg.horizon, batchSize: cfg.batchSize, seed, device: agent.device, multitask: true });
      owned.push(buffer);
      let writer: DatasetWriter | null = null;
      if (o.saveDataset) {
        const w = new DatasetWriter(o.saveDataset, shapes);
        writer = w;
        owned.push({ close: () => w.close() });
        buffer.onEpisode = (ep, task) => w.add(ep, ids.indexOf(task));
      }
      mkdirSync(this.logDir, { recursive: true });
      const evalLog = join(this.logDir, 'eval.jsonl');
      writeFileSync(join(this.logDir, 'config.json'), `${JSON.stringify({ tdmpc2: 'multitask-run', options: { ...o, agent: undefined, logger: undefined, signal: undefined }, agent: agent.options, seedSteps }, null, 2)}\n`);
      writeFileSync(evalLog, '');
      const checkpoint = join(this.logDir, 'checkpoint.safetensors');
      o.logger?.({ type: 'start', tasks: [...o.tasks], steps, seedSteps, parameters: agent.model.numParams, logDir: this.logDir });

      const evals: MultitaskEval[] = [];
      const evaluate = (step: number) => {
        if (evalEpisodes === 0) return;
        const returns: Record<string, number> = {};
        shapes.forEach((s, i) => (returns[s.name] = evaluateTask(agent!, evalEnvs[i]!, ids[i]!).mean));
        const e: MultitaskEval = { step, returns, normalizedScore: normalizedScore(Object.values(returns)) };
        evals.push(e);
        appendFileSync(evalLog, `${JSON.stringify(e)}\n`);
        o.logger?.({ type: 'eval', ...e });
      };

      // Per env: the current observation, its episode's entries, whether it starts an episode.
      const seedRng = new RngStream(seed, STREAMS.seedActions);
      const uniform = Tensor.zeros([A]);
      owned.push(uniform);
      const obs: Float32Array[] = envs.map((e) => e.reset().obs);
      const entries: { obs: number[]; action: number[]; reward: number[] }[] = shapes.map(() => ({ obs: [], action: [], reward: [] }));
      const first = new Array<boolean>(n).fill(true);
      const padded = new Float32Array(n * O);
      const started = Date.now();
      let step = 0;
      let updates = 0;
      let nextEval = 0;
      let lastEval = -1;
      const startEpisode = (i: number) => {
        const e = entries[i]!;
        e.obs = Array.from(padRows(obs[i]!, 1, shapes[i]!.obsDim, O));
        e.action = new Array<number>(A).fill(Number.NaN);
        e.reward = [Number.NaN];
      };
      shapes.forEach((_, i) => startEpisode(i));
      for (;;) {
        const allFirst = first.every(Boolean);
        if (allFirst && step >= nextEval) {
          evaluate(step);
          lastEval = step;
          while (nextEval <= step) nextEval += evalFreq;
        }
        if (allFirst && (step >= steps || o.signal?.aborted)) break;
        // Act: uniform random during seeding, else one batched call over the task envs.
        let actions: Float32Array;
        if (step <= seedSteps) {
          actions = new Float32Array(n * A);
          for (let i = 0; i < n; i++) {
            const u = seedRng.uniform(uniform).toArray();
            for (let k = 0; k < shapes[i]!.actionDim; k++) actions[i * A + k] = 2 * u[k]! - 1;
          }
        } else {
          for (let i = 0; i < n; i++) padRows(obs[i]!, 1, shapes[i]!.obsDim, O, padded.subarray(i * O, (i + 1) * O));
          actions = agent.actBatch(padded, first, { evalMode: false, tasks: ids });
        }
        for (let i = 0; i < n; i++) {
          const s = shapes[i]!;
          const a = actions.subarray(i * A, i * A + s.actionDim);
          const out = envs[i]!.step(a);
          const e = entries[i]!;
          const row = new Float32Array(A);
          row.set(a);
          e.action.push(...row);
          e.reward.push(out.reward);
          obs[i] = out.obs;
          e.obs.push(...padRows(out.obs, 1, s.obsDim, O));
          first[i] = false;
          if (out.terminated || out.truncated) {
            const ep = { obs: Float32Array.from(e.obs), action: Float32Array.from(e.action), reward: Float32Array.from(e.reward) };
            let ret = 0;
            for (let k = 1; k < ep.reward.length; k++) ret += ep.reward[k]!;
            buffer.addEpisode(ep, ids[i]!);
            o.logger?.({ type: 'episode', step: step + n, task: s.name, return: ret });
            obs[i] = envs[i]!.reset().obs;
            first[i] = true;
            startEpisode(i);
          }
        }
        // Updates: one per step index ≥ seedSteps, the burst at index seedSteps.
        let due = 0;
        for (let k = step; k < step + n; k++) if (k >= seedSteps) due += k === seedSteps ? seedSteps : 1;
        for (let u = 0; u < due; u++) {
          const info: UpdateInfo = agent.update(buffer);
          updates += 1;
          if (!Number.isFinite(info.totalLoss)) throw new Error(`MultitaskTrainer: the loss became ${info.totalLoss} at update ${updates}`);
        }
        step += n;
      }
      if (lastEval !== step) evaluate(step);
      await agent.save(checkpoint);
      writer?.close();
      const elapsedSeconds = (Date.now() - started) / 1000;
      o.logger?.({ type: 'done', step, updates, elapsedSeconds, logDir: this.logDir });
      return { step, updates, evals, elapsedSeconds, logDir: this.logDir, checkpoint };
    } finally {
      for (const c of owned.reverse()) 'close' in c ? c.close() : c.dispose();
    }
  }
}
