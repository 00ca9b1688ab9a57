// The explicit epilogue rows (native/cpu/epilogue_avx512.cc and epilogue_avx2.cc: LayerNorm
// statistics of four rows, the LayerNorm + Mish and LayerNorm + SimNorm rows, their backward rows)
// give bit for bit the results of the portable loops they replace: the same dense forwards and
// backwards in two child processes on the same instruction set, one with the explicit rows and one
// with TDMPC2_EPILOGUE_ROWS=portable. Each instruction set this CPU runs is checked (AVX-512 and
// AVX2 on an AVX-512 CPU; the GEMM is capped with TDMPC2_CPU_ISA), and the AVX-512 and AVX2 rows
// against each other (the GEMMs give the same bits: every output is the same k-ordered FMA chain).
// Inputs include values beyond Mish's linear clamp (20) and exp's floor (−104), ±∞ and NaN, N tails
// (7, 101), with and without dropout, and SimNorm with and without a tail of groups past the last
// block of 64 values.
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { cpuRunsIsa } from '../helpers/backends.js';
import { runPathChild } from '../helpers/path-child.js';
import { uniform } from '../helpers/random.js';

const child = fileURLToPath(new URL('./epilogue-child.mjs', import.meta.url));
const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

type ChildOut = { isa: string; epilogueRows: string; outputs: Record<string, string> };

function run(isa: string, rows: 'explicit' | 'portable', input: string): ChildOut {
  const env = { TDMPC2_CPU_ISA: isa, TDMPC2_NUM_THREADS: '1', ...(rows === 'portable' ? { TDMPC2_EPILOGUE_ROWS: 'portable' } : {}) };
  const out = runPathChild<ChildOut>(child, input, env, 60_000);
  expect([out.isa, out.epilogueRows]).toEqual([isa, rows === 'portable' ? 'portable' : isa]);
  return out;
}

const f32 = (b64s: string) => {
  const buf = Buffer.from(b64s, 'base64');
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};

/** Expects identical bits in every output of a and b; returns a's outputs. */
function expectSameBits(a: ChildOut, b: ChildOut): Record<string, Float32Array> {
  expect(Object.keys(a.outputs)).toEqual(Object.keys(b.outputs));
  const out: Record<string, Float32Array> = {};
  for (const [name, value] of Object.entries(a.outputs)) {
    const fa = f32(value);
    const fb = f32(b.outputs[name]!);
    const first = fa.findIndex((v, i) => !Object.is(v, fb[i]));
    expect(first, first >= 0 ? `${name}: first difference at ${first}: ${fa[first]} vs ${fb[first]}` : '').toBe(-1);
    out[name] = fa;
  }
  return out;
}

/** Runs the request with the explicit and the portable rows of `isa`, expects identical bits. */
function compare(isa: string, request: object): Record<string, Float32Array> {
  const input = JSON.stringify(request);
  return expectSameBits(run(isa, 'explicit', input), run(isa, 'portable', input));
}

const finiteNonzero = (a: Float32Array) => a.filter((v) => Number.isFinite(v) && v !== 0).length;

const shapes: [number, number, number][] = [
  [37, 64, 512],
  [13, 33, 101],
  [5, 9, 7],
  [29, 40, 128],
  [11, 20, 200], // SimNorm: three blocks of 64 values (AVX2) or one of 128 (AVX-512), then a tail
];

function inputs(M: number, K: number, N: number) {
  return {
    x: uniform(M * K, 1 + N),
    gamma: uniform(N, 3 + N, -60, 60), // ±60·x̂: beyond 20 and, with β, below −104
    beta: uniform(N, 4 + N, -80, 30),
  };
}

function requestFor(M: number, K: number, N: number, x: Float32Array, gamma: Float32Array, beta: Float32Array) {
  return { M, K, N, x: b64(x), w: b64(uniform(N * K, 2 + N)), b: b64(uniform(N, 5 + N)), gamma: b64(gamma), beta: b64(beta), dy: b64(uniform(M * N, 6 + N, -3, 3)) };
}

describe.each(['avx512', 'avx2'] as const)('explicit %s epilogue rows', (isa) => {
  test.skipIf(!cpuRunsIsa(isa)).each(shapes)(`match the portable loops bit for bit, M=%i K=%i N=%i (skipped on CPUs without ${isa})`, (M, K, N) => {
    const { x, gamma, beta } = inputs(M, K, N);
    const request = requestFor(M, K, N, x, gamma, beta);

    // Finite inputs: every gradient (the row sums of the backward included) compares real numbers.
    const finite = compare(isa, request);
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
    const edge = compare(isa, { ...request, x: b64(x), beta: b64(beta) });
    expect(edge['ln_mish Y']!.some(Number.isNaN)).toBe(true);
  });
});

describe('AVX-512 and AVX2 epilogue rows', () => {
  test.skipIf(!cpuRunsIsa('avx512'))('give the same bits as each other (M=37 K=64 N=512; skipped on CPUs without AVX-512)', () => {
    const { x, gamma, beta } = inputs(37, 64, 512);
    const input = JSON.stringify(requestFor(37, 64, 512, x, gamma, beta));
    expectSameBits(run('avx512', 'explicit', input), run('avx2', 'explicit', input));
  });
});
