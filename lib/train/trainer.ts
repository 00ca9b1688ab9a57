// Online single-task training (SPEC §10.2 and §12; official trainer/online_trainer.py): a seeding
// phase of uniform random actions, a one-off burst of `seedSteps` updates when the seeding phase
// ends, then one update per environment step; evaluation at the episode boundary after every
// `evalFreq` steps; logs, learning curve and checkpoints in the run directory.
//
// Counting with N environment copies (numEnvs): the copies step together (one batched actBatch per
// vector step), and every count is in environment steps summed over the copies, as HEAD counts
// with one env. A vector step covers the steps [step, step + N); each of them with index ≥
// seedSteps earns its update (index == seedSteps: the burst), so the update-to-data ratio stays 1
// per environment step. A vector step acts randomly when its first index is ≤ seedSteps. The DMC
// tasks have fixed-length episodes, so the copies reach their episode boundaries together.
//
// Deliberate differences from HEAD, all at the edges of the run:
// - HEAD's loop (`while step <= steps`) takes one more env step and update after the last eval,
//   never logged; we stop at the first episode boundary at or after `steps` (so a run is whole
//   episodes), run a final evaluation there if none ran at that step, and save.
// - Evaluation uses its own environment copies (seeds seed + 10000 + i), not the training env, so
//   evaluating never changes the training data and a resumed run continues exactly.
// - Checkpoints are taken at episode boundaries (the first after every `saveEvery` steps, and at
//   the end). With the replay buffer, the environments' random streams and every RNG position, a
//   resumed run continues exactly as the uninterrupted one would (tested).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { TDMPC2 } from '../agent/agent.js';
import { readCheckpoint } from '../agent/checkpoint.js';
import type { UpdateInfo } from '../agent/update.js';
import type { ModelSize, TdMpc2Options } from '../config.js';
import { loadMujoco } from '../envs/mujoco.js';
import type { Env, EnvFactory, VectorEnv } from '../envs/types.js';
import { checkEnv, checkVectorEnv, envName, isVectorEnv, SyncVectorEnv } from '../envs/user-env.js';
import { makeVectorEnv } from '../envs/vector-env.js';
import { DatasetWriter } from '../io/dataset.js';
import type { Device } from '../nn/device.js';
import { RngStream } from '../nn/rng.js';
import { STREAMS } from '../model/world-model.js';
import { TrainingLoop } from './loop.js';
import type { CurvePoint } from './plot.js';
import { ReplayBuffer } from './replay-buffer.js';
import { RunFiles } from './run-files.js';
import { envStateFormat, readReplay, restoreEnvStates, type TrainerState } from './state.js';

/** Agent options the trainer sets itself (from the task and its own options). */
type TaskKeys = 'obsDim' | 'actionDim' | 'episodeLength';

/** Where training episodes come from: your env object, a vector env, or a factory of env copies. */
export type EnvSource = Env | VectorEnv | EnvFactory;

/**
 * Options of {@link Trainer}: a built-in `task` or your own `env` (exactly one). Top-level options
 * win over the same keys in `config`.
 */
