// The statistics the benchmarks report (lib/bench/median.ts).
import { describe, expect, it } from 'vitest';

import { median, pairedRatio } from '../../lib/bench/median.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
});

describe('pairedRatio', () => {
  it('divides round by round, then takes the median', () => {
    // Per-round ratios 1.1, 0.5, 1.2 → median 1.1.
    expect(pairedRatio([11, 5, 24], [10, 10, 20])).toBeCloseTo(1.1, 12);
  });

  it('lets no single round where the clock moved between the two sides decide', () => {
    // The peer is 2 % slower than ours in rounds 0 and 2; in round 1 the core slowed by 30 % after
    // the peer ran and before ours did. The unpaired ratio of medians reads that round's clock.
    const ours = [1.0, 1.3, 1.3];
    const peer = [1.02, 1.02, 1.326];
    expect(median(peer) / median(ours)).toBeCloseTo(1.02 / 1.3, 12);
    expect(pairedRatio(peer, ours)).toBeCloseTo(1.02, 12);
  });

  it('rejects rounds that do not pair up', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([1, 2], [1])).toThrow(/pairedRatio: peer has 2 rounds, ours 1/);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
  });
});
