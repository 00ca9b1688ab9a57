// Offline training from a dataset (SPEC §11; official trainer/offline_trainer.py): `steps`
// gradient updates on batches sampled from the dataset's episodes, evaluation every `evalFreq`
// updates (from update 0) on every task of the dataset, the normalised score (DMC return / 10).
//
// Datasets larger than memory: the episodes stream from disk (lib/io/dataset.ts, read in chunks)
// into a replay buffer of `bufferSize` entries. When the dataset fits, it is loaded once (the
// official trainer loads everything); otherwise the buffer is filled, and every `refillEvery`
// updates the next `refillEpisodes` episodes stream in, cycling over the dataset, the oldest
// leaving the FIFO buffer: sampling then covers a sliding window of the dataset.
//
// The agent is multitask (task embeddings, masks) when the dataset holds several tasks, and a
// plain single-task agent for a one-task dataset (e.g. one written by `train --save-dataset`).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { TDMPC2 } from '../agent/agent.js';
import { multitaskShape, type ModelSize, type TdMpc2Options } from '../config.js';
import { loadMujoco } from '../envs/mujoco.js';
import { listTasks } from '../envs/registry.js';
import { makeVectorEnv, type DmcVectorEnv } from '../envs/vector-env.js';
import { padEpisode, readEpisodes, readManifest, type DatasetEpisode } from '../io/dataset.js';
import type { Device } from '../nn/device.js';
import type { MultitaskEval } from './multitask-trainer.js';
import { ReplayBuffer } from './replay-buffer.js';
import { evaluateTask, normalizedScore } from './task-eval.js';

export interface OfflineTrainerOptions {
  /** Dataset directory (docs/datasets.md). */
  data: string;
  /** Gradient updates. @defaultValue 10_000_000 (SPEC §2 `steps`) */
  steps?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** @defaultValue 5 */
  modelSize?: ModelSize;
  /** @defaultValue 'auto' */
  device?: 'auto' | Device;
  /** @defaultValue `runs/offline-s<seed>` */
  logDir?: string;
  config?: Partial<Omit<TdMpc2Options, 'obsDim' | 'actionDim' | 'episodeLength' | 'tasks'>>;
  /** Evaluate every this many updates (from 0). @defaultValue 50_000 */
  evalFreq?: number;
  /** Episodes per task and evaluation (0: none; tasks we do not have are never evaluated). @defaultValue 10 */
  evalEpisodes?: number;
  /** Replay entries held in memory. @defaultValue the config's bufferSize (1M) */
  bufferSize?: number;
  /** Bytes per read from the dataset files. @defaultValue 8 MiB */
  chunkBytes?: number;
  /** When the dataset exceeds the buffer: stream more episodes in every this many updates. @defaultValue 1000 */
  refillEvery?: number;
  /** ... this many at a time. @defaultValue 10 */
  refillEpisodes?: number;
  logger?: (event: OfflineEvent) => void;
}

export type OfflineEvent =
  | { type: 'start'; tasks: string[]; steps: number; episodes: number; entries: number; parameters: number; streaming: boolean; logDir: string }
  | ({ type: 'eval' } & MultitaskEval)
  | { type: 'done'; updates: number; elapsedSeconds: number; logDir: string };

export interface OfflineSummary {
  updates: number;
  evals: MultitaskEval[];
  elapsedSeconds: number;
  logDir: string;
  checkpoint: string;
}

export class OfflineTrainer {
  readonly options: Readonly<OfflineTrainerOptions>;
  readonly logDir: string;

  constructor(options: OfflineTrainerOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(`OfflineTrainer: expected an options object, got ${String(options)}`);
    if (typeof options.data !== 'string' || options.data === '') throw new TypeError(`OfflineTrainer: options.data: expected a dataset directory, got ${String(options.data)}`);
    for (const k of ['steps', 'seed', 'evalFreq', 'evalEpisodes', 'bufferSize', 'chunkBytes', 'refillEvery', 'refillEpisodes'] as const) {
      const v = options[k];
      const lo = k === 'seed' || k === 'evalEpisodes' ? 0 : 1;
      if (v !== undefined && (!Number.isSafeInteger(v) || v < lo)) throw new RangeError(`OfflineTrainer: options.${k}: expected an integer ≥ ${lo}, got ${String(v)}`);
    }
    this.options = Object.freeze({ ...options });
    this.logDir = resolve(options.logDir ?? join('runs', `offline-s${options.seed ?? 1}`));
  }

