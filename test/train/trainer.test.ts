// The training loop's bookkeeping on a tiny agent: step/update counting (the burst at seedSteps,
// then one update per environment step, also with N environment copies), the run files, and
// resume: a run stopped at a checkpoint and resumed produces the same updates, episodes, evals
// and final parameters as the uninterrupted run, also once the agent plans (the planners' state is
// in the checkpoint). Bad checkpoints fail naming the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { readSafeTensors } from '../../lib/io/safetensors.js';
import { Trainer, type TrainerEvent, type TrainerOptions } from '../../lib/train/trainer.js';

const root = mkdtempSync(join(tmpdir(), 'tdmpc2-trainer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base: TrainerOptions = {
  task: 'cartpole-balance',
  steps: 2000,
  seed: 2,
  evalFreq: 1000,
  evalEpisodes: 2,
  seedSteps: 1000,
  saveEvery: 1000,
  updateLogEvery: 1,
  config: { mpc: false, latentDim: 16, mlpDim: 32, encDim: 16, numQ: 2, batchSize: 16, device: 'cpu' },
};

const lines = (path: string) => readFileSync(join(path), 'utf8').trim().split('\n');
/** CSV rows without the timing columns (steps_per_s, elapsed_s). */
function csv(path: string): string[] {
  const [head, ...rows] = lines(path);
  const drop = head!.split(',').flatMap((c, i) => (c === 'steps_per_s' || c === 'elapsed_s' ? [i] : []));
  return [head!, ...rows].map((r) => r.split(',').filter((_, i) => !drop.includes(i)).join(','));
}
/** metrics.jsonl records without timing fields. */
function records(dir: string): unknown[] {
  return lines(join(dir, 'metrics.jsonl')).map((l) => {
    const { steps_per_s: _a, elapsed_s: _b, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
}

/** Runs `opts` and stops it right after its checkpoint at `step`. */
function runStoppedAt(opts: TrainerOptions, step: number) {
  const controller = new AbortController();
  return new Trainer({
    ...opts,
    signal: controller.signal,
    logger: (e) => {
      if (e.type === 'checkpoint' && e.step === step) controller.abort();
    },
  }).run();
}

/** The final checkpoints of two runs hold the same tensors, bit for bit. */
async function expectSameCheckpoints(dirA: string, dirB: string): Promise<void> {
  const [a, b] = await Promise.all([readSafeTensors(join(dirA, 'checkpoint.safetensors')), readSafeTensors(join(dirB, 'checkpoint.safetensors'))]);
  expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
  for (const [k, t] of a.tensors) expect(b.tensors.get(k)!.data, k).toEqual(t.data);
}

describe('Trainer', () => {
  const dirA = join(root, 'a');
  const events: TrainerEvent[] = [];

  test('counts steps and updates as HEAD does and writes the run files', async () => {
    const s = await new Trainer({ ...base, logDir: dirA, logger: (e) => events.push(e) }).run();
    // Updates at steps 1000..1999: the burst of 1000 at step 1000, then one per step.
    expect(s.step).toBe(2000);
    expect(s.updates).toBe(1999);
    expect(s.episode).toBe(4);
    expect(s.evals.map((e) => e.step)).toEqual([0, 1000, 2000]);
    const train = csv(join(dirA, 'train.csv'));
    expect(train).toHaveLength(5);
    expect(train[0]).toBe('step,episode,return,length,updates,consistency_loss,reward_loss,value_loss,total_loss,grad_norm,pi_loss,pi_grad_norm,pi_entropy,pi_scale');
    expect(train.slice(1).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['500,1', '1000,2', '1500,3', '2000,4']);
    expect(train.slice(1).map((r) => Number(r.split(',')[4]))).toEqual([0, 0, 1499, 500]); // updates per episode: the burst (1000) + 499, then 500
    expect(train[1]!.split(',')[5]).toBe(''); // no losses before updates start
    expect(Number(train[3]!.split(',')[5])).toBeGreaterThan(0);
    expect(csv(join(dirA, 'eval.csv')).map((r) => r.split(',')[0])).toEqual(['step', '0', '1000', '2000']);
    const recs = records(dirA) as Array<{ type: string }>;
    expect(recs.filter((r) => r.type === 'update')).toHaveLength(1999);
    expect(recs.filter((r) => r.type === 'episode')).toHaveLength(4);
    const config = JSON.parse(readFileSync(join(dirA, 'config.json'), 'utf8')) as { task: string; resolved: { seedSteps: number; batchSize: number }; seedSteps: number };
    expect(config.task).toBe('cartpole-balance');
    expect(config.resolved.batchSize).toBe(16);
    expect(config.seedSteps).toBe(1000);
    const svg = readFileSync(join(dirA, 'curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => (e as { step: number }).step)).toEqual([1000, 2000]);
    expect(events.at(-1)!.type).toBe('done');
  });

  test('a run stopped at a checkpoint and resumed matches the uninterrupted run exactly', async () => {
    const dirB = join(root, 'b');
    const first = await runStoppedAt({ ...base, logDir: dirB }, 1000);
    expect(first.step).toBe(1000);
    expect(first.updates).toBe(0);
    const second = await Trainer.resume(dirB).run();
    expect(second.step).toBe(2000);
    expect(second.updates).toBe(1999);
    expect(records(dirB)).toEqual(records(dirA));
    expect(csv(join(dirB, 'train.csv'))).toEqual(csv(join(dirA, 'train.csv')));
    expect(csv(join(dirB, 'eval.csv'))).toEqual(csv(join(dirA, 'eval.csv')));
    await expectSameCheckpoints(dirA, dirB);
  });

  test('resumed while planning: the planners\' draws continue, so the run still matches exactly', async () => {
    // MPC on: a checkpoint 500 steps into planning must carry each planner's Philox addresses
    // (and warm-start means; the trainer saves at episode ends, where the next call is a first
    // step) or the resumed run draws other samples.
    const planning: TrainerOptions = {
      ...base,
      steps: 1500,
      seed: 3,
      evalFreq: 500,
      evalEpisodes: 1,
      seedSteps: 500,
      saveEvery: 500,
      config: { ...base.config, mpc: true, horizon: 3, iterations: 2, numSamples: 32, numElites: 8, numPiTrajs: 4 },
    };
    const [dirP, dirQ] = [join(root, 'plan-a'), join(root, 'plan-b')];
    await new Trainer({ ...planning, logDir: dirP }).run();
    expect((await runStoppedAt({ ...planning, logDir: dirQ }, 1000)).step).toBe(1000);
    const saved = await readSafeTensors(join(dirQ, 'checkpoint.safetensors'));
    expect([...saved.tensors.keys()].filter((k) => k.startsWith('planner.'))).toEqual(['planner.1.mean']);
    await Trainer.resume(dirQ).run();
    expect(records(dirQ)).toEqual(records(dirP));
    await expectSameCheckpoints(dirP, dirQ);
  });

  test('N environment copies: one batched step per vector step, still one update per environment step', async () => {
    const s = await new Trainer({ ...base, numEnvs: 2, evalEpisodes: 0, logDir: join(root, 'vec') }).run();
    expect(s.step).toBe(2000);
    expect(s.episode).toBe(4);
    expect(s.updates).toBe(1999);
    expect(s.finalEval).toBeNull();
    await expect(new Trainer({ ...base, numEnvs: 3, logDir: join(root, 'vec3') }).run()).rejects.toThrow(/seedSteps 1000 is shorter than the first episodes \(3 × 500 steps\)/);
  });

  test('resume errors name the file and the problem', async () => {
    await expect(Trainer.resume(dirA).run()).rejects.toThrow(/already reached step 2000 of 2000/);
    expect(() => Trainer.resume(join(root, 'nowhere'))).toThrow(/nowhere[/\\]config\.json: cannot resume \(ENOENT\)/);
    await expect(new Trainer({ ...base, logDir: dirA }).run()).rejects.toThrow(/already holds a training run/);

    const dirC = join(root, 'c');
    const cfg = JSON.parse(readFileSync(join(dirA, 'config.json'), 'utf8')) as { options: TrainerOptions };
    const copy = (name: string, bytes: Uint8Array | string) => writeFileSync(join(dirC, name), bytes);
    await new Trainer({ ...base, steps: 500, seedSteps: 500, evalEpisodes: 0, logDir: dirC }).run();
    const ck = readFileSync(join(dirC, 'checkpoint.safetensors'));
    copy('checkpoint.safetensors', ck.subarray(0, ck.length - 100));
    await expect(Trainer.resume(dirC, { steps: 1000 }).run()).rejects.toThrow(/checkpoint\.safetensors: .*(truncated|corrupted)/);
    copy('checkpoint.safetensors', ck);
    copy('config.json', JSON.stringify({ ...cfg, options: { ...cfg.options, task: 'cartpole-swingup' } }));
    await expect(Trainer.resume(dirC, { steps: 1000 }).run()).rejects.toThrow(/checkpoint\.safetensors: the checkpoint was trained on cartpole-balance, not cartpole-swingup/);
    copy('config.json', JSON.stringify({ ...cfg, options: { ...cfg.options, steps: 500, seedSteps: 500, evalEpisodes: 0 } }));
    rmSync(join(dirC, 'replay-0000000500.safetensors'));
    await expect(Trainer.resume(dirC, { steps: 1000 }).run()).rejects.toThrow(/replay-0000000500\.safetensors: cannot read \(ENOENT\)/);
  });
});
