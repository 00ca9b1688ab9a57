/**
 * A small seeded pseudo-random generator for initial-state randomisation: xoshiro128** (Blackman
 * and Vigna) seeded through splitmix32. DMC draws from NumPy's Mersenne Twister; we do not try
 * to reproduce its streams, only its distributions, with the same draws in the same order.
 */

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/** One splitmix32 step; used only to expand a seed into four non-zero state words. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Checks that `seed` is a non-negative safe integer and returns it. */
export function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(
      `${where}: seed: expected a non-negative safe integer, got ${describeValue(seed)}`,
    );
  }
  return seed;
}

function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  return typeof value;
}

/** xoshiro128** with a 128-bit state; `uniform()` has 53 random bits. */
export class Rng {
  private readonly s = new Uint32Array(4);

  /** @param seed a non-negative safe integer; all 53 bits take part. */
  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the stream from `seed`. */
  reseed(seed: number): void {
    const mixer = { x: (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32), 0x632be5ab) };
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(mixer);
    // xoshiro is stuck at the all-zero state; splitmix32 cannot emit four zeros in a row, but
    // keep the invariant explicit.
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const mul5 = Math.imul(s1, 5);
    const rotl7 = (mul5 << 7) | (mul5 >>> 25);
    const result = Math.imul(rotl7, 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** A double uniform in [0, 1) with 53 random bits (NumPy's `random()`). */
  random(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** A double uniform in [low, high) (NumPy's `uniform(low, high)`: low + (high-low)·random()). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** A standard normal draw (Box–Muller; one pair of uniforms per draw, no cached spare). */
  normal(): number {
    const u1 = 1 - this.random(); // (0, 1]: log stays finite
    const u2 = this.random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** The generator's state, for {@link Rng.setState}. */
  getState(): Uint32Array {
    return this.s.slice();
  }

  /** Restores a state from {@link Rng.getState}. */
  setState(state: ArrayLike<number>): void {
    for (let i = 0; i < 4; i++) this.s[i] = state[i]!;
  }
}
