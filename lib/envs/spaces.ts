/** Constructors of {@link Box} spaces. */
import type { Box } from './types.js';

/** A float32 box of shape `[size]` with the same bounds for every element. */
export function box(size: number, low: number, high: number): Box {
  return Object.freeze({
    shape: Object.freeze([size]),
    low: new Float32Array(size).fill(low),
    high: new Float32Array(size).fill(high),
    dtype: 'float32' as const,
  });
}

/** A float32 box of shape `[rows, size]`, bounds flattened row-major. */
export function batchedBox(rows: number, size: number, low: number, high: number): Box {
  return Object.freeze({ ...box(rows * size, low, high), shape: Object.freeze([rows, size]) });
}
