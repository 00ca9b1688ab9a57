// Every GEMM path of this CPU against the float64 reference: the AVX-512 micro-kernels with either
// tile of X·Wᵀ and dY·W (12×32, the default on AMD, and 6×64, elsewhere: TDMPC2_GEMM_ROWS_TILE), AVX2 and
// baseline ones (capped by TDMPC2_CPU_ISA), each in a child process, on shapes that exercise the
// row and column tails (tail panels of one, two and three vectors; last row panels of two thirds
// and one third of a tile, read in place, and of other heights, packed), depth blocks (K > 768)
// and the agent's 536×512×512, in the three forms (X·Wᵀ, dY·W, dYᵀ·X; dYᵀ·X runs 12×32 on
// AVX-512, its Aᵀ packed for groups of row panels, groups of uneven sizes and depth blocks
// included); and that column blocks of B (all three forms; dYᵀ·X sweeps them inside its groups)
// leave every bit of the results as it is.
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { backends } from '../../lib/index.js';
import { cpuRunsIsa } from '../helpers/backends.js';
import { expectClose } from '../helpers/expect-close.js';
import { runPathChild } from '../helpers/path-child.js';
import { uniform } from '../helpers/random.js';
import { linearBackwardRef, linearForwardRef } from '../reference/linear.js';

const child = fileURLToPath(new URL('./gemm-child.mjs', import.meta.url));
const SHAPES: [number, number, number][] = [
  [1, 7, 129],
  [7, 1, 5],
  [13, 129, 33],
  [25, 1030, 47],
  [536, 37, 101],
  [536, 512, 512],
  [16, 33, 40], // last row panel: 4 rows (a third of 12, two thirds of 6)
  [16, 100, 100], // the same 4 rows under three full 32-column panels: 12×32's three-panel tile
  [260, 40, 70], // 8 rows after panels of 12 (two thirds), 2 after panels of 6 (a third)
  [30, 90, 90], // 90 = 64 + a tail of 26 columns (two vectors on AVX-512); 6 rows after 24, packed
  [800, 9, 150], // dW: depth 800 (two depth blocks), 150 rows = 25 6-row panels in 4 groups of 6–7 (AVX2, 2 threads)
];
// [isa, rows tile]: the rows tile is forced where the ISA has a choice.
const PATHS = [
  ['avx512', '6x64'],
  ['avx512', '12x32'],
  ['avx2', '6x16'],
  ['scalar', '6x8'],
] as const;
const best = backends().cpu.isa;
const tol = (K: number) => ({ atol: 2e-6 * Math.sqrt(K) + 1e-6, rtol: 1e-5 });

const cases = SHAPES.map(([M, K, N], i) => ({
  M,
  K,
  N,
  x: uniform(M * K, 100 + i),
  w: uniform(N * K, 200 + i),
  g: uniform(M * N, 300 + i),
}));
const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const f32 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const input = JSON.stringify({ cases: cases.map((c) => ({ ...c, x: b64(c.x), w: b64(c.w), g: b64(c.g) })) });

describe.each(PATHS)('GEMM path %s, rows tile %s', (isa, tile) => {
  test.skipIf(!cpuRunsIsa(isa))(`matches the float64 reference (TDMPC2_CPU_ISA=${isa}, TDMPC2_GEMM_ROWS_TILE=${tile}, 2 threads)`, () => {
    const out = runPathChild<{
      isa: string;
      gemmTiles: { rows: string; transposed: string };
      threads: number;
      results: { Y: string; dX: string; dW: string }[];
    }>(child, input, { TDMPC2_CPU_ISA: isa, TDMPC2_GEMM_ROWS_TILE: tile, TDMPC2_NUM_THREADS: '2' });
    expect(out.isa).toBe(isa);
    expect(out.gemmTiles).toEqual({ rows: tile, transposed: isa === 'avx512' ? '12x32' : tile });
    expect(out.threads).toBe(2);
    cases.forEach(({ M, K, N, x, w, g }, i) => {
      const r = out.results[i]!;
      const label = `${isa} ${tile} M=${M} K=${K} N=${N}`;
      expectClose(f32(r.Y), linearForwardRef(x, w, null, M, K, N), { ...tol(K), label: `${label} Y` });
      const ref = linearBackwardRef(x, w, g, M, K, N);
      expectClose(f32(r.dX), ref.dX, { ...tol(N), label: `${label} dX` });
      expectClose(f32(r.dW), ref.dW, { ...tol(M), label: `${label} dW` });
    });
  });
});

// The column blocks of B (half the L2 by default for X·Wᵀ and dY·W, a quarter for dYᵀ·X; none where
// B fits) must not change a bit: each element is the same dot product in the same order. Forced
// here from none to blocks of 40 KiB (20 KiB for dYᵀ·X: one to a few panels each, uneven last
// blocks, with depth blocks at K = 1030 and 800).
describe('GEMM column blocks', () => {
  test(`give the same bits as no blocks (TDMPC2_GEMM_BLOCK_KIB=0 vs 40, ${best}, 2 threads)`, () => {
    const outputs = ['0', '40'].map(
      (kib) =>
        runPathChild<{ results: { Y: string; dX: string; dW: string }[] }>(child, input, { TDMPC2_GEMM_BLOCK_KIB: kib, TDMPC2_NUM_THREADS: '2' }).results,
    );
    expect(outputs[1]!.length).toBe(SHAPES.length);
    outputs[1]!.forEach((r, i) => {
      const [M, K, N] = SHAPES[i]!;
      for (const k of ['Y', 'dX', 'dW'] as const) expect(r[k], `M=${M} K=${K} N=${N} ${k}`).toBe(outputs[0]![i]![k]);
    });
    cases.forEach(({ M, K, N, x, w }, i) => {
      expectClose(f32(outputs[1]![i]!.Y), linearForwardRef(x, w, null, M, K, N), { ...tol(K), label: `blocks M=${M} K=${K} N=${N} Y` });
    });
  });
});