export interface TrainerOptions {
  /** Built-in task name (see `listTasks()`), e.g. `cartpole-swingup`. */
  task?: string;
  /**
   * Your environment instead of a built-in task (see {@link Env} for the contract): one
   * {@link Env} object (numEnvs must be 1), a {@link VectorEnv}, or a factory `(index) => Env`
   * that makes `numEnvs` training copies (and the evaluation copies). The trainer seeds each copy
   * at its first reset (`seed + i`), and closes the envs it made from a factory.
   */
  env?: EnvSource;
  /**
   * The evaluation environment when `env` is given: an {@link Env} (runs `evalEpisodes` episodes
   * in turn), a {@link VectorEnv} (one episode per copy) or a factory (`evalEpisodes` copies made
   * with indices 10000 + i). @defaultValue `env` itself when it is an object, else the factory
   */
  evalEnv?: EnvSource;
  /** Environment steps to train for; training stops at the first episode boundary at or after it. @defaultValue 10_000_000 (SPEC §2) */
  steps?: number;
  /** Seed of the agent, the replay sampling and the environments (copy i: seed + i). @defaultValue 1 */
  seed?: number;
  /** @defaultValue 5 */
  modelSize?: ModelSize;
  /** @defaultValue 'auto' */
  device?: 'auto' | Device;
  /** Run directory for logs, curve and checkpoints. @defaultValue `runs/<task>-s<seed>` */
  logDir?: string;
  /** Any agent config override (SPEC §2 keys, camelCase), e.g. `{ mpc: false, batchSize: 64 }`. */
  config?: Partial<Omit<TdMpc2Options, TaskKeys>>;
  /** Checkpoint at the first episode boundary after every this many steps (and at the end). @defaultValue evalFreq */
  saveEvery?: number;
  /** Evaluate at the first episode boundary after every this many steps (and at step 0). @defaultValue 50_000 (SPEC §12) */
  evalFreq?: number;
  /** Episodes per evaluation (run as that many environment copies, batched). @defaultValue 10 */
  evalEpisodes?: number;
  /** Environment copies stepped together. @defaultValue 1 */
  numEnvs?: number;
  /** Steps of uniform random actions before updates start (then a burst of as many updates). @defaultValue max(1000, 5·T) */
  seedSteps?: number;
  /** Write an update record to metrics.jsonl every this many updates. @defaultValue 100 */
  updateLogEvery?: number;
  /** Also write every episode to this dataset directory (docs/datasets.md), for offline training. */
  saveDataset?: string;
  /** Receives progress, episode, eval and checkpoint events (the library never prints). */
  logger?: (event: TrainerEvent) => void;
  /** Stops training at the next episode boundary, after a checkpoint. */
  signal?: AbortSignal;
}

/** Loss averages over an episode's updates (null when it had none). */
export type LossAverages = { [K in keyof UpdateInfo]: number } | null;

/** What the trainer reports through `logger`. */
export type TrainerEvent =
  | { type: 'start'; task: string; steps: number; numEnvs: number; seedSteps: number; parameters: number; device: string; logDir: string; resumedAt: number | null }
  | { type: 'progress'; phase: 'seeding' | 'pretraining' | 'training'; step: number; steps: number; episode: number; updates: number; stepsPerSecond: number; etaSeconds: number; lastReturn: number | null; pretrained?: number; pretrainTotal?: number }
  | { type: 'episode'; step: number; episode: number; return: number; length: number; stepsPerSecond: number; losses: LossAverages }
  | { type: 'eval'; step: number; episode: number; returnMean: number; returnMin: number; returnMax: number; lengthMean: number; episodes: number }
  | { type: 'checkpoint'; step: number; path: string }
  | { type: 'done'; step: number; episode: number; updates: number; elapsedSeconds: number; finalEval: number | null; logDir: string };

/** What {@link Trainer.run} returns. */
export interface TrainSummary {
  step: number;
  episode: number;
  updates: number;
  elapsedSeconds: number;
  /** Mean return of the last evaluation (null when evalEpisodes is 0). */
  finalEval: number | null;
  evals: { step: number; returnMean: number }[];
  logDir: string;
}

const EVAL_SEED_OFFSET = 10_000;

function checkCount(name: string, v: unknown, lo: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo)
    throw new RangeError(`Trainer: options.${name}: expected an integer ≥ ${lo}, got ${String(v)}`);
  return v;
}


/** The serialisable options (what config.json keeps and `resume` reads back; a user env only by name). */
function serialisable(o: TrainerOptions): Omit<TrainerOptions, 'logger' | 'signal' | 'env' | 'evalEnv'> & { envName?: string } {
  const { logger: _l, signal: _s, env, evalEnv: _e, ...rest } = o;
  return env === undefined ? rest : { ...rest, envName: sourceName(env) };
}

/** The name of an env source for logs and the run directory. */
function sourceName(src: EnvSource): string {
  return typeof src === 'function' ? (src.name !== '' ? src.name : 'env') : envName(src);
}

export class Trainer {
  readonly options: Readonly<TrainerOptions>;
  readonly logDir: string;
  #resume: boolean;
  #agent: TDMPC2 | null = null;

