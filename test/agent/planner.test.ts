// The native MPPI planner against the TS reference planner (SPEC §8, float64), its parameter and
// draw layouts, the batched-equals-single property and the warm start.
import { describe, expect, test } from 'vitest';

import type { TdMpc2Options } from '../../lib/config.js';
import { Planner } from '../../lib/agent/planner.js';
import { backendCases } from '../helpers/backends.js';
import { compareClose } from '../helpers/expect-close.js';
import { drawLayoutRef, planRef } from '../reference/planner.js';
import { makeModel, randomObs, refConfig, refModel, smallConfig } from './helpers.js';

// Awkward sizes: odd sample/elite counts, A = 1..3, P = 0, H = 1..4, degenerate-free bins.
const CASES: [string, Partial<TdMpc2Options>][] = [
  ['A=2 H=3 N=40 Ke=7 P=5 Q=3 K=101', {}],
  ['A=1 H=2 N=33 Ke=5 P=0 Q=2 K=11, 3 encoder layers, L=12 V=4', { actionDim: 1, horizon: 2, numSamples: 33, numElites: 5, numPiTrajs: 0, numQ: 2, numBins: 11, numEncLayers: 3, latentDim: 12, simnormDim: 4, mlpDim: 17, iterations: 4 }],
  ['A=3 H=4 N=19 Ke=19 P=3 Q=4 K=31, obs 7', { obsDim: 7, actionDim: 3, horizon: 4, numSamples: 19, numElites: 19, numPiTrajs: 3, numQ: 4, numBins: 31, iterations: 2 }],
  ['A=2 H=1 N=9 Ke=1 P=9 (policy samples only)', { horizon: 1, numSamples: 9, numElites: 1, numPiTrajs: 9, iterations: 2 }],
];

describe.each(backendCases)('planner on $title vs the TS reference planner (actions, final mean/std within 1e-4)', ({ device, skip }) => {
  for (const [name, overrides] of CASES) {
    test.skipIf(skip)(name, () => {
      const cfg = smallConfig({ ...overrides, device });
      const model = makeModel(cfg, 11);
      const ref = refModel(model);
      const rc = refConfig(cfg);
      const B = 2;
      const planner = new Planner(model, { batch: B, seed: 5 });
      const HA = cfg.horizon * cfg.actionDim;
      const prev: ArrayLike<number>[] = Array.from({ length: B }, () => new Float64Array(HA));
      const offsets = planner.rngState().map((s) => s.offset);
      const failures: string[] = [];
      // Step 1: first step (train mode); step 2: warm-started, train; step 3: warm-started, eval;
      // step 4: env 0 starts a new episode, eval.
      const steps: [boolean[], boolean][] = [
        [[true, true], false],
        [[false, false], false],
        [[false, false], true],
        [[true, false], true],
      ];
      steps.forEach(([first, evalMode], s) => {
        const obs = randomObs(B * cfg.obsDim, 100 + s);
        const actions = planner.plan(obs, first, evalMode);
        const mean = planner.mean();
        const std = planner.std();
        const rng = planner.rngState();
        for (let b = 0; b < B; b++) {
          const want = planRef(ref, rc, obs.subarray(b * cfg.obsDim, (b + 1) * cfg.obsDim), { ...rng[b]!, offset: offsets[b]!, prevMean: prev[b]! }, first[b]!, evalMode);
          const tag = `step ${s} env ${b}`;
          for (const [what, got, exp] of [
            ['action', actions.subarray(b * cfg.actionDim, (b + 1) * cfg.actionDim), want.action],
            ['mean', mean.subarray(b * HA, (b + 1) * HA), want.mean],
            ['std', std.subarray(b * HA, (b + 1) * HA), want.std],
          ] as const) {
            const msg = compareClose(got, exp, { atol: 1e-4, rtol: 0, label: `${tag} ${what}` });
            if (msg) failures.push(msg);
          }
          if (rng[b]!.offset !== want.offset) failures.push(`${tag}: offset ${rng[b]!.offset} != reference ${want.offset}`);
          prev[b] = want.mean;
          offsets[b] = want.offset;
        }
      });
      planner.dispose();
      model.dispose();
      expect(failures).toEqual([]);
    });
  }
});

describe('planner layouts', () => {
  test('native parameter offsets agree with the TS ParamGroup views', () => {
    for (const [, overrides] of CASES) {
      const cfg = smallConfig(overrides);
      const model = makeModel(cfg);
      const planner = new Planner(model);
      const { nets } = planner.layout();
      for (const net of model.nets) {
        const native = nets[net.name as keyof typeof nets];
        expect(native.size, net.name).toBe(net.params.numel);
        native.layers.forEach((l, i) => {
          expect(l.weight, `${net.name}.${i}.weight`).toBe(net.params.get(`${i}.weight`).offset);
          expect(l.bias, `${net.name}.${i}.bias`).toBe(net.params.get(`${i}.bias`).offset);
          if (l.lnWeight >= 0) {
            expect(l.lnWeight).toBe(net.params.get(`${i}.ln_weight`).offset);
            expect(l.lnBias).toBe(net.params.get(`${i}.ln_bias`).offset);
          } else expect(() => net.params.get(`${i}.ln_weight`)).toThrow(RangeError);
        });
        // Every named parameter is covered by a native layer.
        const covered = native.layers.flatMap((l) => [l.weight, l.bias, l.lnWeight, l.lnBias]).filter((o) => o >= 0);
        expect(covered.length, net.name).toBe(net.params.params.length);
      }
      planner.dispose();
      model.dispose();
    }
  });

  test('the draw layout is the documented one', () => {
    for (const [, overrides] of CASES) {
      const cfg = smallConfig(overrides);
      const model = makeModel(cfg);
      const planner = new Planner(model);
      const { draws } = planner.layout();
      const want = drawLayoutRef(refConfig(cfg));
      expect({ ...draws, piTraj0: undefined, samples: undefined }).toEqual({ ...want, piTraj0: undefined, samples: undefined });
      expect(draws.piTraj0).toBe(0);
      expect(draws.samples).toBe(0);
      planner.dispose();
      model.dispose();
    }
  });
});
