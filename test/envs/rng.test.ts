import { describe, expect, test } from 'vitest';
import { Rng, checkSeed } from '../../lib/envs/rng.js';

describe('Rng (xoshiro128**)', () => {
  test('the same seed gives the same stream; other seeds differ', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 8 }, () => rng.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    // Seeds that differ only above bit 32 give different streams too.
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  test('reseed and setState restart and resume the stream exactly', () => {
    const rng = new Rng(3);
    const first = [rng.random(), rng.random()];
    const saved = rng.getState();
    const next = [rng.normal(), rng.uniform(-2, 5)];
    rng.reseed(3);
    expect([rng.random(), rng.random()]).toEqual(first);
    rng.setState(saved);
    expect([rng.normal(), rng.uniform(-2, 5)]).toEqual(next);
  });

  test('uniform and normal have the right range and moments', () => {
    const rng = new Rng(11);
    const n = 200_000;
    let sum = 0;
    let sumSquares = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform(-1, 3);
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = rng.normal();
      sum += z;
      sumSquares += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(3);
    expect(min).toBeLessThan(-0.99);
    expect(max).toBeGreaterThan(2.99);
    // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032.
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.015);
  });

  test('checkSeed accepts non-negative safe integers only', () => {
    expect(checkSeed(0, 'f')).toBe(0);
    expect(checkSeed(2 ** 53 - 1, 'f')).toBe(2 ** 53 - 1);
    for (const bad of [-1, 1.5, NaN, 2 ** 53, '1', undefined]) {
      expect(() => checkSeed(bad, 'f')).toThrow(/f: seed: expected a non-negative safe integer/);
    }
  });
});
