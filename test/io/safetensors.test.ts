import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { parseSafeTensors, serializeSafeTensors } from '../../lib/io/safetensors.js';

describe('safetensors', () => {
  test('round trip with metadata', () => {
    const bytes = serializeSafeTensors(
      { b: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, a: { shape: [3], data: new Float32Array([5, 6, 7]) } },
      { step: '42' },
    );
    const f = parseSafeTensors(bytes);
    expect([...f.tensors.keys()]).toEqual(['a', 'b']);
    expect(Array.from(f.tensors.get('b')!.data)).toEqual([1, 2, 3, 4]);
    expect(f.tensors.get('a')!.shape).toEqual([3]);
    expect(f.metadata).toEqual({ step: '42' });
  });

  test('reads the PyTorch-written fixture', () => {
    const path = fileURLToPath(new URL('../fixtures/update-golden.safetensors', import.meta.url));
    const f = parseSafeTensors(readFileSync(path), path);
    expect(f.tensors.get('init.qs.0.weight')!.shape).toEqual([5, 32, 18]);
    expect(JSON.parse(f.metadata.config!).latent_dim).toBe(16);
  });

  test('truncated and corrupted files give clear errors', () => {
    const good = serializeSafeTensors({ a: { shape: [4], data: new Float32Array(4) } });
    expect(() => parseSafeTensors(good.subarray(0, 5), 'x.safetensors')).toThrow('x.safetensors: truncated');
    expect(() => parseSafeTensors(good.subarray(0, good.length - 4), 'x.safetensors')).toThrow(/tensor "a": data_offsets .*\(truncated or corrupted\)/);
    const bad = good.slice();
    bad[9] = 0x7b; // break the JSON
    bad[8] = 0x7b;
    expect(() => parseSafeTensors(bad, 'x.safetensors')).toThrow(/corrupted header JSON/);
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => parseSafeTensors(huge, 'x.safetensors')).toThrow(/header length/);
  });
});
