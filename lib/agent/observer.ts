// The step-wise feed of `agent.observe(transition)`: transitions of one or more of the user's
// environments assembled into whole episodes (SPEC §10.2: the buffer takes episodes when they end)
// in the replay buffer's entry convention (entry 0: first obs, NaN action and reward).
import type { ReplayBuffer } from '../train/replay-buffer.js';

/** One environment step for {@link TDMPC2.observe}. */
export interface Transition {
  /** The observation the action was taken at (obsDim values). */
  obs: ArrayLike<number>;
  /** The action taken (actionDim values in [-1, 1]). */
  action: ArrayLike<number>;
  /** The reward received for it (finite). */
  reward: number;
  /** The observation after the step (obsDim values); the next transition's `obs` must equal it. */
  nextObs: ArrayLike<number>;
  /**
   * The episode ended at a time limit or by your choice: it is stored in the replay buffer now and
   * the next transition starts a new one. @defaultValue false
   */
  truncated?: boolean;
  /** A terminal state: refused, since training is non-episodic (as HEAD refuses it). @defaultValue false */
  terminated?: boolean;
  /** Which of your environments this step belongs to (episodes are kept apart per env). @defaultValue 0 */
  env?: number;
}

/** What {@link TDMPC2.observe} returns. */
export interface ObserveResult {
  /** This transition ended its episode, which is now in the buffer. */
  episodeEnded: boolean;
  /** Steps of the episode so far (the ended one's length when it ended). */
  episodeLength: number;
  /** Episodes added to the buffer so far. */
  episodes: number;
}

/** One episode in progress (growable, reused across episodes). */
class EpisodeRecord {
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  /** Entries (first observation included); 0: no episode running. */
  length = 0;

  constructor(
    readonly O: number,
    readonly A: number,
  ) {
    this.obs = new Float32Array(64 * O);
    this.action = new Float32Array(64 * A);
    this.reward = new Float32Array(64);
  }

  #grow(): void {
    const cap = this.reward.length * 2;
    const grow = (x: Float32Array, w: number) => {
      const y = new Float32Array(cap * w);
      y.set(x);
      return y;
    };
    this.obs = grow(this.obs, this.O);
    this.action = grow(this.action, this.A);
    this.reward = grow(this.reward, 1);
  }

  push(obs: Float32Array, action: Float32Array | null, reward: number): void {
    if (this.length === this.reward.length) this.#grow();
    const t = this.length++;
    this.obs.set(obs, t * this.O);
    if (action) this.action.set(action, t * this.A);
    else this.action.fill(NaN, t * this.A, (t + 1) * this.A);
    this.reward[t] = action ? reward : NaN;
  }
}

/** Assembles observed transitions into episodes and adds them to a buffer when they end. */
export class EpisodeObserver {
  readonly #O: number;
  readonly #A: number;
  readonly #records = new Map<number, EpisodeRecord>();
  readonly #obs: Float32Array;
  readonly #next: Float32Array;
  readonly #action: Float32Array;

  constructor(obsDim: number, actionDim: number) {
    this.#O = obsDim;
    this.#A = actionDim;
    this.#obs = new Float32Array(obsDim);
    this.#next = new Float32Array(obsDim);
    this.#action = new Float32Array(actionDim);
  }

  /** Steps recorded in env `env`'s episode in progress (0: none). */
  episodeLength(env = 0): number {
    const r = this.#records.get(env);
    return r && r.length > 0 ? r.length - 1 : 0;
  }

  /** Drops the episodes in progress (nothing reaches the buffer). */
  clear(): void {
    this.#records.clear();
  }

  observe(t: Transition, buffer: () => ReplayBuffer): ObserveResult {
    const op = 'TDMPC2.observe';
    if (t === null || typeof t !== 'object') throw new TypeError(`${op}: expected a transition { obs, action, reward, nextObs, truncated? }, got ${String(t)}`);
    const env = t.env ?? 0;
    if (!Number.isSafeInteger(env) || env < 0) throw new RangeError(`${op}: env: expected an integer ≥ 0, got ${String(env)}`);
    const [O, A] = [this.#O, this.#A];
    readVector(op, 'obs', t.obs, O, this.#obs);
    readVector(op, 'nextObs', t.nextObs, O, this.#next);
    readVector(op, 'action', t.action, A, this.#action);
    for (let i = 0; i < A; i++)
      if (this.#action[i]! < -1 || this.#action[i]! > 1) throw new RangeError(`${op}: action[${i}] is ${this.#action[i]}, outside [-1, 1] (the agent's action space)`);
    if (typeof t.reward !== 'number' || !Number.isFinite(t.reward)) throw new RangeError(`${op}: reward: expected a finite number, got ${String(t.reward)}`);
    for (const k of ['truncated', 'terminated'] as const)
      if (t[k] !== undefined && typeof t[k] !== 'boolean') throw new TypeError(`${op}: ${k}: expected a boolean, got ${typeof t[k]}`);
    if (t.terminated) throw new RangeError(`${op}: terminated: terminal states need episodic training, which this agent does not do (HEAD's episodic=false refuses them too); report time limits as truncated`);

    let r = this.#records.get(env);
    if (!r) this.#records.set(env, (r = new EpisodeRecord(O, A)));
    if (r.length === 0) r.push(this.#obs, null, NaN);
    else {
      // The transition must continue the episode: its obs is the last nextObs.
      const last = r.obs.subarray((r.length - 1) * O, r.length * O);
      for (let i = 0; i < O; i++)
        if (!Object.is(last[i], this.#obs[i]))
          throw new RangeError(
            `${op}: obs[${i}] is ${this.#obs[i]}, but env ${env}'s episode continues from nextObs[${i}] = ${last[i]}; ` +
              'end the previous episode with truncated: true, or pass env to keep environments apart',
          );
    }
    r.push(this.#next, this.#action, t.reward);
    const steps = r.length - 1;
    if (!t.truncated) return { episodeEnded: false, episodeLength: steps, episodes: buffer().numEpisodes };
    const b = buffer();
    b.addEpisode({ obs: r.obs.subarray(0, r.length * O), action: r.action.subarray(0, r.length * A), reward: r.reward.subarray(0, r.length) });
    r.length = 0;
    return { episodeEnded: true, episodeLength: steps, episodes: b.numEpisodes };
  }
}

/** Copies a vector of `n` finite numbers into `out`, or throws naming the op and argument. */
function readVector(op: string, arg: string, x: unknown, n: number, out: Float32Array): void {
  const ok = x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x);
  if (!ok) throw new TypeError(`${op}: ${arg}: expected a Float32Array, Float64Array or number[] of length ${n}, got ${x === null ? 'null' : typeof x}`);
  const v = x as ArrayLike<unknown>;
  if (v.length !== n) throw new RangeError(`${op}: ${arg}: expected length ${n}, got ${v.length}`);
  for (let i = 0; i < n; i++) {
    const e = v[i];
    if (typeof e !== 'number' || !Number.isFinite(e)) throw new RangeError(`${op}: ${arg}[${i}]: expected a finite number, got ${String(e)}`);
    out[i] = e;
  }
}
