/**
 * Your own environments in the trainer and evaluation: the run-time contract check of {@link Env}
 * and {@link VectorEnv} objects, {@link SyncVectorEnv} (N copies of your env behind the vector
 * interface, with the same autoreset as the DMC copies) and {@link rescaleAction}.
 *
 * Every check names the env, the call and the offending value, so a broken env fails at the step
 * that broke the contract instead of training on garbage.
 */
import { box } from './spaces.js';
import type { Box, Env, EnvFactory, ResetOptions, VectorEnv } from './types.js';
import { describeType } from './validate.js';

/** The name an env goes by in messages and run directories. */
export function envName(env: { readonly name?: string }): string {
  return typeof env.name === 'string' && env.name !== '' ? env.name : 'env';
}

/** Whether `x` looks like a {@link VectorEnv} (rather than a single {@link Env}). */
export function isVectorEnv(x: Env | VectorEnv): x is VectorEnv {
  return typeof x === 'object' && x !== null && 'numEnvs' in x && 'singleActionSpace' in x;
}

/** Checks a space is a flat box of n ≥ 1 values; returns n. */
function spaceSize(space: unknown, where: string, which: string): number {
  const s = space as Box | undefined;
  if (s === null || typeof s !== 'object' || !Array.isArray(s.shape))
    throw new TypeError(`${where}: ${which}: expected a Box { shape: [n], low, high }, got ${describeType(space)}`);
  const n = s.shape[0];
  if (s.shape.length !== 1 || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`${where}: ${which}.shape: expected [n] with an integer n ≥ 1, got [${s.shape.join(', ')}]`);
  return n;
}

/** Checks an action space is exactly [-1, 1] in every dimension (the agent's squashed actions). */
function checkActionBounds(space: Box, n: number, where: string, which: string): void {
  for (const [bound, want] of [['low', -1], ['high', 1]] as const) {
    const v = space[bound] as ArrayLike<number> | undefined;
    if (v === undefined || v === null || typeof v.length !== 'number' || v.length !== n)
      throw new TypeError(`${where}: ${which}.${bound}: expected ${n} bounds, got ${describeType(v)}`);
    for (let i = 0; i < n; i++)
      if (v[i] !== want)
        throw new RangeError(
          `${where}: ${which}.${bound}[${i}] is ${v[i]}, but the agent's actions lie in [-1, 1]; ` +
            'wrap the env with rescaleAction(env) to map [-1, 1] onto its bounds',
        );
  }
}

function checkMaxSteps(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new RangeError(`${where}: maxEpisodeSteps: expected an integer ≥ 1, got ${String(v)}`);
  return v;
}

/** The sizes of a checked env. */
export interface EnvDims {
  obsDim: number;
  actionDim: number;
  maxEpisodeSteps: number;
}

/**
 * Checks the static part of the {@link Env} contract: methods, spaces (actions exactly in
 * [-1, 1]) and the episode limit. Returns the sizes.
 */
export function checkEnv(env: Env, where: string): EnvDims {
  if (env === null || typeof env !== 'object') throw new TypeError(`${where}: expected an Env object, got ${describeType(env)}`);
  for (const m of ['reset', 'step'] as const)
    if (typeof env[m] !== 'function') throw new TypeError(`${where}: ${envName(env)}.${m}: expected a method, got ${describeType(env[m])}`);
  const w = `${where}: ${envName(env)}`;
  const obsDim = spaceSize(env.observationSpace, w, 'observationSpace');
  const actionDim = spaceSize(env.actionSpace, w, 'actionSpace');
  checkActionBounds(env.actionSpace, actionDim, w, 'actionSpace');
  return { obsDim, actionDim, maxEpisodeSteps: checkMaxSteps(env.maxEpisodeSteps, w) };
}

