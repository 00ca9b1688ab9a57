// The replay buffer of SPEC §10.3 (official common/buffer.py over torchrl's LazyTensorStorage and
// SliceSampler): whole episodes stored entry by entry in a FIFO ring of `capacity` entries, and
// batches of B sub-trajectories of H+1 consecutive entries of one episode, written straight into
// preallocated time-major tensors (the update's Batch, SPEC §9.1).
//
// Entry convention: entry t of an episode holds (obs_t, action_{t−1}, reward_{t−1}); entry 0 holds
// the first observation with NaN action and reward. A slice of entries s..s+H gives
// obs = obs[s..s+H], action = action[s+1..s+H], reward = reward[s+1..s+H], so the NaNs of entry 0
// are never read as an action or reward (entry 0 can only be a slice's first entry).
//
// Sampling distribution (torchrl 0.8.1 SliceSampler with traj_key='episode', strict_length=True,
// which HEAD uses): for each of the B slices, an episode uniformly (with replacement) among the
// stored episodes that still hold ≥ H+1 entries, then a start uniformly among that episode's
// len − H valid starts. While all episodes have the same length (DMC: 501 entries) this equals
// uniform sampling over all valid slice starts; it differs only for the oldest episode after FIFO
// eviction has cut its head off (it stays as likely as a whole episode, as in torchrl, whose
// trajectory of the partly overwritten episode is just shorter).
//
// Eviction is per entry, as in torchrl's circular storage: when full, each new entry overwrites
// the oldest, so the oldest episode loses entries from its start and leaves the sampling set once
// fewer than H+1 remain.
//
// Random numbers: Philox (lib/nn/rng.ts) on stream STREAMS.replay of the seed; each sample() draws
// 2B uniforms (episode, start per slice) in one block, so a buffer is reproducible from its seed
// and its position can be checkpointed.
import type { Batch } from '../agent/update.js';
import type { Device } from '../nn/device.js';
import { RngStream, type RngState } from '../nn/rng.js';
import { Tensor } from '../nn/tensor.js';
import { STREAMS } from '../model/world-model.js';
import type { SafeTensor } from '../io/safetensors.js';

/** Options of {@link ReplayBuffer}. */
export interface ReplayBufferOptions {
  /** Entries kept (FIFO); an episode of T steps takes T+1. */
  capacity: number;
  obsDim: number;
  actionDim: number;
  /** H: a sampled slice has H+1 entries. */
  horizon: number;
  /** B: slices per batch. */
  batchSize: number;
  /** Seed of the sampling stream (Philox stream STREAMS.replay). @defaultValue 1 */
  seed?: number;
  /** Where the batch tensors live. @defaultValue 'cpu' */
  device?: Device;
  /** Multitask: every episode carries a task id, and batches carry `task` [B] (SPEC §11). @defaultValue false */
  multitask?: boolean;
}

/** One whole episode of L entries, row-major (see the entry convention above). */
export interface EpisodeData {
  /** L·obsDim observations. */
  obs: Float32Array;
  /** L·actionDim actions; the first row NaN. */
  action: Float32Array;
  /** L rewards; the first NaN. */
  reward: Float32Array;
}

/** A growable FIFO of numbers (amortised O(1) push and shift, no per-call allocation). */
class NumberQueue {
  #items: number[] = [];
  #head = 0;
  get length(): number {
    return this.#items.length - this.#head;
  }
  at(i: number): number {
    return this.#items[this.#head + i]!;
  }
  push(v: number): void {
    this.#items.push(v);
  }
  shift(): number {
    const v = this.#items[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return v;
  }
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

const checkInt = (what: string, v: unknown, lo: number): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo)
    throw new RangeError(`ReplayBuffer: ${what}: expected an integer ≥ ${lo}, got ${String(v)}`);
  return v;
};

