// The online training loop itself (SPEC §10.2, official trainer/online_trainer.py `train`), on
// objects the Trainer has set up: N environment copies in lockstep, the agent, the replay buffer,
// the evaluation copies and the run files. Top to bottom as HEAD reads: evaluate when due at an
// episode boundary, log and store the finished episodes, reset; act (uniformly at random through
// the seeding phase), step, record; update (the burst at seedSteps, then one per env step).
import type { TDMPC2 } from '../agent/agent.js';
import type { Env, VectorEnv } from '../envs/types.js';
import { isVectorEnv } from '../envs/user-env.js';
import type { RngStream } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { evaluateAgent } from './evaluate.js';
import type { CurvePoint } from './plot.js';
import type { ReplayBuffer } from './replay-buffer.js';
import type { RunFiles, TrainRow } from './run-files.js';
import { envStateFormat, removeOldReplays, replayFileName, saveEnvStates, writeReplay, type EnvStateFormat, type TrainerState } from './state.js';
import type { LossAverages, TrainerEvent, TrainSummary } from './trainer.js';

/** Everything the loop runs on, prepared (and restored, when resuming) by the Trainer. */
export interface LoopSetup {
  /** The task or env name (logs, errors, checkpoints). */
  task: string;
  agent: TDMPC2;
  envs: VectorEnv;
  /** Evaluation: a vector env runs one episode per copy, a single env `evalEpisodes` in turn. */
  evalEnvs: Env | VectorEnv | null;
  evalEpisodes: number;
  /** How the envs' states are checkpointed. */
  envStateFormat: EnvStateFormat;
  /** Seed of the first reset (copy i: seed + i) for envs not seeded at construction; null: unseeded reset. */
  firstResetSeed: number | null;
  buffer: ReplayBuffer;
  files: RunFiles;
  seedRng: RngStream;
  steps: number;
  seedSteps: number;
  evalFreq: number;
  saveEvery: number;
  updateLogEvery: number;
  emit: (e: TrainerEvent) => void;
  signal: AbortSignal | undefined;
  /** Counters of the checkpoint resumed from (null: a fresh run). */
  resumed: TrainerState | null;
  /** Eval points logged before this process (a resumed run's curve). */
  evalPoints: CurvePoint[];
}

const UPDATE_KEYS = ['consistencyLoss', 'rewardLoss', 'valueLoss', 'totalLoss', 'gradNorm', 'piLoss', 'piGradNorm', 'piEntropy', 'piScale'] as const;

/** Observations as a Float32Array (the DMC envs return one; a user env's vector env may not). */
const asFloat32 = (x: ArrayLike<number>): Float32Array => (x instanceof Float32Array ? x : Float32Array.from(x));

/** Whether a multiple of `every` lies in the steps [from, from + n). */
const crosses = (from: number, n: number, every: number) => Math.floor((from + n - 1) / every) > Math.floor((from - 1) / every);

export class TrainingLoop {
  readonly #s: LoopSetup;
  readonly #N: number;
  readonly #O: number;
  readonly #A: number;
  // Counters (checkpointed).
  #step = 0;
  #episode = 0;
  #updates = 0;
  #lastEvalStep = -1;
  // The episodes in progress, one per copy (entry 0: first observation, NaN action and reward).
  readonly #epObs: Float32Array[];
  readonly #epAct: Float32Array[];
  readonly #epRew: Float32Array[];
  readonly #epReturn: Float64Array;
  #epLen = 0;
  #obs: Float32Array;
  readonly #actions: Float32Array;
  readonly #firstSteps: boolean[];
  readonly #seedU: Tensor;
  // Loss sums over the current episode's updates.
  readonly #lossSum = Object.fromEntries(UPDATE_KEYS.map((k) => [k, 0])) as Record<(typeof UPDATE_KEYS)[number], number>;
  #lossCount = 0;
  #lastReturn: number | null = null;
  // Timing.
  readonly #t0 = performance.now();
  readonly #elapsedBefore: number;
  readonly #startStep: number;
  #lastProgress = performance.now();
  #lastYield = performance.now();
  #rate = { step: 0, time: performance.now(), value: 0 };

