// An independent TypeScript Philox4x32-10 (Salmon et al., SC'11; the Random123 reference) and the
// package's addressing on top of it, written from the paper rather than from math/philox.h:
// 32×32→64-bit products from 16-bit halves in exact double arithmetic, low words from Math.imul.
// Number i of a draw at (seed, stream, offset) comes from block offset + ⌊i/4⌋, lane i mod 4, with
// counter (block mod 2³², ⌊block/2³²⌋, stream, 0) and key (seed mod 2³², ⌊seed/2³²⌋).

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO32 = 2 ** 32;

/** High 32 bits of the 64-bit product of two uint32 values. */
function mulhi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  // a·b = aHi·bHi·2³² + (aHi·bLo + aLo·bHi)·2¹⁶ + aLo·bLo; every partial below is exact in a double.
  const mid = aHi * bLo + aLo * bHi + Math.floor((aLo * bLo) / 65536);
  return (aHi * bHi + Math.floor(mid / 65536)) >>> 0;
}

/** The raw bijection: ten rounds of Philox4x32 on counter c under key (k0, k1). */
export function philox4x32_10Ref(c: readonly number[], key: readonly number[]): [number, number, number, number] {
  let [c0, c1, c2, c3] = c.map((x) => x >>> 0) as [number, number, number, number];
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

/** The four raw lanes of block `block` of (seed, stream). */
export function philoxBlockRef(seed: number, stream: number, block: number): [number, number, number, number] {
  const ctr = [block % TWO32, Math.floor(block / TWO32), stream >>> 0, 0];
  return philox4x32_10Ref(ctr, [seed % TWO32, Math.floor(seed / TWO32)]);
}

const U24 = 2 ** -24;

/** Numbers 0..n−1 of the uniform draw at (seed, stream, offset): (x >> 8)·2⁻²⁴. */
export function rngUniformRef(n: number, seed: number, stream: number, offset: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 4) {
    const lanes = philoxBlockRef(seed, stream, offset + i / 4);
    for (let l = 0; l < 4 && i + l < n; l++) out[i + l] = (lanes[l]! >>> 8) * U24;
  }
  return out;
}

/**
 * Numbers 0..n−1 of the normal draw at (seed, stream, offset), in float64 (round with
 * Math.fround to compare bit for bit): Box–Muller on lanes (0,1) and (2,3) with
 * u1 = ((x_a >> 8) + 1)·2⁻²⁴, u2 = (x_b >> 8)·2⁻²⁴: r·cos(2πu2), r·sin(2πu2), r = √(−2 ln u1).
 */
export function rngNormalRef(n: number, seed: number, stream: number, offset: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 4) {
    const lanes = philoxBlockRef(seed, stream, offset + i / 4);
    for (let pair = 0; pair < 2; pair++) {
      const u1 = ((lanes[2 * pair]! >>> 8) + 1) * U24;
      const u2 = (lanes[2 * pair + 1]! >>> 8) * U24;
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      const at = i + 2 * pair;
      if (at < n) out[at] = r * Math.cos(theta);
      if (at + 1 < n) out[at + 1] = r * Math.sin(theta);
    }
  }
  return out;
}
