// A tiny agent learns: cartpole-swingup from scratch on the CPU within a few minutes.
//
// Baselines measured by the environment tests over 10 seeds (test/envs/baselines.test.ts): zero
// actions 0, uniform random actions 45 on cartpole-swingup (the pole hangs down; the reward needs
// it up). Threshold: a mean eval return of 150 over 5 episodes, 3.3× the random return; in our
// runs this configuration reaches 150–300 by 4000–6000 steps (seeds 1–3; see docs/training.md).
// Acting uses the policy prior (mpc: false) until the MPPI planner is part of the build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { Trainer } from '../../lib/train/trainer.js';

const RANDOM_RETURN = 45;
const THRESHOLD = 150;

const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-learn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('learning', () => {
  test(
    `a tiny agent beats random (${RANDOM_RETURN}) on cartpole-swingup: eval return ≥ ${THRESHOLD} after 6000 steps`,
    async () => {
      const summary = await new Trainer({
        task: 'cartpole-swingup',
        steps: 6000,
        seed: 1,
        seedSteps: 1000,
        evalFreq: 3000,
        evalEpisodes: 5,
        logDir: dir,
        config: { mpc: false, latentDim: 32, mlpDim: 64, encDim: 32, numQ: 2, batchSize: 64, device: 'cpu' },
      }).run();
      const [untrained, , final] = summary.evals;
      expect(summary.evals.map((e) => e.step)).toEqual([0, 3000, 6000]);
      expect(untrained!.returnMean).toBeLessThan(THRESHOLD);
      expect(final!.returnMean).toBeGreaterThanOrEqual(THRESHOLD);
    },
    240_000,
  );
});
