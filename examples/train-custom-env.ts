// Example 1: train the agent on your own environment with the Trainer.
//
//   npx tsc -p examples && node examples/dist/train-custom-env.js [--smoke]
//
// The Trainer takes any object implementing the `Env` contract (or a factory `(i) => Env` for
// several copies); it seeds the env, checks every step against the contract, evaluates, logs
// under runs/ and checkpoints. A small model acting with the policy prior (mpc: false) learns
// this task in a few thousand steps on one CPU core; drop `mpc: false` to plan with MPPI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Trainer, formatEvent } from 'tdmpc2';

import { PointRobot, smoke } from './point-robot-env.js';

const trainer = new Trainer({
  env: new PointRobot(),
  steps: smoke ? 400 : 6000,
  seedSteps: smoke ? 200 : 1000,
  evalFreq: smoke ? 200 : 2000,
  evalEpisodes: smoke ? 2 : 10,
  // A fresh run directory (a directory that holds a run is resumed, never overwritten).
  logDir: smoke ? mkdtempSync(join(tmpdir(), 'tdmpc2-example-')) : `runs/point-robot-${Date.now()}`,
  config: { mpc: false, latentDim: 64, mlpDim: 128, encDim: 64, numQ: 2, batchSize: 64, device: 'cpu' },
  logger: (e) => {
    const line = e.type === 'eval' || e.type === 'done' ? formatEvent(e) : null;
    if (line) console.log(line);
  },
});
const summary = await trainer.run();
const [first, last] = [summary.evals[0]!, summary.evals[summary.evals.length - 1]!];
console.log(`point-robot: eval return ${first.returnMean.toFixed(1)} at step ${first.step} → ${last.returnMean.toFixed(1)} at step ${last.step}`);
if (smoke) rmSync(summary.logDir, { recursive: true, force: true });
