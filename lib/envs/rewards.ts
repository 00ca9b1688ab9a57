/**
 * DMC's soft indicator `rewards.tolerance` (dm_control/utils/rewards.py), scalar version.
 * Every DMC reward is built from it, so the shapes and the validation follow the original.
 */

/** Shapes of the fall-off outside the bounds (the names DMC uses). */
export type Sigmoid =
  | 'gaussian'
  | 'hyperbolic'
  | 'long_tail'
  | 'reciprocal'
  | 'cosine'
  | 'linear'
  | 'quadratic'
  | 'tanh_squared';

/** Options of {@link tolerance}. */
export interface ToleranceOptions {
  /** Inclusive target interval `[lower, upper]`; may be infinite at either end. @defaultValue `[0, 0]` */
  bounds?: readonly [number, number];
  /** Distance from the bounds over which the value falls to `valueAtMargin`; 0 makes an indicator. @defaultValue `0` */
  margin?: number;
  /** Shape of the fall-off. @defaultValue `'gaussian'` */
  sigmoid?: Sigmoid;
  /** Value at distance `margin` from the bounds. @defaultValue `0.1` */
  valueAtMargin?: number;
}

/** The value DMC's tolerance takes at `margin` distance from the bounds by default. */
export const DEFAULT_VALUE_AT_MARGIN = 0.1;

/**
 * Returns 1 when `x` == 0 and falls towards 0 as |x| grows; `valueAt1` at |x| == 1
 * (DMC's `_sigmoids`).
 */
export function sigmoid(x: number, valueAt1: number, kind: Sigmoid): number {
  checkSigmoid(valueAt1, kind);
  return sigmoidUnchecked(x, valueAt1, kind);
}

const SIGMOIDS: ReadonlySet<string> = new Set([
  'gaussian', 'hyperbolic', 'long_tail', 'reciprocal', 'cosine', 'linear', 'quadratic', 'tanh_squared',
]);

/** DMC's argument checks of `_sigmoids`: `valueAt1` in (0, 1), or [0, 1) for the compact shapes. */
function checkSigmoid(valueAt1: number, kind: Sigmoid): void {
  if (!SIGMOIDS.has(kind)) {
    throw new RangeError(`sigmoid: expected one of ${[...SIGMOIDS].join(', ')}, got ${JSON.stringify(kind)}`);
  }
  if (kind === 'cosine' || kind === 'linear' || kind === 'quadratic') {
    if (!(valueAt1 >= 0 && valueAt1 < 1)) {
      throw new RangeError(`valueAtMargin: expected 0 <= value < 1 for '${kind}', got ${valueAt1}`);
    }
  } else if (!(valueAt1 > 0 && valueAt1 < 1)) {
    throw new RangeError(`valueAtMargin: expected 0 < value < 1 for '${kind}', got ${valueAt1}`);
  }
}

function sigmoidUnchecked(x: number, valueAt1: number, kind: Sigmoid): number {
  switch (kind) {
    case 'gaussian': {
      const scale = Math.sqrt(-2 * Math.log(valueAt1));
      return Math.exp(-0.5 * (x * scale) ** 2);
    }
    case 'hyperbolic': {
      const scale = Math.acosh(1 / valueAt1);
      return 1 / Math.cosh(x * scale);
    }
    case 'long_tail': {
      const scale = Math.sqrt(1 / valueAt1 - 1);
      return 1 / ((x * scale) ** 2 + 1);
    }
    case 'reciprocal': {
      const scale = 1 / valueAt1 - 1;
      return 1 / (Math.abs(x) * scale + 1);
    }
    case 'cosine': {
      const scaled = x * (Math.acos(2 * valueAt1 - 1) / Math.PI);
      return Math.abs(scaled) < 1 ? (1 + Math.cos(Math.PI * scaled)) / 2 : 0;
    }
    case 'linear': {
      const scaled = x * (1 - valueAt1);
      return Math.abs(scaled) < 1 ? 1 - scaled : 0;
    }
    case 'quadratic': {
      const scaled = x * Math.sqrt(1 - valueAt1);
      return Math.abs(scaled) < 1 ? 1 - scaled * scaled : 0;
    }
    case 'tanh_squared': {
      const scale = Math.atanh(Math.sqrt(1 - valueAt1));
      return 1 - Math.tanh(x * scale) ** 2;
    }
  }
}

/**
 * 1 when `x` lies inside `bounds`, falling off with distance outside them (DMC's
 * `rewards.tolerance`). With `margin` 0 it is the indicator of the bounds.
 */
export function tolerance(x: number, options: ToleranceOptions = {}): number {
  const lower = options.bounds?.[0] ?? 0;
  const upper = options.bounds?.[1] ?? 0;
  const margin = options.margin ?? 0;
  if (lower > upper) throw new RangeError(`bounds: lower bound ${lower} > upper bound ${upper}`);
  if (!(margin >= 0)) throw new RangeError(`margin: expected >= 0, got ${margin}`);
  if (margin === 0) return lower <= x && x <= upper ? 1 : 0;
  // Checked even in bounds, as DMC evaluates the sigmoid for every x.
  const valueAtMargin = options.valueAtMargin ?? DEFAULT_VALUE_AT_MARGIN;
  const kind = options.sigmoid ?? 'gaussian';
  checkSigmoid(valueAtMargin, kind);
  if (lower <= x && x <= upper) return 1;
  const distance = (x < lower ? lower - x : x - upper) / margin;
  return sigmoidUnchecked(distance, valueAtMargin, kind);
}