export class ReplayBuffer implements Disposable {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly horizon: number;
  readonly batchSize: number;
  readonly device: Device;
  readonly #obs: Float32Array;
  readonly #action: Float32Array;
  readonly #reward: Float32Array;
  /** Multitask: the task id of every stored entry (its episode's). */
  readonly #task: Int32Array | null;
  readonly #taskHost: Int32Array | null;
  /** Called with every episode added (after validation): dataset writers (lib/io/dataset.ts). */
  onEpisode: ((ep: EpisodeData, task: number) => void) | null = null;
  /** Entries ever written; entry k (absolute) lives at slot k mod capacity while k ≥ #written − capacity. */
  #written = 0;
  #episodesAdded = 0;
  /** Every episode with an entry still stored: absolute start and length, oldest first. */
  readonly #epStart = new NumberQueue();
  readonly #epLength = new NumberQueue();
  /** The sampleable ones (≥ H+1 entries stored), oldest first. */
  readonly #okStart = new NumberQueue();
  readonly #okLength = new NumberQueue();
  readonly #rng: RngStream;
  // Preallocated sampling workspace: the uniforms, host staging, the batch tensors.
  readonly #u: Tensor;
  readonly #uHost: Float32Array;
  readonly #obsHost: Float32Array;
  readonly #actionHost: Float32Array;
  readonly #rewardHost: Float32Array;
  readonly #batch: Batch;
  #disposed = false;

