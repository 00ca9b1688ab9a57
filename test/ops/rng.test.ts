// rng: Philox4x32-10 known answers, every backend against the independent TypeScript Philox
// element by element, the addressing rules, and the moments of large draws.
import { describe, expect, test } from 'vitest';

import { Tensor } from '../../lib/index.js';
import { philoxBlock, rngBlocks, rngNormal, rngUniform } from '../../lib/nn/ops.js';
import { RngStream } from '../../lib/nn/rng.js';
import { backendCases } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { philox4x32_10Ref, rngNormalRef, rngUniformRef } from '../reference/philox.js';

const hex = (ws: readonly number[]) => ws.map((w) => w.toString(16).padStart(8, '0')).join(' ');

// Random123 kat_vectors, philox4x32 R=10: (counter, key) → output.
const KAT: [number[], number[], string][] = [
  [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
];

describe('Philox4x32-10 known answers (Random123)', () => {
  test.each(KAT)('native philoxBlock(%j, %j) = %s', (ctr, key, want) => {
    expect(hex(philoxBlock(ctr as [number, number, number, number], key as [number, number]))).toBe(want);
  });
  test.each(KAT)('the TypeScript reference (%j, %j) = %s', (ctr, key, want) => {
    expect(hex(philox4x32_10Ref(ctr, key))).toBe(want);
  });
  test('native and reference agree on arbitrary counters and keys', () => {
    let x = 0x12345678;
    const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
    for (let i = 0; i < 200; i++) {
      const ctr: [number, number, number, number] = [next(), next(), next(), next()];
      const key: [number, number] = [next(), next()];
      expect(philoxBlock(ctr, key)).toEqual(philox4x32_10Ref(ctr, key));
    }
  });
});

// Addresses that exercise the high words of seed and block counter and the full stream range.
const ADDRESSES: [number, number, number][] = [
  [0, 0, 0],
  [1, 7, 3],
  [2 ** 32 + 5, 1, 2 ** 32 - 1], // seed and offset crossing 32 bits
  [2 ** 53 - 1, 0xffffffff, 2 ** 53 - 2 ** 20], // the largest seed and stream, a huge offset
];
const SIZES = [1, 3, 7, 129, 1000];

describe.each(backendCases)('rng on $title', ({ device, skip }) => {
  test.skipIf(skip).each(ADDRESSES)('uniform matches the reference exactly: seed %d stream %d offset %d', (seed, stream, offset) => {
    for (const n of SIZES) {
      const t = Tensor.zeros([n], device).fill(Number.NaN);
      rngUniform(t, seed, stream, offset);
      expect(Array.from(t.toArray())).toEqual(Array.from(rngUniformRef(n, seed, stream, offset)));
      t.dispose();
    }
  });

  test.skipIf(skip).each(ADDRESSES)('normal matches the reference: seed %d stream %d offset %d', (seed, stream, offset) => {
    for (const n of SIZES) {
      const t = Tensor.zeros([n], device).fill(Number.NaN);
      rngNormal(t, seed, stream, offset);
      expectClose(t.toArray(), rngNormalRef(n, seed, stream, offset), { atol: 1e-6, rtol: 1e-6, label: `n=${n}` });
      t.dispose();
    }
  });

  test.skipIf(skip)('normals are the correctly rounded double formula (bit-exact in ≥ 99.99% of 1e6)', () => {
    const n = 1_000_000;
    const t = Tensor.zeros([n], device);
    rngNormal(t, 2024, 3, 17);
    const got = t.toArray();
    const ref = rngNormalRef(n, 2024, 3, 17);
    let exact = 0;
    for (let i = 0; i < n; i++) if (got[i] === Math.fround(ref[i]!)) exact++;
    expect(exact / n).toBeGreaterThanOrEqual(0.9999);
    expectClose(got, ref, { atol: 1e-6, rtol: 1e-6 });
  });

  test.skipIf(skip)('any shape: element i in row-major order is number i of the draw', () => {
    const t = Tensor.zeros([2, 3, 5, 7], device);
    rngNormal(t, 9, 4, 11);
    const flat = Tensor.zeros([210], device);
    rngNormal(flat, 9, 4, 11);
    expect(t.toArray()).toEqual(flat.toArray());
  });

  test.skipIf(skip)('views: a draw into a slice touches only the slice', () => {
    const all = Tensor.zeros([20], device).fill(-7);
    rngUniform(all.view([9], 5), 1, 2, 3);
    const got = all.toArray();
    expect(Array.from(got.subarray(0, 5))).toEqual([-7, -7, -7, -7, -7]);
    expect(Array.from(got.subarray(14))).toEqual([-7, -7, -7, -7, -7, -7]);
    expect(Array.from(got.subarray(5, 14))).toEqual(Array.from(rngUniformRef(9, 1, 2, 3)));
  });

  test.skipIf(skip)('same address, same numbers; another seed, stream or offset, other numbers', () => {
    const draw = (seed: number, stream: number, offset: number) => {
      const t = Tensor.zeros([64], device);
      rngNormal(t, seed, stream, offset);
      return t.toArray();
    };
    const base = draw(5, 1, 100);
    expect(draw(5, 1, 100)).toEqual(base);
    for (const other of [draw(6, 1, 100), draw(5 + 2 ** 32, 1, 100), draw(5, 2, 100), draw(5, 1, 101), draw(5, 1, 100 + 2 ** 32)]) {
      let same = 0;
      for (let i = 0; i < 64; i++) if (other[i] === base[i]) same++;
      expect(same).toBe(0);
    }
  });

  test.skipIf(skip)('offset + 1 is the same draw shifted by four numbers (one block)', () => {
    const a = Tensor.zeros([40], device);
    const b = Tensor.zeros([36], device);
    rngUniform(a, 3, 0, 10);
    rngUniform(b, 3, 0, 11);
    expect(b.toArray()).toEqual(a.toArray().subarray(4));
  });

  test.skipIf(skip)('uniform moments of 1e6 numbers, range and a 100-bin chi-square', () => {
    const n = 1_000_000;
    const t = Tensor.zeros([n], device);
    rngUniform(t, 77, 0, 0);
    const u = t.toArray();
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    const bins = new Float64Array(100);
    for (const x of u) {
      sum += x;
      sq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
      bins[Math.floor(x * 100)]!++;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    // 5σ bounds: σ(mean) = √(1/12/n) ≈ 2.9e-4, σ(var) = √(1/180/n) ≈ 7.5e-5.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 2.9e-4);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * 7.5e-5);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    let chi2 = 0;
    for (const c of bins) chi2 += (c - n / 100) ** 2 / (n / 100);
    // 99 degrees of freedom: mean 99, sd 14; 5 sd above is 169.
    expect(chi2).toBeLessThan(169);
  });

  test.skipIf(skip)('normal moments of 1e6 numbers, tails and pair independence', () => {
    const n = 1_000_000;
    const t = Tensor.zeros([n], device);
    rngNormal(t, 78, 5, 0);
    const z = t.toArray();
    let sum = 0;
    let sq = 0;
    let cube = 0;
    let tail2 = 0;
    let tail3 = 0;
    let cross = 0;
    for (let i = 0; i < n; i++) {
      const x = z[i]!;
      sum += x;
      sq += x * x;
      cube += x * x * x;
      if (Math.abs(x) > 2) tail2++;
      if (Math.abs(x) > 3) tail3++;
      if (i % 2 === 0) cross += x * z[i + 1]!; // the cos and sin of one Box–Muller pair
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    // 5σ bounds: σ(mean) = 1e-3, σ(var) = √(2/n) ≈ 1.41e-3, σ(skew) = √(15/n) ≈ 3.9e-3,
    // P(|z| > 2) = 0.0455003 (σ 2.08e-4), P(|z| > 3) = 0.0026998 (σ 5.2e-5),
    // pair correlation σ = √(2/n) ≈ 1.41e-3.
    expect(Math.abs(mean)).toBeLessThan(5e-3);
    expect(Math.abs(variance - 1)).toBeLessThan(7.1e-3);
    expect(Math.abs(cube / n)).toBeLessThan(5 * 3.9e-3);
    expect(Math.abs(tail2 / n - 0.0455003)).toBeLessThan(5 * 2.08e-4);
    expect(Math.abs(tail3 / n - 0.0026998)).toBeLessThan(5 * 5.2e-5);
    expect(Math.abs(cross / (n / 2))).toBeLessThan(5 * 1.41e-3);
  });

  test.skipIf(skip)('RngStream advances ⌈n/4⌉ blocks per draw and restores its position', () => {
    const rng = new RngStream(42, 3);
    const a = rng.normal(Tensor.zeros([5], device)).toArray();
    expect(rng.offset).toBe(2);
    const b = rng.uniform(Tensor.zeros([8], device)).toArray();
    expect(rng.offset).toBe(4);
    expect(a).toEqual(Float32Array.from(rngNormalRef(5, 42, 3, 0)));
    expect(b).toEqual(rngUniformRef(8, 42, 3, 2));
    const saved = rng.state();
    expect(saved).toEqual({ seed: 42, stream: 3, offset: 4 });
    const next = [rng.normal(Tensor.zeros([7], device)).toArray(), rng.uniform(Tensor.zeros([1], device)).toArray()];
    const again = new RngStream(1);
    again.restore(saved);
    expect([again.normal(Tensor.zeros([7], device)).toArray(), again.uniform(Tensor.zeros([1], device)).toArray()]).toEqual(next);
    expect(again.state()).toEqual(rng.state());
  });
});

describe('rng arguments', () => {
  const t = Tensor.zeros([4]);
  test('seed: a non-negative safe integer', () => {
    expect(() => rngUniform(t, -1, 0, 0)).toThrow(RangeError);
    expect(() => rngUniform(t, 2 ** 53, 0, 0)).toThrow(/rngUniform: seed: expected an integer/);
    expect(() => rngUniform(t, 1.5, 0, 0)).toThrow(RangeError);
    expect(() => rngNormal(t, '1' as unknown as number, 0, 0)).toThrow(TypeError);
  });
  test('stream: a uint32; offset: a non-negative safe integer', () => {
    expect(() => rngUniform(t, 0, 2 ** 32, 0)).toThrow(/rngUniform: stream: expected an integer in \[0, 4294967295\]/);
    expect(() => rngUniform(t, 0, -1, 0)).toThrow(RangeError);
    expect(() => rngNormal(t, 0, 0, -1)).toThrow(/rngNormal: offset/);
    expect(() => rngNormal(t, 0, 0, 2 ** 53)).toThrow(RangeError);
  });
  test('philoxBlock: four and two uint32 words', () => {
    expect(() => philoxBlock([0, 0, 0] as unknown as [number, number, number, number], [0, 0])).toThrow(
      /philoxBlock: counter: expected 4 elements, got 3/,
    );
    expect(() => philoxBlock([0, 0, 0, 0], [0, 2 ** 32])).toThrow(/philoxBlock: key: element 1 must be an integer/);
  });
  test('RngStream validates its state and its tensors', () => {
    expect(() => new RngStream(-1)).toThrow(RangeError);
    expect(() => new RngStream(1, 2 ** 32)).toThrow(RangeError);
    const rng = new RngStream(1, 0, 2 ** 53 - 2);
    expect(() => rng.uniform(Tensor.zeros([9]))).toThrow(/passes 2\^53/);
    expect(rng.offset).toBe(2 ** 53 - 2); // unchanged by the failed draw
    expect(() => rng.uniform([1, 2] as unknown as Tensor)).toThrow(TypeError);
    expect(() => rng.restore({ seed: 1, stream: 0, offset: -3 })).toThrow(RangeError);
  });
  test('rngBlocks is ⌈n/4⌉', () => {
    expect([0, 1, 4, 5, 8, 9].map(rngBlocks)).toEqual([0, 1, 1, 2, 2, 3]);
  });
});
