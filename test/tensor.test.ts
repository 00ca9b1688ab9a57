import { describe, expect, test } from 'vitest';

import { Tensor, TdMpcError, backends } from '../lib/index.js';
import { backendCases } from './helpers/backends.js';

describe('backends()', () => {
  test('reports the CPU path and CUDA with devices or a reason', () => {
    const b = backends();
    expect(['avx512', 'avx2', 'scalar']).toContain(b.cpu.isa);
    const tiles = { avx512: ['6x64', '12x32'], avx2: ['6x16'], scalar: ['6x8'] }[b.cpu.isa];
    expect(tiles).toContain(b.cpu.gemmTiles.rows);
    expect(b.cpu.gemmTiles.transposed).toBe(b.cpu.isa === 'avx512' ? '12x32' : tiles[0]);
    expect(b.cpu.threads).toBeGreaterThanOrEqual(1);
    if (b.cuda.available) expect(b.cuda.devices.length).toBeGreaterThan(0);
    else expect(b.cuda.reason).toMatch(/^(built without CUDA|no driver|driver too old|no device|CUDA error)/);
    expect(['cmake-js', 'node-gyp']).toContain(b.binary.builder);
  });
});

describe.each(backendCases)('Tensor on $title', ({ device, skip }) => {
  test.skipIf(skip)('round-trips data and shape', () => {
    const t = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], device);
    expect(t.shape).toEqual([2, 3]);
    expect(t.device).toBe(device);
    expect(t.size).toBe(6);
    expect(Array.from(t.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
    const out = new Float32Array(6);
    expect(t.toArray(out)).toBe(out);
    t.write(new Float32Array([6, 5, 4, 3, 2, 1]));
    expect(Array.from(t.toArray())).toEqual([6, 5, 4, 3, 2, 1]);
    t.fill(7);
    expect(Array.from(t.toArray())).toEqual([7, 7, 7, 7, 7, 7]);
    t.dispose();
  });

  test.skipIf(skip)('zeros, 4 dims, empty tensors', () => {
    const z = Tensor.zeros([2, 1, 3, 2], device);
    expect(z.toArray().every((v) => v === 0)).toBe(true);
    const e = Tensor.zeros([0, 5], device);
    expect(e.size).toBe(0);
    expect(e.toArray().length).toBe(0);
  });

  test.skipIf(skip)('views share memory and outlive the disposed parent', () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5], [6], device);
    const tail = t.view([2, 2], 2);
    expect(Array.from(tail.toArray())).toEqual([2, 3, 4, 5]);
    tail.fill(9);
    expect(Array.from(t.toArray())).toEqual([0, 1, 9, 9, 9, 9]);
    const r = t.reshape([3, 2]);
    t.dispose();
    expect(Array.from(r.toArray())).toEqual([0, 1, 9, 9, 9, 9]);
    expect(() => t.view([7])).toThrow(TdMpcError);
    expect(() => r.view([7])).toThrow(RangeError);
    expect(() => r.reshape([4])).toThrow(/cannot reshape \[3, 2\]/);
  });

  test.skipIf(skip)('copyFrom copies across devices', () => {
    const a = Tensor.from([1, 2, 3], [3], device);
    const b = Tensor.zeros([3], 'cpu');
    b.copyFrom(a);
    expect(Array.from(b.toArray())).toEqual([1, 2, 3]);
    expect(() => b.copyFrom(Tensor.zeros([4], device))).toThrow(RangeError);
  });
});

describe('Tensor lifecycle and input checks', () => {
  test('use after dispose throws ERR_DISPOSED; dispose is idempotent', () => {
    const t = Tensor.from([1, 2], [2]);
    t[Symbol.dispose]();
    expect(t.disposed).toBe(true);
    t.dispose();
    try {
      t.toArray();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TdMpcError);
      expect((e as TdMpcError).code).toBe('ERR_DISPOSED');
    }
  });

  test('bad data and shapes', () => {
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(/needs 4 elements, got 3/);
    expect(() => Tensor.from([1], [1, 1, 1, 1, 1])).toThrow(RangeError);
    expect(() => Tensor.from([1], [-1])).toThrow(RangeError);
    expect(() => Tensor.from('abc' as unknown as number[], [3])).toThrow(TypeError);
    expect(() => Tensor.zeros([2 ** 20, 2 ** 20])).toThrow(/more than the limit/);
    expect(() => Tensor.zeros([2], 'gpu' as 'cpu')).toThrow(RangeError);
  });

  test('cuda tensors where CUDA is unavailable throw with the reason', () => {
    const b = backends();
    if (b.cuda.available) return; // covered by the cuda suites
    expect(() => Tensor.zeros([2], 'cuda:0')).toThrow(`CUDA is unavailable (${b.cuda.reason})`);
  });

  test('a forgotten tensor is freed by the backstop without crashing', async () => {
    for (let i = 0; i < 200; i++) Tensor.zeros([1024, 256]);
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 10));
  });
});
