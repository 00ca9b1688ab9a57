// RngStream: one reproducible sequence of random tensors. A draw of n numbers reads Philox blocks
// offset .. offset + ⌈n/4⌉ − 1 of (seed, stream) and then advances offset past them, so a run is a
// pure function of its seed and the order of its draws, the same on every backend, and its
// position can be checkpointed (state) and resumed (restore) exactly.
import { rngBlocks, rngNormal, rngUniform } from './kernels/rng.js';
import { Tensor } from './tensor.js';

/** The position of an RngStream: everything needed to continue it. */
export interface RngState {
  /** Philox key: a non-negative safe integer. */
  seed: number;
  /** Independent sequence id under the same seed: a uint32. */
  stream: number;
  /** The next unused Philox block: a non-negative safe integer. */
  offset: number;
}

function checkState(what: string, s: RngState): void {
  if (s === null || typeof s !== 'object') throw new TypeError(`${what}: expected { seed, stream, offset }, got ${s}`);
  const { seed, stream, offset } = s;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`${what}: seed: expected a non-negative safe integer, got ${seed}`);
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff)
    throw new RangeError(`${what}: stream: expected an integer in [0, 4294967295], got ${stream}`);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`${what}: offset: expected a non-negative safe integer, got ${offset}`);
}

export class RngStream {
  #seed: number;
  #stream: number;
  #offset: number;

  /**
   * @param seed a non-negative safe integer (the run's seed)
   * @param stream which independent sequence of that seed (e.g. one per consumer: planner, policy, dropout)
   * @param offset the first Philox block to use (0 for a fresh stream)
   */
  constructor(seed: number, stream = 0, offset = 0) {
    checkState('RngStream', { seed, stream, offset });
    this.#seed = seed;
    this.#stream = stream;
    this.#offset = offset;
  }

  get seed(): number {
    return this.#seed;
  }

  get stream(): number {
    return this.#stream;
  }

  /** The next unused Philox block. */
  get offset(): number {
    return this.#offset;
  }

  /** Fills `t` with uniforms in [0, 1) and advances past them; returns `t`. */
  uniform(t: Tensor): Tensor {
    const next = this.#advance(t);
    rngUniform(t, this.#seed, this.#stream, this.#offset);
    this.#offset = next;
    return t;
  }

  /** Fills `t` with standard normals and advances past them; returns `t`. */
  normal(t: Tensor): Tensor {
    const next = this.#advance(t);
    rngNormal(t, this.#seed, this.#stream, this.#offset);
    this.#offset = next;
    return t;
  }

  /**
   * Reserves the blocks of a draw of n numbers made elsewhere (a kernel that addresses Philox
   * itself, such as dropout): returns the offset to pass it and advances past the draw.
   */
  reserve(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`RngStream.reserve: n: expected a non-negative integer, got ${n}`);
    const at = this.#offset;
    const next = at + rngBlocks(n);
    if (!Number.isSafeInteger(next)) throw new RangeError(`RngStream: offset ${at} + ${rngBlocks(n)} blocks passes 2^53 − 1`);
    this.#offset = next;
    return at;
  }

  /** A copy of the position (for checkpoints). */
  state(): RngState {
    return { seed: this.#seed, stream: this.#stream, offset: this.#offset };
  }

  /** Continues from a saved position: the next draws repeat those made after state() was taken. */
  restore(state: RngState): void {
    checkState('RngStream.restore', state);
    this.#seed = state.seed;
    this.#stream = state.stream;
    this.#offset = state.offset;
  }

  // The offset after a draw filling t; the stream is exhausted past 2^53 − 1 blocks.
  #advance(t: Tensor): number {
    if (!(t instanceof Tensor)) throw new TypeError(`RngStream: expected a Tensor to fill, got ${typeof t}`);
    const next = this.#offset + rngBlocks(t.size);
    if (!Number.isSafeInteger(next))
      throw new RangeError(`RngStream: offset ${this.#offset} + ${rngBlocks(t.size)} blocks passes 2^53 − 1`);
    return next;
  }
}
