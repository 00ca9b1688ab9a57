// Resume while the agent plans: a run stopped at a checkpoint after planning began and resumed
// repeats the uninterrupted run exactly, which needs the planner's state in the checkpoint: each
// environment's Philox address (SPEC §8's draws) and warm-start mean (used when an agent is saved
// mid-episode; the trainer saves at episode ends, where the next call is a first step).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, test } from 'vitest';

import { readSafeTensors } from '../../lib/io/safetensors.js';
import { Trainer, type TrainerOptions } from '../../lib/train/trainer.js';

const root = mkdtempSync(join(tmpdir(), 'tdmpc2-resume-plan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base: TrainerOptions = {
  task: 'cartpole-balance',
  steps: 1500,
  seed: 3,
  evalFreq: 500,
  evalEpisodes: 1,
  seedSteps: 500,
  saveEvery: 500,
  updateLogEvery: 1,
  config: { mpc: true, latentDim: 16, mlpDim: 32, encDim: 16, numQ: 2, batchSize: 16, horizon: 3, iterations: 2, numSamples: 32, numElites: 8, numPiTrajs: 4, device: 'cpu' },
};

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');
function records(dir: string): unknown[] {
  return lines(join(dir, 'metrics.jsonl')).map((l) => {
    const { steps_per_s: _a, elapsed_s: _b, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
}

test('a run stopped while planning and resumed matches the uninterrupted run exactly', async () => {
  const dirA = join(root, 'a');
  const dirB = join(root, 'b');
  await new Trainer({ ...base, logDir: dirA }).run();
  const controller = new AbortController();
  const first = await new Trainer({
    ...base,
    logDir: dirB,
    signal: controller.signal,
    logger: (e) => {
      if (e.type === 'checkpoint' && e.step === 1000) controller.abort();
    },
  }).run();
  expect(first.step).toBe(1000); // 500 steps into planning
  const checkpoint = await readSafeTensors(join(dirB, 'checkpoint.safetensors'));
  expect([...checkpoint.tensors.keys()].filter((k) => k.startsWith('planner.'))).toEqual(['planner.1.mean']);
  await Trainer.resume(dirB).run();
  expect(records(dirB)).toEqual(records(dirA));
  const [a, b] = await Promise.all([readSafeTensors(join(dirA, 'checkpoint.safetensors')), readSafeTensors(join(dirB, 'checkpoint.safetensors'))]);
  for (const [k, t] of a.tensors) expect(b.tensors.get(k)!.data, k).toEqual(t.data);
});