  async run(): Promise<OfflineSummary> {
    await loadMujoco();
    const o = this.options;
    const manifest = readManifest(o.data);
    const shapes = manifest.tasks;
    const multitask = shapes.length > 1;
    const seed = o.seed ?? 1;
    const owned: Array<{ close(): void } | { dispose(): void }> = [];
    try {
      const shape = multitaskShape(shapes);
      const agent = new TDMPC2({
        ...o.config,
        ...shape,
        ...(multitask && { tasks: shapes }),
        ...(o.steps !== undefined && { steps: o.steps }),
        seed,
        ...(o.modelSize !== undefined && { modelSize: o.modelSize }),
        ...(o.device !== undefined && { device: o.device }),
      });
      owned.push(agent);
      const cfg = agent.cfg;
      const steps = o.steps ?? cfg.steps;
      const evalFreq = o.evalFreq ?? cfg.evalFreq;
      const evalEpisodes = o.evalEpisodes ?? cfg.evalEpisodes;
      const capacity = o.bufferSize ?? cfg.bufferSize;
      const streaming = manifest.entries > capacity;
      const buffer = new ReplayBuffer({ capacity, obsDim: cfg.obsDim, actionDim: cfg.actionDim, horizon: cfg.horizon, batchSize: cfg.batchSize, seed, device: agent.device, multitask });
      owned.push(buffer);

      // The episode stream, restarting at the end of the dataset.
      let source = readEpisodes(o.data, { chunkBytes: o.chunkBytes });
      const next = async (): Promise<DatasetEpisode> => {
        let r = await source.next();
        if (r.done) {
          source = readEpisodes(o.data, { chunkBytes: o.chunkBytes });
          r = await source.next();
          if (r.done) throw new RangeError(`${o.data}: the dataset holds no episodes`);
        }
        return r.value;
      };
      const add = (ep: DatasetEpisode) => buffer.addEpisode(padEpisode(ep, cfg.obsDim, cfg.actionDim), multitask ? ep.task : -1);
      let loaded = 0;
      if (!streaming) {
        for await (const ep of readEpisodes(o.data, { chunkBytes: o.chunkBytes })) {
          add(ep);
          loaded += ep.reward.length;
        }
      } else {
        while (loaded < capacity) {
          const ep = await next();
          add(ep);
          loaded += ep.reward.length;
        }
      }
      if (buffer.numSampleable === 0) throw new RangeError(`${o.data}: no episode with at least ${cfg.horizon + 1} entries`);

      const known = new Set(listTasks());
      const evalEnvs: (DmcVectorEnv | null)[] = shapes.map((s, i) =>
        evalEpisodes > 0 && known.has(s.name) ? makeVectorEnv(s.name, evalEpisodes, { seed: seed + 10_000 + 100 * i }) : null,
      );
      for (const e of evalEnvs) if (e) owned.push(e);
      mkdirSync(this.logDir, { recursive: true });
      const evalLog = join(this.logDir, 'eval.jsonl');
      writeFileSync(join(this.logDir, 'config.json'), `${JSON.stringify({ tdmpc2: 'offline-run', options: { ...o, logger: undefined }, agent: agent.options, manifest }, null, 2)}\n`);
      writeFileSync(evalLog, '');
      const checkpoint = join(this.logDir, 'checkpoint.safetensors');
      o.logger?.({ type: 'start', tasks: shapes.map((s) => s.name), steps, episodes: manifest.episodes, entries: manifest.entries, parameters: agent.model.numParams, streaming, logDir: this.logDir });

      const evals: MultitaskEval[] = [];
      const evaluate = (step: number) => {
        if (!evalEnvs.some((e) => e)) return;
        const returns: Record<string, number> = {};
        shapes.forEach((s, i) => {
          const envs = evalEnvs[i];
          if (envs) returns[s.name] = evaluateTask(agent, envs, multitask ? i : null).mean;
        });
        const e: MultitaskEval = { step, returns, normalizedScore: normalizedScore(Object.values(returns)) };
        evals.push(e);
        appendFileSync(evalLog, `${JSON.stringify(e)}\n`);
        o.logger?.({ type: 'eval', ...e });
      };

      const started = Date.now();
      const refillEvery = o.refillEvery ?? 1000;
      const refillEpisodes = o.refillEpisodes ?? 10;
      for (let i = 0; i < steps; i++) {
        if (i % evalFreq === 0) evaluate(i);
        if (streaming && i > 0 && i % refillEvery === 0) for (let k = 0; k < refillEpisodes; k++) add(await next());
        const info = agent.update(buffer);
        if (!Number.isFinite(info.totalLoss)) throw new Error(`OfflineTrainer: the loss became ${info.totalLoss} at update ${i + 1}`);
      }
      evaluate(steps);
      await agent.save(checkpoint);
      const elapsedSeconds = (Date.now() - started) / 1000;
      o.logger?.({ type: 'done', updates: steps, elapsedSeconds, logDir: this.logDir });
      return { updates: steps, evals, elapsedSeconds, logDir: this.logDir, checkpoint };
    } finally {
      for (const c of owned.reverse()) 'close' in c ? c.close() : c.dispose();
    }
  }
}