/** Checks the static part of the {@link VectorEnv} contract; returns the sizes of one copy. */
export function checkVectorEnv(env: VectorEnv, where: string): EnvDims & { numEnvs: number } {
  for (const m of ['reset', 'step'] as const)
    if (typeof env[m] !== 'function') throw new TypeError(`${where}: ${envName(env)}.${m}: expected a method, got ${describeType(env[m])}`);
  const w = `${where}: ${envName(env)}`;
  const numEnvs = env.numEnvs;
  if (typeof numEnvs !== 'number' || !Number.isSafeInteger(numEnvs) || numEnvs < 1)
    throw new RangeError(`${w}: numEnvs: expected an integer ≥ 1, got ${String(numEnvs)}`);
  const obsDim = spaceSize(env.singleObservationSpace, w, 'singleObservationSpace');
  const actionDim = spaceSize(env.singleActionSpace, w, 'singleActionSpace');
  checkActionBounds(env.singleActionSpace, actionDim, w, 'singleActionSpace');
  return { numEnvs, obsDim, actionDim, maxEpisodeSteps: checkMaxSteps(env.maxEpisodeSteps, w) };
}

/** Copies an observation into `out` at `offset`, checking its type, length and values. */
export function readObservation(obs: unknown, n: number, out: Float32Array, offset: number, where: string): void {
  const isArrayLike = obs instanceof Float32Array || obs instanceof Float64Array || Array.isArray(obs);
  if (!isArrayLike) throw new TypeError(`${where}: obs: expected a Float32Array, Float64Array or number[] of length ${n}, got ${describeType(obs)}`);
  const v = obs as ArrayLike<unknown>;
  if (v.length !== n) throw new RangeError(`${where}: obs: expected length ${n} (observationSpace.shape), got ${v.length}`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${where}: obs[${i}]: expected a finite number, got ${String(x)}`);
    out[offset + i] = x;
  }
}

/** Checks one step's reward and flags. */
export function checkStepResult(r: unknown, where: string): { reward: number; terminated: boolean; truncated: boolean } {
  if (r === null || typeof r !== 'object') throw new TypeError(`${where}: expected { obs, reward, terminated, truncated }, got ${describeType(r)}`);
  const { reward, terminated, truncated } = r as { reward: unknown; terminated: unknown; truncated: unknown };
  if (typeof reward !== 'number' || !Number.isFinite(reward)) throw new RangeError(`${where}: reward: expected a finite number, got ${String(reward)}`);
  if (typeof terminated !== 'boolean') throw new TypeError(`${where}: terminated: expected a boolean, got ${describeType(terminated)}`);
  if (typeof truncated !== 'boolean') throw new TypeError(`${where}: truncated: expected a boolean, got ${describeType(truncated)}`);
  return { reward, terminated, truncated };
}

/**
 * N copies of your {@link Env} behind the {@link VectorEnv} interface, stepped one after another
 * on this thread. Every call is checked against the contract (see {@link Env}); autoreset is
 * Gymnasium's "next step", as for the DMC copies; an episode that runs past `maxEpisodeSteps`
 * without ending is an error.
 *
 * ```ts
 * const envs = SyncVectorEnv.fromFactory((i) => new PointRobot(), 4);
 * ```
 */
export class SyncVectorEnv<State = unknown> implements VectorEnv<State> {
  readonly name: string;
  readonly numEnvs: number;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box;
  readonly maxEpisodeSteps: number;
  readonly #envs: Env<State>[];
  readonly #owns: boolean;
  readonly #O: number;
  readonly #A: number;
  /** Steps taken in each copy's episode; −1: not started; `ended` marks copies that autoreset next. */
  readonly #elapsed: Int32Array;
  readonly #ended: Uint8Array;
  #closed = false;

  /**
   * Wraps `envs` (one or more copies with the same sizes). With `owns` (the default for
   * {@link SyncVectorEnv.fromFactory}), `close()` closes them.
   */
  constructor(envs: readonly Env<State>[], options: { owns?: boolean } = {}) {
    if (!Array.isArray(envs) || envs.length === 0) throw new TypeError(`SyncVectorEnv: envs: expected a non-empty array of Env objects, got ${describeType(envs)}`);
    const dims = envs.map((e, i) => checkEnv(e, `SyncVectorEnv: envs[${i}]`));
    const d0 = dims[0]!;
    dims.forEach((d, i) => {
      for (const k of ['obsDim', 'actionDim', 'maxEpisodeSteps'] as const)
        if (d[k] !== d0[k]) throw new RangeError(`SyncVectorEnv: envs[${i}]: ${k} ${d[k]} differs from envs[0]'s ${d0[k]}`);
    });
    this.#envs = [...envs];
    this.#owns = options.owns ?? false;
    this.name = envName(envs[0]!);
    this.numEnvs = envs.length;
    this.#O = d0.obsDim;
    this.#A = d0.actionDim;
    this.maxEpisodeSteps = d0.maxEpisodeSteps;
    this.singleObservationSpace = envs[0]!.observationSpace;
    this.singleActionSpace = box(d0.actionDim, -1, 1);
    this.#elapsed = new Int32Array(this.numEnvs).fill(-1);
    this.#ended = new Uint8Array(this.numEnvs);
  }

  /** `numEnvs` copies made by `factory(0 … numEnvs − 1)`; closed with this vector env. */
  static fromFactory<S = unknown>(factory: EnvFactory, numEnvs: number): SyncVectorEnv<S> {
    if (typeof factory !== 'function') throw new TypeError(`SyncVectorEnv.fromFactory: factory: expected a function (index) => Env, got ${describeType(factory)}`);
    if (!Number.isSafeInteger(numEnvs) || numEnvs < 1) throw new RangeError(`SyncVectorEnv.fromFactory: numEnvs: expected an integer ≥ 1, got ${String(numEnvs)}`);
    const envs: Env[] = [];
    try {
      for (let i = 0; i < numEnvs; i++) envs.push(factory(i));
      return new SyncVectorEnv(envs as Env<S>[], { owns: true });
    } catch (e) {
      for (const env of envs) env?.close?.();
      throw e;
    }
  }

  #open(method: string): Env<State>[] {
    if (this.#closed) throw new Error(`${this.name}×${this.numEnvs}.${method}: the vector environment is closed`);
    return this.#envs;
  }

  /** Resets every copy; with `seed`, copy i gets `seed + i`. */
  reset(options?: ResetOptions): { obs: Float32Array } {
    const envs = this.#open('reset');
    const seed = options?.seed;
    const obs = new Float32Array(this.numEnvs * this.#O);
    envs.forEach((env, i) => {
      const where = `${envName(env)}.reset (copy ${i})`;
      const r = seed === undefined ? env.reset() : env.reset({ seed: seed + i });
      if (r === null || typeof r !== 'object') throw new TypeError(`${where}: expected { obs, info }, got ${describeType(r)}`);
      readObservation(r.obs, this.#O, obs, i * this.#O, where);
      this.#elapsed[i] = 0;
      this.#ended[i] = 0;
    });
    return { obs };
  }

  /** Steps every copy with its row of `actions`; copies whose episode ended on the last step reset instead. */
  step(actions: Float32Array): { obs: Float32Array; rewards: Float64Array; terminated: Uint8Array; truncated: Uint8Array } {
    const envs = this.#open('step');
    const [N, O, A] = [this.numEnvs, this.#O, this.#A];
    if (!(actions instanceof Float32Array)) throw new TypeError(`${this.name}×${N}.step: actions: expected a Float32Array of ${N} × ${A}, got ${describeType(actions)}`);
    if (actions.length !== N * A) throw new RangeError(`${this.name}×${N}.step: actions: expected length ${N * A} (${N} envs × ${A}), got ${actions.length}`);
    const obs = new Float32Array(N * O);
    const rewards = new Float64Array(N);
    const terminated = new Uint8Array(N);
    const truncated = new Uint8Array(N);
    envs.forEach((env, i) => {
      if (this.#elapsed[i]! < 0) throw new Error(`${this.name}×${N}.step: call reset() before the first step`);
      if (this.#ended[i]) {
        const where = `${envName(env)}.reset (copy ${i}, autoreset)`;
        const r = env.reset();
        if (r === null || typeof r !== 'object') throw new TypeError(`${where}: expected { obs, info }, got ${describeType(r)}`);
        readObservation(r.obs, O, obs, i * O, where);
        this.#elapsed[i] = 0;
        this.#ended[i] = 0;
        return;
      }
      const where = `${envName(env)}.step (copy ${i}, step ${this.#elapsed[i]! + 1})`;
      const r = env.step(actions.slice(i * A, (i + 1) * A));
      const s = checkStepResult(r, where);
      readObservation((r as { obs: unknown }).obs, O, obs, i * O, where);
      const t = (this.#elapsed[i] = this.#elapsed[i]! + 1);
      rewards[i] = s.reward;
      terminated[i] = s.terminated ? 1 : 0;
      truncated[i] = s.truncated ? 1 : 0;
      if (s.terminated || s.truncated) this.#ended[i] = 1;
      else if (t >= this.maxEpisodeSteps)
        throw new RangeError(`${where}: the episode reached maxEpisodeSteps (${this.maxEpisodeSteps}) without ending; an env must report truncated by then`);
    });
    return { obs, rewards, terminated, truncated };
  }

  /** Every copy's state; only when every copy implements getState. */
  get getState(): (() => State[]) | undefined {
    if (!this.#envs.every((e) => typeof e.getState === 'function')) return undefined;
    return () => this.#open('getState').map((e) => e.getState!());
  }

  /** Restores every copy's state (the copies start stepping from there); only when every copy implements setState. */
  get setState(): ((states: readonly State[]) => void) | undefined {
    if (!this.#envs.every((e) => typeof e.setState === 'function')) return undefined;
    return (states) => {
      const envs = this.#open('setState');
      if (!Array.isArray(states) || states.length !== this.numEnvs)
        throw new RangeError(`${this.name}×${this.numEnvs}.setState: states: expected ${this.numEnvs} states, got ${describeType(states)}`);
      envs.forEach((e, i) => {
        e.setState!(states[i]!);
        this.#elapsed[i] = 0;
        this.#ended[i] = 0;
      });
    };
  }

  /** Closes the copies when this vector env owns them; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owns) for (const e of this.#envs) e.close?.();
  }
}

/**
 * An env whose actions in [-1, 1] are mapped linearly onto `env.actionSpace`'s bounds (all
 * finite): `low + (a + 1) / 2 · (high − low)`. Everything else is passed through.
 */
export function rescaleAction<State = unknown>(env: Env<State>): Env<State> {
  if (env === null || typeof env !== 'object') throw new TypeError(`rescaleAction: env: expected an Env object, got ${describeType(env)}`);
  const where = `rescaleAction: ${envName(env)}`;
  const n = spaceSize(env.actionSpace, where, 'actionSpace');
  const low = Float32Array.from(env.actionSpace.low ?? []);
  const high = Float32Array.from(env.actionSpace.high ?? []);
  if (low.length !== n || high.length !== n) throw new RangeError(`${where}: actionSpace.low/high: expected ${n} bounds each, got ${low.length} and ${high.length}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(low[i]!) || !Number.isFinite(high[i]!) || !(high[i]! > low[i]!))
      throw new RangeError(`${where}: actionSpace bounds [${low[i]}, ${high[i]}] at ${i}: expected finite bounds with low < high`);
  const scaled: Env<State> = {
    name: env.name,
    observationSpace: env.observationSpace,
    actionSpace: box(n, -1, 1),
    maxEpisodeSteps: env.maxEpisodeSteps,
    reset: (options?: ResetOptions) => env.reset(options),
    step: (action: Float32Array) => {
      const mapped = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const a = Math.min(Math.max(action[i]!, -1), 1);
        mapped[i] = low[i]! + ((a + 1) / 2) * (high[i]! - low[i]!);
      }
      return env.step(mapped);
    },
  };
  if (env.getState) scaled.getState = () => env.getState!();
  if (env.setState) scaled.setState = (s: State) => env.setState!(s);
  if (env.close) scaled.close = () => env.close!();
  return scaled;
}
