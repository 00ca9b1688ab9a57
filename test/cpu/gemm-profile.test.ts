// The CPU GEMM profile (lib/bench/gemm-profile.ts): between start and stop every product and every
// pack of B is recorded under its form and shape, nothing outside that window is, and the table
// adds up what was recorded.
import { describe, expect, test } from 'vitest';

import { formatGemmProfile, gemmProfileTotals, profileGemms, type GemmProfileEntry } from '../../lib/bench/gemm-profile.js';
import { Tensor } from '../../lib/index.js';
import { linearBackward, linearForward } from '../../lib/nn/ops.js';
import { uniform } from '../helpers/random.js';

const [M, K, N] = [37, 19, 23];

function layer() {
  const X = Tensor.from(uniform(M * K, 1), [M, K]);
  const W = Tensor.from(uniform(N * K, 2), [N, K]);
  const b = Tensor.from(uniform(N, 3), [N]);
  const Y = Tensor.zeros([M, N]);
  const dY = Tensor.from(uniform(M * N, 4), [M, N]);
  const dX = Tensor.zeros([M, K]);
  const dW = Tensor.zeros([N, K]);
  return { X, W, b, Y, dY, dX, dW, dispose: () => [X, W, b, Y, dY, dX, dW].forEach((t) => t.dispose()) };
}

/** The entries without their times, in a fixed order. */
const shapes = (entries: readonly GemmProfileEntry[]) =>
  entries.map(({ form, M, N, K, epilogue, calls }) => ({ form, M, N, K, epilogue, calls })).sort((a, b) => a.form.localeCompare(b.form) || Number(a.epilogue) - Number(b.epilogue));

describe('profileGemms', () => {
  test('records each form and shape of a linear layer forward and backward, with its packs', () => {
    const l = layer();
    const profile = profileGemms(() => {
      linearForward(l.X, l.W, l.b, l.Y);
      linearForward(l.X, l.W, null, l.Y);
      linearBackward(l.X, l.W, l.dY, l.dX, l.dW, null);
    });
    expect(shapes(profile.entries)).toEqual([
      { form: 'nn', M, N: K, K: N, epilogue: false, calls: 1 }, // dX = dY·W
      { form: 'nt', M, N, K, epilogue: false, calls: 1 }, // Y = X·Wᵀ
      { form: 'nt', M, N, K, epilogue: true, calls: 1 }, // Y = X·Wᵀ + b (bias in the row epilogue)
      { form: 'pack nn', M: 0, N: K, K: N, epilogue: false, calls: 1 },
      { form: 'pack nt', M: 0, N, K, epilogue: false, calls: 2 },
      { form: 'pack tn', M: 0, N: K, K: M, epilogue: false, calls: 1 },
      { form: 'tn', M: N, N: K, K: M, epilogue: false, calls: 1 }, // dW += dYᵀ·X
    ]);
    for (const e of profile.entries) expect(e.seconds).toBeGreaterThan(0);
    // Products first, then packs, each group longest first.
    const packAt = profile.entries.findIndex((e) => e.form.startsWith('pack'));
    expect(profile.entries.slice(packAt).every((e) => e.form.startsWith('pack'))).toBe(true);
    expect(profile.entries.slice(0, packAt).every((e) => !e.form.startsWith('pack'))).toBe(true);
    const totals = gemmProfileTotals(profile.entries);
    expect(totals.flop).toBe(4 * 2 * M * N * K);
    expect(profile.runs).toBe(1);
    expect(totals.productSeconds + totals.packSeconds).toBeLessThanOrEqual(profile.msPerRun / 1000);
    l.dispose();
  });

  test('records nothing outside the window, and a new window starts empty', () => {
    const l = layer();
    profileGemms(() => linearForward(l.X, l.W, l.b, l.Y));
    linearForward(l.X, l.W, l.b, l.Y); // profile off
    expect(profileGemms(() => {}).entries).toEqual([]);
    l.dispose();
  });

  test('stops the profile when the workload throws', () => {
    const l = layer();
    expect(() =>
      profileGemms(() => {
        linearForward(l.X, l.W, null, l.Y);
        throw new Error('workload failed');
      }),
    ).toThrow('workload failed');
    linearForward(l.X, l.W, null, l.Y);
    expect(profileGemms(() => {}).entries).toEqual([]);
    l.dispose();
  });

  test('the table has a row per entry and the totals of the products and the packs', () => {
    const profile = {
      runs: 2,
      msPerRun: 100,
      entries: [
        { form: 'nt', M: 512, N: 512, K: 512, epilogue: true, calls: 4, seconds: 0.01 },
        { form: 'tn', M: 512, N: 512, K: 256, epilogue: false, calls: 2, seconds: 0.004 },
        { form: 'pack nt', M: 0, N: 512, K: 512, epilogue: false, calls: 4, seconds: 0.002 },
        { form: 'nn', M: 8, N: 8, K: 8, epilogue: false, calls: 2, seconds: 0.0000002 },
      ] as GemmProfileEntry[],
    };
    const text = formatGemmProfile(profile, 200).split('\n');
    // nt: 5 ms per run, 2 calls, 4·2·512³ FLOP in 10 ms = 107.4 GFLOP/s, 54 % of 200.
    expect(text[1]).toMatch(/^nt\s+512×512×512\s+yes\s+2\.0\s+5\.00\s+5\.0 %\s+107\.4\s+54 %$/);
    expect(text[2]).toMatch(/^tn\s+512×512×256\s+1\.0\s+2\.00\s+2\.0 %\s+67\.1\s+34 %$/);
    expect(text[3]).toMatch(/^pack nt\s+512×512\s+2\.0\s+1\.00\s+1\.0 %$/);
    expect(text[4]).toMatch(/^\(1 more, each < 0\.1 %\)\s+0\.00\s+0\.0 %$/);
    expect(text[5]).toBe('products 7.0 ms (7.0 %, 95.9 GFLOP/s, 48 % of 200), packs 1.0 ms (1.0 %), the rest 92.0 ms (92.0 %) of 100.0 ms');
  });
});
