// The analytic FLOP counts the benchmarks divide by (lib/model/flops.ts) are exactly the
// multiply-adds the CPU GEMMs run: every product of one update, and of one planning call, summed
// from the GEMM profile (lib/bench/gemm-profile.ts). A layer added, skipped or fused in the agent
// without updating the count fails here.
import { describe, expect, test } from 'vitest';

import { gemmProfileTotals, profileGemms } from '../../lib/bench/gemm-profile.js';
import { syntheticUpdateBatch } from '../../lib/bench/update-batch.js';
import { TDMPC2 } from '../../lib/index.js';
import { planMacs, updateMacs } from '../../lib/model/flops.js';

const [O, A] = [5, 2];

describe('FLOP counts against the GEMMs the CPU runs', () => {
  for (const modelSize of [1, 5] as const)
    test(`one update, model size ${modelSize}: 2·updateMacs`, () => {
      const B = 8;
      const agent = new TDMPC2({ obsDim: O, actionDim: A, episodeLength: 500, modelSize, batchSize: B, device: 'cpu', seed: 1 });
      const batch = syntheticUpdateBatch(agent.cfg.horizon, B, O, A);
      agent.update(batch); // the first update is no different, but leave any one-time work out
      const { entries } = profileGemms(() => agent.update(batch));
      expect(gemmProfileTotals(entries).flop).toBe(2 * updateMacs(agent.cfg));
      // All three forms ran, and B was packed for each.
      expect(new Set(entries.map((e) => e.form))).toEqual(new Set(['nt', 'nn', 'tn', 'pack nt', 'pack nn', 'pack tn']));
      for (const t of Object.values(batch)) t.dispose();
      agent.dispose();
    }, 60_000);

  test('one planning call for one observation: 2·planMacs with the two sampled Q heads', () => {
    const agent = new TDMPC2({ obsDim: O, actionDim: A, episodeLength: 500, modelSize: 5, device: 'cpu', seed: 1, mpc: true, iterations: 2, numSamples: 40, numElites: 8, numPiTrajs: 6 });
    const obs = Float32Array.from({ length: O }, (_, i) => Math.sin(i));
    agent.actBatch(obs, [true]);
    const { entries } = profileGemms(() => agent.actBatch(obs, [false]));
    expect(agent.cfg.numQ).toBe(5);
    expect(gemmProfileTotals(entries).flop).toBe(2 * planMacs(agent.cfg, 2));
    expect(entries.every((e) => e.form === 'nt' || e.form === 'pack nt')).toBe(true); // inference only
    agent.dispose();
  });
});
