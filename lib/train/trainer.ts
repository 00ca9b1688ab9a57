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
import { makeVectorEnv, type VectorEnv } from '../envs/vector-env.js';
import type { Device } from '../nn/device.js';
import { RngStream } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { STREAMS } from '../model/world-model.js';
import { evaluateAgent } from './evaluate.js';
import type { CurvePoint } from './plot.js';
import { ReplayBuffer } from './replay-buffer.js';
import { RunFiles, type TrainRow } from './run-files.js';
import {
  envStateFromJson,
  envStateToJson,
  readReplay,
  removeOldReplays,
  replayFileName,
  writeReplay,
  type TrainerState,
} from './state.js';

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
const UPDATE_KEYS = ['consistencyLoss', 'rewardLoss', 'valueLoss', 'totalLoss', 'gradNorm', 'piLoss', 'piGradNorm', 'piEntropy', 'piScale'] as const;

function checkCount(name: string, v: unknown, lo: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo)
    throw new RangeError(`Trainer: options.${name}: expected an integer ≥ ${lo}, got ${String(v)}`);
  return v;
}

/** Whether a multiple of `every` lies in [from, from + n). */
const crosses = (from: number, n: number, every: number) => Math.floor((from + n - 1) / every) > Math.floor((from - 1) / every) || from === 0;

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
    const o = this.options;
    await loadMujoco();
    const numEnvs = o.numEnvs ?? 1;
    const seed = o.seed ?? 1;
    const envs = makeVectorEnv(o.task, numEnvs, { seed });
    const cleanup: Array<{ dispose?(): void; close?(): void }> = [envs];
    try {
      return await this.#train(envs, numEnvs, seed, cleanup);
    } finally {
      for (const c of cleanup.reverse()) (c.close ?? c.dispose)!.call(c);
    }
  }

  async #train(envs: VectorEnv, N: number, seed: number, cleanup: Array<{ dispose?(): void; close?(): void }>): Promise<TrainSummary> {
    const o = this.options;
    const O = envs.singleObservationSpace.shape[0]!;
    const A = envs.singleActionSpace.shape[0]!;
    const T = envs.maxEpisodeSteps;
    const files = new RunFiles(this.logDir, `${o.task}: evaluation return`);
    const agentOptions: TdMpc2Options = {
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
    };

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
      agent = new TDMPC2(agentOptions);
      cleanup.push(agent);
    }
    this.#agent = agent;
    const cfg = agent.cfg;
    const steps = cfg.steps;
    const seedSteps = resumed?.seedSteps ?? o.seedSteps ?? cfg.seedSteps;
    if (seedSteps < N * T)
      throw new RangeError(
        `Trainer: seedSteps ${seedSteps} is shorter than the first episodes (${N} × ${T} steps): updates need whole episodes in the buffer`,
      );
    const evalFreq = cfg.evalFreq;
    const evalEpisodes = cfg.evalEpisodes;
    const saveEvery = o.saveEvery ?? evalFreq;
    const updateLogEvery = o.updateLogEvery ?? 100;

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
    const evalEnvs = evalEpisodes > 0 ? makeVectorEnv(o.task, evalEpisodes, { seed: seed + EVAL_SEED_OFFSET }) : null;
    if (evalEnvs) cleanup.push(evalEnvs);
    const seedRng = new RngStream(cfg.seed, STREAMS.seedActions);
    const seedU = Tensor.zeros([N * A]);
    cleanup.push(seedU);

    let step = 0;
    let episode = 0;
    let updates = 0;
    let lastEvalStep = -1;
    let elapsedBefore = 0;
    const evalPoints: CurvePoint[] = [];
    const evals: { step: number; returnMean: number }[] = [];
    const runConfig = { tdmpc2: 'run', task: o.task, options: serialisable({ ...o, logDir: undefined }), agent: agent.options, resolved: cfg, seedSteps };
    if (resumed) {
      await readReplay(join(this.logDir, resumed.replayFile), buffer, resumed.step);
      envs.setState(resumed.envStates.map((s) => envStateFromJson(s, files.checkpoint)));
      if (evalEnvs && resumed.evalEnvStates && resumed.evalEnvStates.length === evalEpisodes)
        evalEnvs.setState(resumed.evalEnvStates.map((s) => envStateFromJson(s, files.checkpoint)));
      seedRng.restore(resumed.seedActionsRng);
      ({ step, episode, updates, lastEvalStep } = resumed);
      elapsedBefore = resumed.elapsed;
      files.resume(step);
      files.writeConfig({ ...runConfig, resumedAt: step });
      for (const p of files.readEvalPoints()) {
        evalPoints.push(p);
        evals.push({ step: p.x, returnMean: p.y });
      }
    } else {
      files.start(runConfig);
    }
    this.#emit({ type: 'start', task: o.task, steps, numEnvs: N, seedSteps, parameters: agent.model.numParams, device: agent.device, logDir: this.logDir, resumedAt: resumed ? step : null });

    // Per-copy episode staging (entry 0: first observation, NaN action and reward).
    const epObs = Array.from({ length: N }, () => new Float32Array((T + 1) * O));
    const epAct = Array.from({ length: N }, () => new Float32Array((T + 1) * A));
    const epRew = Array.from({ length: N }, () => new Float32Array(T + 1));
    const epReturn = new Float64Array(N);
    let epLen = 0;
    let obs: Float32Array = new Float32Array(N * O);
    const actions = new Float32Array(N * A);
    const firstSteps = new Array<boolean>(N).fill(false);
    const lossSum: Record<string, number> = {};
    let lossCount = 0;
    let lastReturn: number | null = null;

    const t0 = performance.now();
    const elapsed = () => elapsedBefore + (performance.now() - t0) / 1000;
    const startStep = step;
    let lastProgress = performance.now();
    let lastYield = performance.now();
    let rateStep = step;
    let rateTime = performance.now();
    let rate = 0;
    const progress = (phase: 'seeding' | 'pretraining' | 'training', extra: { pretrained?: number; pretrainTotal?: number } = {}) => {
      const now = performance.now();
      if (now - lastProgress < 1000) return;
      lastProgress = now;
      if (now - rateTime > 5000) {
        rate = (step - rateStep) / ((now - rateTime) / 1000);
        rateStep = step;
        rateTime = now;
      }
      const sps = rate || (step - startStep) / Math.max((now - t0) / 1000, 1e-9);
      this.#emit({ type: 'progress', phase, step, steps, episode, updates, stepsPerSecond: sps, etaSeconds: sps > 0 ? (steps - step) / sps : Infinity, lastReturn, ...extra });
    };
    const pause = async () => {
      // Let timers and signal handlers run (a long burst would otherwise hold the event loop).
      if (performance.now() - lastYield < 200) return;
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    };

    const evaluate = (): void => {
      const r = evaluateAgent(agent, evalEnvs!);
      lastEvalStep = step;
      const row = { step, episode, return_mean: r.mean, return_min: r.min, return_max: r.max, length_mean: r.length, episodes: evalEpisodes, elapsed_s: elapsed() };
      files.appendEval(row);
      files.appendMetrics({ type: 'eval', ...row });
      evalPoints.push({ x: step, y: r.mean, lo: r.min, hi: r.max });
      evals.push({ step, returnMean: r.mean });
      this.#emit({ type: 'eval', step, episode, returnMean: r.mean, returnMin: r.min, returnMax: r.max, lengthMean: r.length, episodes: evalEpisodes });
    };

    const save = async (): Promise<void> => {
      const replayFile = replayFileName(step);
      await writeReplay(join(this.logDir, replayFile), buffer, step);
      const state: TrainerState = {
        task: o.task,
        step,
        episode,
        updates,
        numEnvs: N,
        seedSteps,
        replayFile,
        seedActionsRng: seedRng.state(),
        envStates: envs.getState().map(envStateToJson),
        evalEnvStates: evalEnvs ? evalEnvs.getState().map(envStateToJson) : null,
        lastEvalStep,
        elapsed: elapsed(),
      };
      await agent.save(files.checkpoint, { training: true, extra: { trainer: state } });
      await removeOldReplays(this.logDir, replayFile);
      this.#emit({ type: 'checkpoint', step, path: files.checkpoint });
    };

    let evalDue = false;
    let saveDue = false;
    let boundary = true; // an episode boundary: the top of the loop resets the copies
    let skipBoundaryWork = resumed !== null; // the checkpoint was taken after this boundary's work
    for (;;) {
      if (!skipBoundaryWork) {
        if (crosses(step, N, evalFreq)) evalDue = true;
        if (step > 0 && crosses(step, N, saveEvery)) saveDue = true;
      }
      if (boundary) {
        if (!skipBoundaryWork) {
          if (evalDue && evalEnvs) evaluate();
          evalDue = false;
          if (step > 0) {
            const losses = lossCount > 0 ? (Object.fromEntries(UPDATE_KEYS.map((k) => [k, lossSum[k]! / lossCount])) as LossAverages) : null;
            const sps = (step - startStep) / Math.max(elapsed() - elapsedBefore, 1e-9);
            for (let i = 0; i < N; i++) {
              buffer.addEpisode({ obs: epObs[i]!.subarray(0, epLen * O), action: epAct[i]!.subarray(0, epLen * A), reward: epRew[i]!.subarray(0, epLen) });
              episode += 1;
              lastReturn = epReturn[i]!;
              const row: TrainRow = {
                step,
                episode,
                return: epReturn[i]!,
                length: epLen - 1,
                steps_per_s: sps,
                elapsed_s: elapsed(),
                updates: lossCount,
                consistency_loss: losses?.consistencyLoss ?? null,
                reward_loss: losses?.rewardLoss ?? null,
                value_loss: losses?.valueLoss ?? null,
                total_loss: losses?.totalLoss ?? null,
                grad_norm: losses?.gradNorm ?? null,
                pi_loss: losses?.piLoss ?? null,
                pi_grad_norm: losses?.piGradNorm ?? null,
                pi_entropy: losses?.piEntropy ?? null,
                pi_scale: losses?.piScale ?? null,
              };
              files.appendTrain(row);
              files.appendMetrics({ type: 'episode', ...row });
              this.#emit({ type: 'episode', step, episode, return: epReturn[i]!, length: epLen - 1, stepsPerSecond: sps, losses });
            }
            for (const k of UPDATE_KEYS) lossSum[k] = 0;
            lossCount = 0;
          }
          const final = step >= steps;
          if (final && evalEnvs && lastEvalStep !== step) evaluate();
          if (evalPoints.length && (lastEvalStep === step || final)) await files.writeCurves(evalPoints, `${o.task} (seed ${cfg.seed})`);
          if (saveDue || final || o.signal?.aborted) {
            await save();
            saveDue = false;
          }
          if (final || o.signal?.aborted) break;
        }
        skipBoundaryWork = false;
        const first = envs.reset();
        obs = first.obs;
        for (let i = 0; i < N; i++) {
          epObs[i]!.set(obs.subarray(i * O, (i + 1) * O), 0);
          epAct[i]!.fill(NaN, 0, A);
          epRew[i]![0] = NaN;
          epReturn[i] = 0;
          firstSteps[i] = true;
        }
        epLen = 1;
        boundary = false;
        await new Promise((r) => setImmediate(r));
      }

      // Collect experience
      if (step > seedSteps) {
        actions.set(agent.actBatch(obs, firstSteps));
      } else {
        const u = seedRng.uniform(seedU).toArray();
        for (let k = 0; k < N * A; k++) actions[k] = 2 * u[k]! - 1;
      }
      const out = envs.step(actions);
      obs = out.obs;
      let ended = 0;
      for (let i = 0; i < N; i++) {
        if (out.terminated[i]) throw new Error(`${o.task}: the environment reported a termination, which non-episodic training does not support (HEAD raises too)`);
        epObs[i]!.set(obs.subarray(i * O, (i + 1) * O), epLen * O);
        epAct[i]!.set(actions.subarray(i * A, (i + 1) * A), epLen * A);
        epRew[i]![epLen] = out.rewards[i]!;
        epReturn[i] += out.rewards[i]!;
        firstSteps[i] = false;
        ended += out.truncated[i]!;
      }
      epLen += 1;
      if (ended !== 0 && ended !== N) throw new Error(`${o.task}: environment copies ended their episodes at different steps; the trainer needs them in lockstep`);
      boundary = ended === N;

      // Update agent: one update per environment step from seedSteps on; the burst at seedSteps.
      for (let s = step; s < step + N; s++) {
        if (s < seedSteps) continue;
        const n = s === seedSteps ? seedSteps : 1;
        for (let k = 0; k < n; k++) {
          const info = agent.update(buffer);
          updates += 1;
          for (const key of UPDATE_KEYS) lossSum[key] = (lossSum[key] ?? 0) + info[key];
          lossCount += 1;
          if (updates % updateLogEvery === 0) files.appendMetrics({ type: 'update', step: s, update: updates, ...info });
          if (n > 1) {
            progress('pretraining', { pretrained: k + 1, pretrainTotal: n });
            await pause();
          }
        }
      }
      step += N;
      progress(step <= seedSteps ? 'seeding' : 'training');
      await pause();
    }

    const summary: TrainSummary = {
      step,
      episode,
      updates,
      elapsedSeconds: elapsed(),
      finalEval: evals.length ? evals[evals.length - 1]!.returnMean : null,
      evals,
      logDir: this.logDir,
    };
    this.#emit({ type: 'done', ...summary });
    this.#agent = null;
    return summary;
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
