import { describe, expect, test } from 'vitest';
import { tolerance, type Sigmoid } from '../../lib/envs/index.js';

describe('tolerance (DMC rewards.tolerance)', () => {
  test('is 1 inside the bounds, bounds included, whatever the margin', () => {
    for (const margin of [0, 0.5]) {
      expect(tolerance(0, { bounds: [0, 0], margin })).toBe(1);
      expect(tolerance(-1, { bounds: [-1, 2], margin })).toBe(1);
      expect(tolerance(2, { bounds: [-1, 2], margin })).toBe(1);
      expect(tolerance(1e9, { bounds: [10, Infinity], margin })).toBe(1);
    }
  });

  test('with margin 0 it is the indicator of the bounds', () => {
    expect(tolerance(0.2501, { bounds: [-0.25, 0.25] })).toBe(0);
    expect(tolerance(-0.26, { bounds: [-0.25, 0.25] })).toBe(0);
    expect(tolerance(0.9949, { bounds: [0.995, 1] })).toBe(0);
  });

  const sigmoids: Sigmoid[] = ['gaussian', 'hyperbolic', 'long_tail', 'reciprocal', 'cosine', 'linear', 'quadratic', 'tanh_squared'];
  test.each(sigmoids)('%s takes valueAtMargin at distance margin, on both sides', (sigmoid) => {
    for (const valueAtMargin of [0.1, 0.5, 0.9]) {
      const options = { bounds: [1, 2] as const, margin: 0.5, sigmoid, valueAtMargin };
      expect(tolerance(0.5, options)).toBeCloseTo(valueAtMargin, 12);
      expect(tolerance(2.5, options)).toBeCloseTo(valueAtMargin, 12);
      // Monotone fall-off away from the bounds.
      expect(tolerance(0.75, options)).toBeGreaterThan(tolerance(0.5, options));
      expect(tolerance(0.75, options)).toBeLessThan(1);
    }
  });

  test('matches the closed forms of dm_control/utils/rewards.py', () => {
    // gaussian: exp(-½ (d·sqrt(-2 ln v))²) = v^(d²)
    expect(tolerance(2, { margin: 1 })).toBeCloseTo(1e-4, 15);
    // long_tail: 1 / ((d·sqrt(1/v - 1))² + 1)
    expect(tolerance(2, { margin: 1, sigmoid: 'long_tail' })).toBeCloseTo(1 / 37, 15);
    // reciprocal: 1 / (|d|·(1/v - 1) + 1)
    expect(tolerance(-2, { margin: 1, sigmoid: 'reciprocal' })).toBeCloseTo(1 / 19, 15);
    // hyperbolic: 1 / cosh(d·acosh(1/v))
    expect(tolerance(2, { margin: 1, sigmoid: 'hyperbolic' })).toBeCloseTo(1 / Math.cosh(2 * Math.acosh(10)), 15);
    // Compact shapes with value 0 at the margin and 0 beyond it.
    expect(tolerance(0.5, { margin: 1, sigmoid: 'linear', valueAtMargin: 0 })).toBe(0.5);
    expect(tolerance(0.5, { margin: 1, sigmoid: 'quadratic', valueAtMargin: 0 })).toBe(0.75);
    expect(tolerance(0.5, { margin: 1, sigmoid: 'cosine', valueAtMargin: 0 })).toBeCloseTo(0.5, 15);
    for (const sigmoid of ['linear', 'quadratic', 'cosine'] as const) {
      expect(tolerance(1, { margin: 1, sigmoid, valueAtMargin: 0 })).toBe(0);
      expect(tolerance(-3, { margin: 1, sigmoid, valueAtMargin: 0 })).toBe(0);
    }
    // The cheetah's run reward: linear ramp from 0 at speed 0 to 1 at speed 10.
    const run = { bounds: [10, Infinity] as const, margin: 10, sigmoid: 'linear' as const, valueAtMargin: 0 };
    expect(tolerance(0, run)).toBe(0);
    expect(tolerance(2.5, run)).toBe(0.25);
    expect(tolerance(-1, run)).toBe(0);
  });

  test('rejects what DMC rejects, with RangeErrors that name the argument', () => {
    expect(() => tolerance(0, { bounds: [1, 0] })).toThrow(/bounds: lower bound 1 > upper bound 0/);
    expect(() => tolerance(0, { margin: -1 })).toThrow(/margin: expected >= 0, got -1/);
    expect(() => tolerance(0, { margin: 1, valueAtMargin: 0 })).toThrow(/valueAtMargin: expected 0 < value < 1 for 'gaussian', got 0/);
    expect(() => tolerance(0, { margin: 1, sigmoid: 'linear', valueAtMargin: 1 })).toThrow(RangeError);
    expect(() => tolerance(5, { margin: 1, sigmoid: 'bogus' as Sigmoid })).toThrow(/sigmoid: expected one of gaussian/);
  });
});