  constructor(options: TrainerOptions, internal: { resume?: boolean } = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`Trainer: expected an options object, got ${String(options)}`);
    if ((options.task === undefined) === (options.env === undefined))
      throw new TypeError('Trainer: expected exactly one of options.task (a built-in task name) and options.env (your Env, VectorEnv or env factory)');
    if (options.task !== undefined && (typeof options.task !== 'string' || options.task === ''))
      throw new TypeError(`Trainer: options.task: expected a task name, got ${String(options.task)}`);
    for (const k of ['env', 'evalEnv'] as const) {
      const v = options[k];
      if (v !== undefined && typeof v !== 'function' && (v === null || typeof v !== 'object'))
        throw new TypeError(`Trainer: options.${k}: expected an Env, a VectorEnv or a factory (index) => Env, got ${String(v)}`);
    }
    if (options.evalEnv !== undefined && options.env === undefined) throw new TypeError('Trainer: options.evalEnv needs options.env (built-in tasks make their own evaluation copies)');
    for (const [k, lo] of [['steps', 1], ['seed', 0], ['saveEvery', 1], ['evalFreq', 1], ['evalEpisodes', 0], ['numEnvs', 1], ['seedSteps', 1], ['updateLogEvery', 1]] as const)
      if (options[k] !== undefined) checkCount(k, options[k], lo);
    if (options.logger !== undefined && typeof options.logger !== 'function') throw new TypeError('Trainer: options.logger: expected a function');
    this.options = Object.freeze({ ...options });
    this.logDir = resolve(options.logDir ?? join('runs', `${this.name}-s${options.seed ?? 1}`));
    this.#resume = internal.resume ?? false;
  }

  /** The task name, or your env's name. */
  get name(): string {
    return this.options.task ?? sourceName(this.options.env!);
  }

  /**
   * A trainer that continues the run in `dir` from its checkpoint: the options come from its
   * config.json, with `overrides` on top (e.g. more `steps`, another `device`, a `logger`). A run
   * on your own env needs it again: `Trainer.resume(dir, { env })`.
   */
  static resume(dir: string, overrides: Partial<TrainerOptions> = {}): Trainer {
    const path = join(dir, 'config.json');
    let saved: { options?: TrainerOptions };
    try {
      saved = JSON.parse(readFileSync(path, 'utf8')) as { options?: TrainerOptions };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`${path}: cannot resume (${code ?? `corrupted JSON: ${(e as Error).message}`}); is ${dir} a training run directory?`);
    }
    const o = saved.options as (TrainerOptions & { envName?: string }) | undefined;
    if (!o || (typeof o.task !== 'string' && typeof o.envName !== 'string')) throw new RangeError(`${path}: corrupted run config (no options.task)`);
    if (o.envName !== undefined && overrides.env === undefined)
      throw new TypeError(`${path}: the run trained on your env '${o.envName}'; pass it again: Trainer.resume(dir, { env })`);
    const { envName: _n, ...rest } = o;
    return new Trainer({ ...rest, ...overrides, logDir: dir }, { resume: true });
  }

  /** The agent being trained (after run() started). */
  get agent(): TDMPC2 | null {
    return this.#agent;
  }

  #emit(event: TrainerEvent): void {
    this.options.logger?.(event);
  }

  /** Trains; resolves when training is done (or stopped by `signal`). */
  async run(): Promise<TrainSummary> {
    if (this.options.task !== undefined) await loadMujoco();
    const cleanup: Array<{ dispose(): void } | { close(): void }> = [];
    try {
      const loop = await this.#setUp(cleanup);
      const summary = await loop.run();
      this.#emit({ type: 'done', ...summary });
      return summary;
    } finally {
      for (const c of cleanup.reverse()) 'close' in c ? c.close() : c.dispose();
      this.#agent = null;
    }
  }

  /** The training copies: the built-in task's, or yours (checked against the Env contract). */
  #trainingEnvs(N: number, seed: number, cleanup: Array<{ dispose(): void } | { close(): void }>): VectorEnv {
    const o = this.options;
    if (o.task !== undefined) {
      const envs = makeVectorEnv(o.task, N, { seed });
      cleanup.push(envs);
      return envs;
    }
    const src = o.env!;
    if (typeof src === 'function') {
      const envs = SyncVectorEnv.fromFactory(src, N);
      cleanup.push(envs);
      return envs;
    }
    if (isVectorEnv(src)) {
      const d = checkVectorEnv(src, 'Trainer: options.env');
      if (o.numEnvs !== undefined && o.numEnvs !== d.numEnvs)
        throw new RangeError(`Trainer: options.numEnvs ${o.numEnvs} differs from the vector env's numEnvs ${d.numEnvs}`);
      return src;
    }
    if (N !== 1) throw new RangeError(`Trainer: options.numEnvs ${N} needs N env copies: pass a factory (index) => Env as options.env, not one Env object`);
    return new SyncVectorEnv([src]);
  }

  /** The evaluation envs: the built-in task's copies, or options.evalEnv / env (see TrainerOptions). */
  #evalEnvs(episodes: number, seed: number, cleanup: Array<{ dispose(): void } | { close(): void }>): Env | VectorEnv {
    const o = this.options;
    if (o.task !== undefined) {
      const envs = makeVectorEnv(o.task, episodes, { seed });
      cleanup.push(envs);
      return envs;
    }
    const src = o.evalEnv ?? o.env!;
    if (typeof src !== 'function') return src;
    const envs = SyncVectorEnv.fromFactory((i) => src(EVAL_SEED_OFFSET + i), episodes);
    cleanup.push(envs);
    envs.reset({ seed }); // seeds copy i with seed + i once; later evaluations continue the streams
    return envs;
  }

  /** Environments, agent, buffer and files for a fresh run, or restored from the checkpoint. */
  async #setUp(cleanup: Array<{ dispose(): void } | { close(): void }>): Promise<TrainingLoop> {
    const o = this.options;
    const N = o.numEnvs ?? (o.env !== undefined && typeof o.env === 'object' && isVectorEnv(o.env) ? o.env.numEnvs : 1);
    const seed = o.seed ?? 1;
    const name = this.name;
    const envs = this.#trainingEnvs(N, seed, cleanup);
    const O = envs.singleObservationSpace.shape[0]!;
    const A = envs.singleActionSpace.shape[0]!;
    const T = envs.maxEpisodeSteps;
    const files = new RunFiles(this.logDir, `${name}: evaluation return`);

    // The agent: fresh, or the checkpoint's with its training state.
    let resumed: TrainerState | null = null;
    let agent: TDMPC2;
    if (this.#resume) {
      // Only `steps` (more training) and `device` may differ from the checkpoint's options.
      const overrides: Partial<TdMpc2Options> = {};
      if (o.steps !== undefined) overrides.steps = o.steps;
      if (o.device !== undefined) overrides.device = o.device;
      agent = await TDMPC2.load(files.checkpoint, overrides).catch((e: Error) => {
        throw new Error(e.message.startsWith(files.checkpoint) ? e.message : `${files.checkpoint}: ${e.message}`);
      });
      cleanup.push(agent);
      resumed = await readTrainerState(files.checkpoint, name, N, agent, { O, A, T });
      if (resumed.step >= agent.cfg.steps)
        throw new RangeError(`${files.checkpoint}: the run already reached step ${resumed.step} of ${agent.cfg.steps}; resume with more steps to continue`);
    } else {
      if (existsSync(files.checkpoint))
        throw new Error(`${this.logDir} already holds a training run (checkpoint.safetensors): resume it, or choose another log directory`);
      agent = new TDMPC2({
        ...o.config,
        obsDim: O,
        actionDim: A,
        episodeLength: T,
        ...(o.steps !== undefined && { steps: o.steps }),
        ...(o.seed !== undefined && { seed: o.seed }),
        ...(o.modelSize !== undefined && { modelSize: o.modelSize }),
        ...(o.device !== undefined && { device: o.device }),
        ...(o.evalFreq !== undefined && { evalFreq: o.evalFreq }),
        ...(o.evalEpisodes !== undefined && { evalEpisodes: o.evalEpisodes }),
      });
      cleanup.push(agent);
    }
    this.#agent = agent;
    const cfg = agent.cfg;
    const seedSteps = resumed?.seedSteps ?? o.seedSteps ?? cfg.seedSteps;
    if (seedSteps < N * T)
      throw new RangeError(`Trainer: seedSteps ${seedSteps} is shorter than the first episodes (${N} × ${T} steps): updates need whole episodes in the buffer`);

    const buffer = new ReplayBuffer({
      capacity: cfg.bufferCapacity,
      obsDim: O,
      actionDim: A,
      horizon: cfg.horizon,
      batchSize: cfg.batchSize,
      seed: cfg.seed,
      device: agent.device,
    });
    cleanup.push(buffer);
    if (o.saveDataset) {
      const writer = new DatasetWriter(o.saveDataset, [{ name, obsDim: O, actionDim: A, episodeLength: T }]);
      buffer.onEpisode = (ep) => writer.add(ep, 0);
      cleanup.push({ close: () => writer.close() });
    }
    const evalEnvs = cfg.evalEpisodes > 0 ? this.#evalEnvs(cfg.evalEpisodes, seed + EVAL_SEED_OFFSET, cleanup) : null;
    if (evalEnvs && o.env !== undefined) {
      const d = isVectorEnv(evalEnvs) ? checkVectorEnv(evalEnvs, 'Trainer: options.evalEnv') : checkEnv(evalEnvs, 'Trainer: options.evalEnv');
      if (d.obsDim !== O || d.actionDim !== A)
        throw new RangeError(`Trainer: options.evalEnv has obsDim ${d.obsDim} and actionDim ${d.actionDim}, the training env ${O} and ${A}`);
    }
    const stateFormat = envStateFormat(envs);
    const seedRng = new RngStream(cfg.seed, STREAMS.seedActions);
    const evalPoints: CurvePoint[] = [];
    const runConfig = { tdmpc2: 'run', task: name, options: serialisable({ ...o, logDir: undefined }), agent: agent.options, resolved: cfg, seedSteps };
    if (resumed) {
      await readReplay(join(this.logDir, resumed.replayFile), buffer, resumed.step);
      restoreEnvStates(envs, resumed.envStates, resumed.envStateFormat ?? 'dmc', files.checkpoint);
      if (evalEnvs && isVectorEnv(evalEnvs) && resumed.evalEnvStates?.length === evalEnvs.numEnvs)
        restoreEnvStates(evalEnvs, resumed.evalEnvStates, envStateFormat(evalEnvs), files.checkpoint);
      seedRng.restore(resumed.seedActionsRng);
      files.resume(resumed.step);
      files.writeConfig({ ...runConfig, resumedAt: resumed.step });
      evalPoints.push(...files.readEvalPoints());
    } else {
      files.start(runConfig);
    }
    this.#emit({
      type: 'start',
      task: name,
      steps: cfg.steps,
      numEnvs: N,
      seedSteps,
      parameters: agent.model.numParams,
      device: agent.device,
      logDir: this.logDir,
      resumedAt: resumed ? resumed.step : null,
    });
    return new TrainingLoop({
      task: name,
      agent,
      envs,
      evalEnvs,
      evalEpisodes: cfg.evalEpisodes,
      envStateFormat: stateFormat,
      // Built-in copies are seeded when made; yours at their first reset (a resumed run continues).
      firstResetSeed: o.env !== undefined && !resumed ? seed : null,
      buffer,
      files,
      seedRng,
      steps: cfg.steps,
      seedSteps,
      evalFreq: cfg.evalFreq,
      saveEvery: o.saveEvery ?? cfg.evalFreq,
      updateLogEvery: o.updateLogEvery ?? 100,
      emit: (e) => this.#emit(e),
      signal: o.signal,
      resumed,
      evalPoints,
    });
  }
}

