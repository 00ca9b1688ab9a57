// The explicit AVX-512 epilogue code (native/cpu/epilogue_avx512.cc: LayerNorm statistics of four
// rows, the LayerNorm + Mish row) gives bit for bit the results of the portable loops it
// replaces: the same dense forwards in two child processes, one on the AVX-512 path and one
// capped at AVX2 (whose GEMM gives the same bits — every output is the same k-ordered FMA chain —
// and whose epilogue is the portable code). Inputs include values beyond Mish's linear clamp (20)
// and exp's floor (−104), ±∞ and NaN, N tails (7, 101), with and without dropout, and SimNorm.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { backends } from '../../lib/index.js';
import { uniform } from '../helpers/random.js';

const child = fileURLToPath(new URL('./epilogue-child.mjs', import.meta.url));
const avx512 = backends().cpu.isa === 'avx512';
const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

type ChildOut = { isa: string; outputs: Record<string, string> };

function run(isa: string, input: string): ChildOut {
  const r = spawnSync(process.execPath, [child], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, TDMPC2_CPU_ISA: isa, TDMPC2_NUM_THREADS: '1' },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ChildOut;
}

describe('AVX-512 LayerNorm + Mish row', () => {
  test.skipIf(!avx512).each([
    [37, 64, 512],
    [13, 33, 101],
    [5, 9, 7],
    [29, 40, 128],
  ])('matches the portable loop bit for bit, M=%i K=%i N=%i', (M, K, N) => {
    const x = uniform(M * K, 1 + N);
    x[3] = Number.NaN; // row 0 becomes NaN throughout
    x[K + 1] = 1e30; // row 1: a huge value, LayerNorm spreads it
    const w = uniform(N * K, 2 + N);
    const gamma = uniform(N, 3 + N, -60, 60); // ±60·x̂: beyond 20 and, with β, below −104
    const beta = uniform(N, 4 + N, -80, 30);
    beta[0] = Number.POSITIVE_INFINITY;
    beta[1] = Number.NEGATIVE_INFINITY;
    const input = JSON.stringify({ M, K, N, x: b64(x), w: b64(w), b: b64(uniform(N, 5 + N)), gamma: b64(gamma), beta: b64(beta) });
    const fast = run('avx512', input);
    const portable = run('avx2', input);
    expect([fast.isa, portable.isa]).toEqual(['avx512', 'avx2']);
    const f32 = (b64s: string) => {
      const buf = Buffer.from(b64s, 'base64');
      return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    };
    expect(Object.keys(fast.outputs)).toEqual(Object.keys(portable.outputs));
    for (const [name, value] of Object.entries(fast.outputs)) {
      const fa = f32(value);
      const fb = f32(portable.outputs[name]!);
      const first = fa.findIndex((v, i) => !Object.is(v, fb[i]));
      expect(first, first >= 0 ? `${name}: first difference at ${first}: ${fa[first]} vs ${fb[first]}` : '').toBe(-1);
    }
    // The edge cases were reached: a NaN row and Mish's linear regime (x > 20).
    const y = f32(fast.outputs['ln_mish Y']!);
    expect(y.some(Number.isNaN)).toBe(true);
    expect(y.some((v) => v > 20)).toBe(true);
  });
});