  constructor(opts: ReplayBufferOptions) {
    if (opts === null || typeof opts !== 'object') throw new TypeError(`ReplayBuffer: expected an options object, got ${String(opts)}`);
    this.obsDim = checkInt('obsDim', opts.obsDim, 1);
    this.actionDim = checkInt('actionDim', opts.actionDim, 1);
    this.horizon = checkInt('horizon', opts.horizon, 1);
    this.batchSize = checkInt('batchSize', opts.batchSize, 1);
    this.capacity = checkInt('capacity', opts.capacity, this.horizon + 1);
    const seed = checkInt('seed', opts.seed ?? 1, 0);
    this.device = opts.device ?? 'cpu';
    const [C, O, A, H, B] = [this.capacity, this.obsDim, this.actionDim, this.horizon, this.batchSize];
    if (C * Math.max(O, A) > 2 ** 31) throw new RangeError(`ReplayBuffer: capacity ${C} × ${Math.max(O, A)} values exceeds a typed array`);
    this.#obs = new Float32Array(C * O);
    this.#action = new Float32Array(C * A);
    this.#reward = new Float32Array(C);
    this.#task = opts.multitask ? new Int32Array(C) : null;
    this.#taskHost = opts.multitask ? new Int32Array(B) : null;
    this.#rng = new RngStream(seed, STREAMS.replay);
    this.#u = Tensor.zeros([2 * B]);
    this.#uHost = new Float32Array(2 * B);
    this.#obsHost = new Float32Array((H + 1) * B * O);
    this.#actionHost = new Float32Array(H * B * A);
    this.#rewardHost = new Float32Array(H * B);
    this.#batch = Object.freeze({
      obs: Tensor.zeros([H + 1, B, O], this.device),
      action: Tensor.zeros([H, B, A], this.device),
      reward: Tensor.zeros([H, B], this.device),
      task: this.#taskHost,
    });
  }

  /** Whether episodes carry task ids. */
  get multitask(): boolean {
    return this.#task !== null;
  }

  /** Entries stored (≤ capacity). */
  get size(): number {
    return Math.min(this.#written, this.capacity);
  }

  /** Episodes added since creation (HEAD's `num_eps`). */
  get numEpisodes(): number {
    return this.#episodesAdded;
  }

  /** Episodes that sample() can draw from (≥ H+1 entries still stored). */
  get numSampleable(): number {
    return this.#okStart.length;
  }

  /** The sampling stream's position (for checkpoints). */
  get rng(): RngStream {
    return this.#rng;
  }

  #check(where: string): void {
    if (this.#disposed) throw new Error(`ReplayBuffer.${where}: the buffer was disposed`);
  }

  /**
   * Appends one whole episode (SPEC §10.2: the trainer adds episodes when they end). Entry 0 must
   * carry NaN action and reward; every other value must be finite. Returns the number of episodes
   * added so far.
   */
  addEpisode(ep: EpisodeData, task = -1): number {
    this.#check('addEpisode');
    const [O, A, C, H] = [this.obsDim, this.actionDim, this.capacity, this.horizon];
    if (ep === null || typeof ep !== 'object') throw new TypeError(`ReplayBuffer.addEpisode: expected { obs, action, reward }, got ${String(ep)}`);
    if (this.#task ? !(Number.isSafeInteger(task) && task >= 0) : task !== -1)
      throw new RangeError(`ReplayBuffer.addEpisode: task: expected ${this.#task ? 'a task id ≥ 0 (multitask buffer)' : 'none (single-task buffer)'}, got ${task}`);
    for (const k of ['obs', 'action', 'reward'] as const)
      if (!(ep[k] instanceof Float32Array))
        throw new TypeError(`ReplayBuffer.addEpisode: ${k}: expected a Float32Array, got ${ep[k] === null ? 'null' : typeof ep[k]}`);
    const L = ep.reward.length;
    if (L < 1) throw new RangeError('ReplayBuffer.addEpisode: reward: expected at least one entry, got 0');
    if (ep.obs.length !== L * O) throw new RangeError(`ReplayBuffer.addEpisode: obs: expected ${L} entries × ${O} = ${L * O} values, got ${ep.obs.length}`);
    if (ep.action.length !== L * A)
      throw new RangeError(`ReplayBuffer.addEpisode: action: expected ${L} entries × ${A} = ${L * A} values, got ${ep.action.length}`);
    if (!Number.isNaN(ep.reward[0]!) || !ep.action.subarray(0, A).every(Number.isNaN))
      throw new RangeError('ReplayBuffer.addEpisode: entry 0 must carry NaN action and reward (entries are obs_t, action_{t−1}, reward_{t−1})');
    for (let i = 0; i < ep.obs.length; i++)
      if (!Number.isFinite(ep.obs[i]!)) throw new RangeError(`ReplayBuffer.addEpisode: obs: value ${ep.obs[i]} at index ${i} is not finite`);
    for (let i = A; i < ep.action.length; i++)
      if (!Number.isFinite(ep.action[i]!)) throw new RangeError(`ReplayBuffer.addEpisode: action: value ${ep.action[i]} at index ${i} is not finite`);
    for (let i = 1; i < L; i++)
      if (!Number.isFinite(ep.reward[i]!)) throw new RangeError(`ReplayBuffer.addEpisode: reward: value ${ep.reward[i]} at index ${i} is not finite`);

    // Write the entries into the ring in contiguous pieces; an episode longer than the capacity
    // overwrites its own head, as torchrl's circular storage does.
    const start = this.#written;
    let done = Math.max(0, L - C);
    while (done < L) {
      const slot = (start + done) % C;
      const n = Math.min(L - done, C - slot);
      this.#obs.set(ep.obs.subarray(done * O, (done + n) * O), slot * O);
      this.#action.set(ep.action.subarray(done * A, (done + n) * A), slot * A);
      this.#reward.set(ep.reward.subarray(done, done + n), slot);
      this.#task?.fill(task, slot, slot + n);
      done += n;
    }
    this.#written += L;
    this.#episodesAdded += 1;
    this.#epStart.push(start);
    this.#epLength.push(L);
    if (L >= H + 1) {
      this.#okStart.push(start);
      this.#okLength.push(L);
    }
    this.#evict();
    this.onEpisode?.(ep, task);
    return this.#episodesAdded;
  }

  // Drops the episodes (and sampleable episodes) whose stored part fell below one entry (H+1).
  #evict(): void {
    const oldest = this.#written - this.capacity;
    while (this.#epStart.length > 0 && this.#epStart.at(0) + this.#epLength.at(0) <= oldest) {
      this.#epStart.shift();
      this.#epLength.shift();
    }
    while (this.#okStart.length > 0 && this.#okStart.at(0) + this.#okLength.at(0) - Math.max(this.#okStart.at(0), oldest) < this.horizon + 1) {
      this.#okStart.shift();
      this.#okLength.shift();
    }
  }

  /**
   * B slices of H+1 consecutive entries of one episode (distribution above), written into the
   * buffer's own batch tensors, which the next sample() overwrites: obs [H+1, B, O],
   * action [H, B, A], reward [H, B]. Allocates nothing.
   */
  sample(): Batch {
    this.#check('sample');
    const E = this.#okStart.length;
    if (E === 0)
      throw new RangeError(
        `ReplayBuffer.sample: no episode with at least ${this.horizon + 1} entries is stored (${this.#episodesAdded} episodes added)`,
      );
    const [O, A, H, B, C] = [this.obsDim, this.actionDim, this.horizon, this.batchSize, this.capacity];
    const u = this.#uHost;
    this.#rng.uniform(this.#u).toArray(u);
    const oldest = this.#written - C;
    const obs = this.#obsHost;
    const act = this.#actionHost;
    const rew = this.#rewardHost;
    for (let b = 0; b < B; b++) {
      const e = Math.min(Math.floor(u[2 * b]! * E), E - 1);
      const s0 = this.#okStart.at(e);
      const first = Math.max(s0, oldest); // the oldest episode may have lost its head
      const valid = s0 + this.#okLength.at(e) - first - H; // valid starts
      const s = first + Math.min(Math.floor(u[2 * b + 1]! * valid), valid - 1);
      if (this.#taskHost) this.#taskHost[b] = this.#task![s % C]!;
      // Element loops, not subarray()+set(): a subarray is an allocation.
      for (let t = 0; t <= H; t++) {
        const slot = (s + t) % C;
        const src = slot * O;
        const dst = (t * B + b) * O;
        for (let i = 0; i < O; i++) obs[dst + i] = this.#obs[src + i]!;
        if (t === 0) continue;
        const srcA = slot * A;
        const dstA = ((t - 1) * B + b) * A;
        for (let i = 0; i < A; i++) act[dstA + i] = this.#action[srcA + i]!;
        rew[(t - 1) * B + b] = this.#reward[slot]!;
      }
    }
    this.#batch.obs.write(obs);
    this.#batch.action.write(act);
    this.#batch.reward.write(rew);
    return this.#batch;
  }

  /**
   * The stored entries in age order and the episode lengths, plus the sampling stream position
   * (for training checkpoints): {@link ReplayBuffer.restore} rebuilds a buffer that samples and
   * evicts exactly as this one would.
   */
  snapshot(): { tensors: Map<string, SafeTensor>; meta: ReplayMeta } {
    this.#check('snapshot');
    const [O, A, C] = [this.obsDim, this.actionDim, this.capacity];
    const n = this.size;
    const first = this.#written - n;
    const obs = new Float32Array(n * O);
    const action = new Float32Array(n * A);
    const reward = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const slot = (first + k) % C;
      obs.set(this.#obs.subarray(slot * O, slot * O + O), k * O);
      action.set(this.#action.subarray(slot * A, slot * A + A), k * A);
      reward[k] = this.#reward[slot]!;
    }
    const lengths: number[] = [];
    for (let i = 0; i < this.#epStart.length; i++) {
      const s = this.#epStart.at(i);
      lengths.push(this.#epStart.at(i) + this.#epLength.at(i) - Math.max(s, first));
    }
    const firstFull = this.#epStart.length > 0 && this.#epStart.at(0) >= first;
    const tensors = new Map<string, SafeTensor>([
      ['replay.obs', { shape: [n, O], data: obs }],
      ['replay.action', { shape: [n, A], data: action }],
      ['replay.reward', { shape: [n], data: reward }],
    ]);
    if (this.#task) {
      const task = new Float32Array(n); // task ids are small integers: exact in float32
      for (let k = 0; k < n; k++) task[k] = this.#task[(first + k) % C]!;
      tensors.set('replay.task', { shape: [n], data: task });
    }
    const meta: ReplayMeta = {
      capacity: C,
      obsDim: O,
      actionDim: A,
      horizon: this.horizon,
      batchSize: this.batchSize,
      written: this.#written,
      episodesAdded: this.#episodesAdded,
      lengths,
      firstIsWhole: firstFull,
      rng: this.#rng.state(),
    };
    return { tensors, meta };
  }

  /**
   * Restores a {@link ReplayBuffer.snapshot} into this buffer (replacing its contents); `source`
   * names the file in errors. With the same capacity the restored buffer samples and evicts
   * exactly as the snapshotted one; a larger capacity keeps every entry (a resumed run with more
   * steps). Positions are relabelled from 0: sampling and eviction depend only on them relative
   * to each other.
   */
  restore(tensors: ReadonlyMap<string, SafeTensor>, meta: ReplayMeta, source = 'replay'): void {
    this.#check('restore');
    const [O, A, C] = [this.obsDim, this.actionDim, this.capacity];
    if (meta === null || typeof meta !== 'object') throw new RangeError(`${source}: corrupted replay metadata`);
    for (const k of ['obsDim', 'actionDim'] as const)
      if (meta[k] !== this[k]) throw new RangeError(`${source}: replay buffer ${k} ${String(meta[k])} does not match this run's ${this[k]}`);
    const lengths = meta.lengths;
    if (!Array.isArray(lengths) || !lengths.every((l) => Number.isSafeInteger(l) && l > 0) || !Number.isSafeInteger(meta.episodesAdded))
      throw new RangeError(`${source}: corrupted replay metadata (episode lengths)`);
    const n = lengths.reduce((a, b) => a + b, 0);
    if (n > C) throw new RangeError(`${source}: the replay buffer holds ${n} entries, more than this run's capacity ${C}`);
    const get = (name: string, shape: number[]): Float32Array => {
      const t = tensors.get(name);
      if (!t) throw new RangeError(`${source}: missing tensor "${name}"`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
        throw new RangeError(`${source}: tensor "${name}": expected shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
      return t.data;
    };
    const obs = get('replay.obs', [n, O]);
    const action = get('replay.action', [n, A]);
    const reward = get('replay.reward', [n]);
    this.#rng.restore(meta.rng);
    this.#obs.set(obs);
    this.#action.set(action);
    this.#reward.set(reward);
    if (this.#task) this.#task.set(Int32Array.from(get('replay.task', [n])));
    this.#epStart.clear();
    this.#epLength.clear();
    this.#okStart.clear();
    this.#okLength.clear();
    let pos = 0;
    lengths.forEach((len, i) => {
      // A full buffer's partly evicted oldest episode keeps having lost its head (start −1), so
      // eviction drops it when the original would; in a larger buffer it is just shorter.
      const cut = i === 0 && !meta.firstIsWhole && n === C;
      const start = cut ? pos - 1 : pos;
      const total = cut ? len + 1 : len;
      this.#epStart.push(start);
      this.#epLength.push(total);
      if (len >= this.horizon + 1) {
        this.#okStart.push(start);
        this.#okLength.push(total);
      }
      pos += len;
    });
    this.#written = n;
    this.#episodesAdded = meta.episodesAdded;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#u.dispose();
    this.#batch.obs.dispose();
    this.#batch.action.dispose();
    this.#batch.reward.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** The bookkeeping of a {@link ReplayBuffer.snapshot} (JSON). */
export interface ReplayMeta {
  capacity: number;
  obsDim: number;
  actionDim: number;
  horizon: number;
  batchSize: number;
  /** Entries ever written (sets where eviction stands). */
  written: number;
  episodesAdded: number;
  /** Stored entries of each episode still present, oldest first. */
  lengths: number[];
  /** False when the oldest episode has lost entries to eviction. */
  firstIsWhole: boolean;
  rng: RngState;
}