/** Reads and checks the trainer state of a training checkpoint against this run. */
async function readTrainerState(
  path: string,
  task: string,
  numEnvs: number,
  agent: TDMPC2,
  dims: { O: number; A: number; T: number },
): Promise<TrainerState> {
  const c = await readCheckpoint(path);
  if (!c.training) throw new RangeError(`${path}: not a training checkpoint (no optimiser state); it can be evaluated but not resumed`);
  const s = c.extra.trainer as TrainerState | undefined;
  if (!s || typeof s !== 'object' || !Number.isSafeInteger(s.step)) throw new RangeError(`${path}: no trainer state in the checkpoint (saved by agent.save, not by the trainer?)`);
  if (s.task !== task) throw new RangeError(`${path}: the checkpoint was trained on ${s.task}, not ${task}`);
  if (s.numEnvs !== numEnvs) throw new RangeError(`${path}: the checkpoint was trained with numEnvs ${s.numEnvs}, not ${numEnvs}`);
  const cfg = agent.cfg;
  for (const [k, v] of [['obsDim', dims.O], ['actionDim', dims.A], ['episodeLength', dims.T]] as const)
    if (cfg[k] !== v) throw new RangeError(`${path}: the checkpoint's ${k} is ${cfg[k]}, but ${task} has ${v}`);
  return s;
}
