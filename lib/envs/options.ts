/** Checks and defaults the option objects of the environment constructors and methods. */
import { checkSeed } from './rng.js';
import type { RenderOptions, ResetOptions } from './types.js';
import { describeType } from './validate.js';

/** Default frame size of {@link DmcEnv.render}. */
export const DEFAULT_FRAME = { width: 320, height: 240 } as const;

/** Checks optional render options and fills in the defaults. */
export function frameSize(options: RenderOptions | undefined, where: string): { width: number; height: number } {
  const size = { width: options?.width ?? DEFAULT_FRAME.width, height: options?.height ?? DEFAULT_FRAME.height };
  for (const key of ['width', 'height'] as const) {
    const value = size[key];
    if (!Number.isInteger(value) || value < 1 || value > 8192) {
      throw new RangeError(`${where}: options.${key}: expected an integer in [1, 8192], got ${String(value)}`);
    }
  }
  return size;
}

/** Checks `reset` options and returns the seed, if any. */
export function resetSeed(options: unknown, where: string): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options: expected an object like { seed: 1 }, got ${describeType(options)}`);
  }
  const seed = (options as ResetOptions).seed;
  return seed === undefined ? undefined : checkSeed(seed, where);
}

/** Reads the seed option, drawing a random one when absent. */
export function seedOption(options: unknown, where: string): number {
  if (options === undefined) return randomSeed();
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options: expected an object like { seed: 1 }, got ${describeType(options)}`);
  }
  const seed = (options as { seed?: unknown }).seed;
  return seed === undefined ? randomSeed() : checkSeed(seed, where);
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

