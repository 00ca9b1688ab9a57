// rng: Philox4x32-10 random tensors addressed by (seed, stream, offset)
// (native/include/tdmpc2/rng.h, math/philox.h).
import { addon, type TensorHandle } from '../../native.js';
import type { Tensor } from '../tensor.js';
import { handle } from './handles.js';

/** The native functions of this family. */
export interface RngNative {
  rngUniform(out: TensorHandle, seed: number, stream: number, offset: number): void;
  rngNormal(out: TensorHandle, seed: number, stream: number, offset: number): void;
  philoxBlock(counter: readonly number[], key: readonly number[]): number[];
}

const native = () => addon() as unknown as RngNative;

/**
 * Fills `out` (any shape, row-major order) with uniform numbers in [0, 1): element i is number i
 * of the draw at (seed, stream, offset), taken from Philox block offset + ⌊i/4⌋, lane i mod 4, as
 * (x >> 8)·2⁻²⁴. The draw consumes {@link rngBlocks}(out.size) blocks: the next independent draw
 * on the same stream starts at offset + rngBlocks(n).
 *
 * @param seed a non-negative safe integer (< 2⁵³), the Philox key
 * @param stream a uint32 naming an independent sequence (one per consumer)
 * @param offset a non-negative safe integer, the first block of the draw
 */
export function rngUniform(out: Tensor, seed: number, stream: number, offset: number): void {
  native().rngUniform(handle('rngUniform', 'out', out), seed, stream, offset);
}

/**
 * Fills `out` with standard normals: Box–Muller on lanes (0, 1) and (2, 3) of each block,
 * u1 = ((x_a >> 8) + 1)·2⁻²⁴, u2 = (x_b >> 8)·2⁻²⁴, lane a = r·cos θ, lane b = r·sin θ with
 * r = √(−2 ln u1), θ = 2π·u2 (computed in double, rounded once). Addressing as {@link rngUniform}.
 */
export function rngNormal(out: Tensor, seed: number, stream: number, offset: number): void {
  native().rngNormal(handle('rngNormal', 'out', out), seed, stream, offset);
}

/**
 * The raw Philox4x32-10 bijection of one 128-bit counter under a 64-bit key (for known-answer
 * tests): `counter` is four uint32 words, `key` two; returns four uint32 words.
 */
export function philoxBlock(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): [number, number, number, number] {
  return native().philoxBlock(counter, key) as [number, number, number, number];
}

/** Philox blocks a draw of n numbers consumes (⌈n/4⌉): how far to advance the offset. */
export function rngBlocks(n: number): number {
  return Math.ceil(n / 4);
}