  constructor(setup: LoopSetup) {
    this.#s = setup;
    const { envs, resumed } = setup;
    const N = (this.#N = envs.numEnvs);
    const O = (this.#O = envs.singleObservationSpace.shape[0]!);
    const A = (this.#A = envs.singleActionSpace.shape[0]!);
    const T = envs.maxEpisodeSteps;
    this.#epObs = Array.from({ length: N }, () => new Float32Array((T + 1) * O));
    this.#epAct = Array.from({ length: N }, () => new Float32Array((T + 1) * A));
    this.#epRew = Array.from({ length: N }, () => new Float32Array(T + 1));
    this.#epReturn = new Float64Array(N);
    this.#obs = new Float32Array(N * O);
    this.#actions = new Float32Array(N * A);
    this.#firstSteps = new Array<boolean>(N).fill(false);
    this.#seedU = Tensor.zeros([N * A]);
    if (resumed) {
      this.#step = resumed.step;
      this.#episode = resumed.episode;
      this.#updates = resumed.updates;
      this.#lastEvalStep = resumed.lastEvalStep;
    }
    this.#elapsedBefore = resumed?.elapsed ?? 0;
    this.#startStep = this.#step;
    this.#rate.step = this.#step;
  }

  #elapsed(): number {
    return this.#elapsedBefore + (performance.now() - this.#t0) / 1000;
  }

  async run(): Promise<TrainSummary> {
    const s = this.#s;
    const N = this.#N;
    let evalDue = false;
    let saveDue = false;
    let boundary = true; // at an episode boundary: the copies reset before acting
    let skipBoundaryWork = s.resumed !== null; // the checkpoint was taken after this boundary's work
    try {
      for (;;) {
        if (!skipBoundaryWork) {
          if (crosses(this.#step, N, s.evalFreq)) evalDue = true; // HEAD: `step % eval_freq == 0`
          if (this.#step > 0 && crosses(this.#step, N, s.saveEvery)) saveDue = true;
        }
        if (boundary) {
          if (!skipBoundaryWork) {
            if (evalDue && s.evalEnvs) this.#evaluate();
            evalDue = false;
            if (this.#step > 0) this.#finishEpisodes();
            const final = this.#step >= s.steps;
            if (final && s.evalEnvs && this.#lastEvalStep !== this.#step) this.#evaluate();
            if (s.evalPoints.length && (this.#lastEvalStep === this.#step || final))
              await s.files.writeCurves(s.evalPoints, `${s.task} (seed ${s.agent.cfg.seed})`);
            if (saveDue || final || s.signal?.aborted) {
              await this.#save();
              saveDue = false;
            }
            if (final || s.signal?.aborted) break;
          }
          skipBoundaryWork = false;
          this.#startEpisodes();
          boundary = false;
          await new Promise((r) => setImmediate(r));
        }
        boundary = this.#collect();
        await this.#updateAgent();
        this.#step += N;
        this.#progress(this.#step <= s.seedSteps ? 'seeding' : 'training');
        await this.#pause();
      }
    } finally {
      this.#seedU.dispose();
    }
    return {
      step: this.#step,
      episode: this.#episode,
      updates: this.#updates,
      elapsedSeconds: this.#elapsed(),
      finalEval: s.evalPoints.length ? s.evalPoints[s.evalPoints.length - 1]!.y : null,
      evals: s.evalPoints.map((p) => ({ step: p.x, returnMean: p.y })),
      logDir: s.files.dir,
    };
  }

  /** The vector env's observations as a Float32Array of N·O finite values (a user's VectorEnv is checked here). */
  #checkedObs(obs: ArrayLike<number>, call: string): Float32Array {
    const x = asFloat32(obs);
    const want = this.#N * this.#O;
    if (x.length !== want) throw new RangeError(`${this.#s.task}.${call}: obs: expected ${want} values (${this.#N} envs × ${this.#O}), got ${x.length}`);
    for (let k = 0; k < want; k++)
      if (!Number.isFinite(x[k]!)) throw new RangeError(`${this.#s.task}.${call}: obs[${k}] (copy ${Math.floor(k / this.#O)}) is ${x[k]}, not finite`);
    return x;
  }

  /** Resets every copy and starts its episode record with the first observation. */
  #startEpisodes(): void {
    const [N, O, A] = [this.#N, this.#O, this.#A];
    const seed = this.#s.firstResetSeed;
    this.#s.firstResetSeed = null;
    this.#obs = this.#checkedObs(this.#s.envs.reset(seed === null ? undefined : { seed }).obs, 'reset');
    for (let i = 0; i < N; i++) {
      this.#epObs[i]!.set(this.#obs.subarray(i * O, (i + 1) * O), 0);
      this.#epAct[i]!.fill(NaN, 0, A);
      this.#epRew[i]![0] = NaN;
      this.#epReturn[i] = 0;
      this.#firstSteps[i] = true;
    }
    this.#epLen = 1;
  }

  /** One vector step: act (uniformly at random while step ≤ seedSteps), step, record. Returns whether the episodes ended. */
  #collect(): boolean {
    const s = this.#s;
    const [N, O, A] = [this.#N, this.#O, this.#A];
    const actions = this.#actions;
    if (this.#step > s.seedSteps) {
      actions.set(s.agent.actBatch(this.#obs, this.#firstSteps));
    } else {
      const u = s.seedRng.uniform(this.#seedU).toArray();
      for (let k = 0; k < N * A; k++) actions[k] = 2 * u[k]! - 1;
    }
    const out = s.envs.step(actions);
    this.#obs = this.#checkedObs(out.obs, 'step');
    const t = this.#epLen;
    let ended = 0;
    for (let i = 0; i < N; i++) {
      if (out.terminated[i])
        throw new Error(`${s.task}: copy ${i} reported a termination at step ${t}, which non-episodic training does not support (HEAD raises too; see the Env contract)`);
      if (!Number.isFinite(Number(out.rewards[i]))) throw new RangeError(`${s.task}.step: copy ${i}: reward ${String(out.rewards[i])} at step ${t} is not a finite number`);
      this.#epObs[i]!.set(this.#obs.subarray(i * O, (i + 1) * O), t * O);
      this.#epAct[i]!.set(actions.subarray(i * A, (i + 1) * A), t * A);
      const reward = Number(out.rewards[i]);
      this.#epRew[i]![t] = reward;
      this.#epReturn[i]! += reward;
      this.#firstSteps[i] = false;
      ended += out.truncated[i] ? 1 : 0;
    }
    this.#epLen += 1;
    if (ended !== 0 && ended !== N)
      throw new Error(`${s.task}: environment copies ended their episodes at different steps; with numEnvs > 1 the trainer needs them in lockstep (use numEnvs 1 for episodes of varying length)`);
    return ended === N;
  }

  /** The updates earned by the vector step's env steps [step, step + N): seedSteps at seedSteps, then one each. */
  async #updateAgent(): Promise<void> {
    const s = this.#s;
    for (let at = this.#step; at < this.#step + this.#N; at++) {
      if (at < s.seedSteps) continue;
      const n = at === s.seedSteps ? s.seedSteps : 1;
      const burstStart = performance.now();
      for (let k = 0; k < n; k++) {
        const info = s.agent.update(s.buffer);
        this.#updates += 1;
        for (const key of UPDATE_KEYS) this.#lossSum[key] += info[key];
        this.#lossCount += 1;
        if (this.#updates % s.updateLogEvery === 0) s.files.appendMetrics({ type: 'update', step: at, update: this.#updates, ...info });
        if (n > 1) {
          // ETA from the update rate: the rest of the burst, then about one update per step.
          const perUpdate = (performance.now() - burstStart) / 1000 / (k + 1);
          this.#progress('pretraining', { pretrained: k + 1, pretrainTotal: n }, (n - k - 1 + s.steps - this.#step) * perUpdate);
          await this.#pause();
        }
      }
    }
  }

  /** Stores the finished episodes (whole, SPEC §10.2) and logs them with the loss averages of their updates. */
  #finishEpisodes(): void {
    const s = this.#s;
    const [O, A, L] = [this.#O, this.#A, this.#epLen];
    const n = this.#lossCount;
    const losses: LossAverages = n > 0 ? (Object.fromEntries(UPDATE_KEYS.map((k) => [k, this.#lossSum[k] / n])) as LossAverages) : null;
    const sps = (this.#step - this.#startStep) / Math.max(this.#elapsed() - this.#elapsedBefore, 1e-9);
    for (let i = 0; i < this.#N; i++) {
      s.buffer.addEpisode({ obs: this.#epObs[i]!.subarray(0, L * O), action: this.#epAct[i]!.subarray(0, L * A), reward: this.#epRew[i]!.subarray(0, L) });
      this.#episode += 1;
      const ret = this.#epReturn[i]!;
      this.#lastReturn = ret;
      const row: TrainRow = {
        step: this.#step,
        episode: this.#episode,
        return: ret,
        length: L - 1,
        steps_per_s: sps,
        elapsed_s: this.#elapsed(),
        updates: n,
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
      s.files.appendTrain(row);
      s.files.appendMetrics({ type: 'episode', ...row });
      s.emit({ type: 'episode', step: this.#step, episode: this.#episode, return: ret, length: L - 1, stepsPerSecond: sps, losses });
    }
    for (const k of UPDATE_KEYS) this.#lossSum[k] = 0;
    this.#lossCount = 0;
  }

  /** SPEC §12: the eval copies, one episode each, in eval mode. */
  #evaluate(): void {
    const s = this.#s;
    const r = evaluateAgent(s.agent, s.evalEnvs!, { episodes: s.evalEpisodes });
    const step = this.#step;
    this.#lastEvalStep = step;
    const episodes = r.returns.length;
    const row = { step, episode: this.#episode, return_mean: r.mean, return_min: r.min, return_max: r.max, length_mean: r.length, episodes, elapsed_s: this.#elapsed() };
    s.files.appendEval(row);
    s.files.appendMetrics({ type: 'eval', ...row });
    s.evalPoints.push({ x: step, y: r.mean, lo: r.min, hi: r.max });
    s.emit({ type: 'eval', step, episode: this.#episode, returnMean: r.mean, returnMin: r.min, returnMax: r.max, lengthMean: r.length, episodes });
  }

  /** A training checkpoint at this episode boundary: the replay file first, then the agent with the trainer state. */
  async #save(): Promise<void> {
    const s = this.#s;
    const step = this.#step;
    const replayFile = replayFileName(step);
    await writeReplay(`${s.files.dir}/${replayFile}`, s.buffer, step);
    const state: TrainerState = {
      task: s.task,
      step,
      episode: this.#episode,
      updates: this.#updates,
      numEnvs: this.#N,
      seedSteps: s.seedSteps,
      replayFile,
      seedActionsRng: s.seedRng.state(),
      envStates: saveEnvStates(s.envs, s.envStateFormat) ?? [],
      evalEnvStates: s.evalEnvs && isVectorEnv(s.evalEnvs) ? saveEnvStates(s.evalEnvs, envStateFormat(s.evalEnvs)) : null,
      envStateFormat: s.envStateFormat,
      lastEvalStep: this.#lastEvalStep,
      elapsed: this.#elapsed(),
    };
    await s.agent.save(s.files.checkpoint, { training: true, extra: { trainer: state } });
    await removeOldReplays(s.files.dir, replayFile);
    s.emit({ type: 'checkpoint', step, path: s.files.checkpoint });
  }

  /** A progress event at most once a second; steps/s over the last ≥ 5 s. */
  #progress(phase: 'seeding' | 'pretraining' | 'training', extra: { pretrained?: number; pretrainTotal?: number } = {}, eta?: number): void {
    const now = performance.now();
    if (now - this.#lastProgress < 1000) return;
    this.#lastProgress = now;
    const r = this.#rate;
    if (now - r.time > 5000) {
      r.value = (this.#step - r.step) / ((now - r.time) / 1000);
      r.step = this.#step;
      r.time = now;
    }
    const sps = r.value || (this.#step - this.#startStep) / Math.max((now - this.#t0) / 1000, 1e-9);
    const steps = this.#s.steps;
    this.#s.emit({
      type: 'progress',
      phase,
      step: this.#step,
      steps,
      episode: this.#episode,
      updates: this.#updates,
      stepsPerSecond: sps,
      etaSeconds: eta ?? (sps > 0 ? Math.max(steps - this.#step, 0) / sps : Infinity),
      lastReturn: this.#lastReturn,
      ...extra,
    });
  }

  /** Lets timers and signal handlers run now and then (a long burst would otherwise hold the event loop). */
  async #pause(): Promise<void> {
    if (performance.now() - this.#lastYield < 200) return;
    await new Promise((r) => setImmediate(r));
    this.#lastYield = performance.now();
  }
}
