// The explicit AVX-512 epilogue code (native/cpu/epilogue_avx512.cc: LayerNorm statistics of four
// rows, the LayerNorm + Mish row, the LayerNorm + Mish and LayerNorm + SimNorm backward rows)
// gives bit for bit the results of the portable loops it replaces: the same dense forwards and
// backwards in two child processes, one on the AVX-512 path and one capped at AVX2 (whose GEMM
// gives the same bits — every output is the same k-ordered FMA chain — and whose epilogue is the
// portable code). Inputs include values beyond Mish's linear clamp (20) and exp's floor (−104),
// ±∞ and NaN, N tails (7, 101), with and without dropout, and SimNorm.
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { backends } from '../../lib/index.js';
import { runPathChild } from '../helpers/path-child.js';
import { uniform } from '../helpers/random.js';

const child = fileURLToPath(new URL('./epilogue-child.mjs', import.meta.url));
const avx512 = backends().cpu.isa === 'avx512';
const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

type ChildOut = { isa: string; outputs: Record<string, string> };

function run(isa: string, input: string): ChildOut {
  return runPathChild<ChildOut>(child, input, { TDMPC2_CPU_ISA: isa, TDMPC2_NUM_THREADS: '1' }, 60_000);
}

const f32 = (b64s: string) => {
  const buf = Buffer.from(b64s, 'base64');
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};

/** Runs the request on both paths, expects identical bits everywhere, returns the AVX-512 outputs. */
function compare(request: object): Record<string, Float32Array> {
  const input = JSON.stringify(request);
  const fast = run('avx512', input);
  const portable = run('avx2', input);
  expect([fast.isa, portable.isa]).toEqual(['avx512', 'avx2']);
  expect(Object.keys(fast.outputs)).toEqual(Object.keys(portable.outputs));
  const out: Record<string, Float32Array> = {};
  for (const [name, value] of Object.entries(fast.outputs)) {
    const fa = f32(value);
    const fb = f32(portable.outputs[name]!);
    const first = fa.findIndex((v, i) => !Object.is(v, fb[i]));
    expect(first, first >= 0 ? `${name}: first difference at ${first}: ${fa[first]} vs ${fb[first]}` : '').toBe(-1);
    out[name] = fa;
  }
  return out;
}

const finiteNonzero = (a: Float32Array) => a.filter((v) => Number.isFinite(v) && v !== 0).length;

describe('AVX-512 LayerNorm + Mish row and the LayerNorm + Mish / SimNorm backward rows', () => {
  test.skipIf(!avx512).each([
    [37, 64, 512],
    [13, 33, 101],
    [5, 9, 7],
    [29, 40, 128],
    [11, 20, 200], // SimNorm: one block of 16 groups, then the portable code for the last 9
  ])('match the portable loops bit for bit, M=%i K=%i N=%i', (M, K, N) => {
    const x = uniform(M * K, 1 + N);
    const w = uniform(N * K, 2 + N);
    const gamma = uniform(N, 3 + N, -60, 60); // ±60·x̂: beyond 20 and, with β, below −104
    const beta = uniform(N, 4 + N, -80, 30);
    const request = { M, K, N, x: b64(x), w: b64(w), b: b64(uniform(N, 5 + N)), gamma: b64(gamma), beta: b64(beta), dy: b64(uniform(M * N, 6 + N, -3, 3)) };

    // Finite inputs: every gradient (the row sums of the backward included) compares real numbers.
    const finite = compare(request);
    const y = finite['ln_mish Y']!;
    expect(y.some((v) => v > 20)).toBe(true); // Mish's linear regime was reached
    const runs = ['ln_mish dropout', ...(N % 8 === 0 ? ['ln_simnorm'] : [])];
    for (const run of runs)
      for (const name of ['dH', 'dX', 'dW', 'db', 'dgamma', 'dbeta'])
        expect(finiteNonzero(finite[`${run} ${name}`]!), `${run} ${name}`).toBeGreaterThan(finite[`${run} ${name}`]!.length / 2);

    // Edge values: a NaN row, a huge value, ±∞ in β (which poison the backward's row sums).
    x[3] = Number.NaN; // row 0 becomes NaN throughout
    x[K + 1] = 1e30; // row 1: a huge value, LayerNorm spreads it
    beta[0] = Number.POSITIVE_INFINITY;
    beta[1] = Number.NEGATIVE_INFINITY;
    const edge = compare({ ...request, x: b64(x), beta: b64(beta) });
    expect(edge['ln_mish Y']!.some(Number.isNaN)).toBe(true);
  });
});
