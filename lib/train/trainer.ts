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
import { makeVectorEnv } from '../envs/vector-env.js';
import type { Device } from '../nn/device.js';
import { RngStream } from '../nn/rng.js';
import { STREAMS } from '../model/world-model.js';
import { TrainingLoop } from './loop.js';
import type { CurvePoint } from './plot.js';
import { ReplayBuffer } from './replay-buffer.js';
import { RunFiles } from './run-files.js';
import { envStateFromJson, readReplay, type TrainerState } from './state.js';

/** Agent options the trainer sets itself (from the task and its own options). */
type TaskKeys = 'obsDim' | 'actionDim' | 'episodeLength';

/** Options of {@link Trainer}. Top-level options win over the same keys in `config`. */
export interface TrainerOptions {
  /** Task name (see `listTasks()`), e.g. `cartpole-swingup`. */
  task: string;
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


/** The serialisable options (what config.json keeps and `resume` reads back). */
function serialisable(o: TrainerOptions): Omit<TrainerOptions, 'logger' | 'signal'> {
  const { logger: _l, signal: _s, ...rest } = o;
  return rest;
}

export class Trainer {
  readonly options: Readonly<TrainerOptions>;
  readonly logDir: string;
  #resume: boolean;
  #agent: TDMPC2 | null = null;

  constructor(options: TrainerOptions, internal: { resume?: boolean } = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`Trainer: expected an options object, got ${String(options)}`);
    if (typeof options.task !== 'string' || options.task === '') throw new TypeError(`Trainer: options.task: expected a task name, got ${String(options.task)}`);
    for (const [k, lo] of [['steps', 1], ['seed', 0], ['saveEvery', 1], ['evalFreq', 1], ['evalEpisodes', 0], ['numEnvs', 1], ['seedSteps', 1], ['updateLogEvery', 1]] as const)
      if (options[k] !== undefined) checkCount(k, options[k], lo);
    if (options.logger !== undefined && typeof options.logger !== 'function') throw new TypeError('Trainer: options.logger: expected a function');
    this.options = Object.freeze({ ...options });
    this.logDir = resolve(options.logDir ?? join('runs', `${options.task}-s${options.seed ?? 1}`));
    this.#resume = internal.resume ?? false;
  }

  /**
   * A trainer that continues the run in `dir` from its checkpoint: the options come from its
   * config.json, with `overrides` on top (e.g. more `steps`, another `device`, a `logger`).
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
    if (!saved.options || typeof saved.options.task !== 'string') throw new RangeError(`${path}: corrupted run config (no options.task)`);
    return new Trainer({ ...saved.options, ...overrides, logDir: dir }, { resume: true });
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
    await loadMujoco();
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

  /** Environments, agent, buffer and files for a fresh run, or restored from the checkpoint. */
  async #setUp(cleanup: Array<{ dispose(): void } | { close(): void }>): Promise<TrainingLoop> {
    const o = this.options;
    const N = o.numEnvs ?? 1;
    const seed = o.seed ?? 1;
    const envs = makeVectorEnv(o.task, N, { seed });
    cleanup.push(envs);
    const O = envs.singleObservationSpace.shape[0]!;
    const A = envs.singleActionSpace.shape[0]!;
    const T = envs.maxEpisodeSteps;
    const files = new RunFiles(this.logDir, `${o.task}: evaluation return`);

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
      resumed = await readTrainerState(files.checkpoint, o.task, N, agent, { O, A, T });
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
    const evalEnvs = cfg.evalEpisodes > 0 ? makeVectorEnv(o.task, cfg.evalEpisodes, { seed: seed + EVAL_SEED_OFFSET }) : null;
    if (evalEnvs) cleanup.push(evalEnvs);
    const seedRng = new RngStream(cfg.seed, STREAMS.seedActions);
    const evalPoints: CurvePoint[] = [];
    const runConfig = { tdmpc2: 'run', task: o.task, options: serialisable({ ...o, logDir: undefined }), agent: agent.options, resolved: cfg, seedSteps };
    if (resumed) {
      await readReplay(join(this.logDir, resumed.replayFile), buffer, resumed.step);
      envs.setState(resumed.envStates.map((s) => envStateFromJson(s, files.checkpoint)));
      if (evalEnvs && resumed.evalEnvStates?.length === cfg.evalEpisodes)
        evalEnvs.setState(resumed.evalEnvStates.map((s) => envStateFromJson(s, files.checkpoint)));
      seedRng.restore(resumed.seedActionsRng);
      files.resume(resumed.step);
      files.writeConfig({ ...runConfig, resumedAt: resumed.step });
      evalPoints.push(...files.readEvalPoints());
    } else {
      files.start(runConfig);
    }
    this.#emit({
      type: 'start',
      task: o.task,
      steps: cfg.steps,
      numEnvs: N,
      seedSteps,
      parameters: agent.model.numParams,
      device: agent.device,
      logDir: this.logDir,
      resumedAt: resumed ? resumed.step : null,
    });
    return new TrainingLoop({
      task: o.task,
      agent,
      envs,
      evalEnvs,
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
