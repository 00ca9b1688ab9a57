// The trainer and evaluation on a user-defined environment class (test/helpers/point-line-env.ts,
// written against the public Env contract only): it learns, episodes of varying length are
// stored whole, factories and vector envs work, resume needs the env again, and every broken
// contract gets an error naming the env, the call and the value.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { box, evaluateAgent, rescaleAction, SyncVectorEnv, TDMPC2, Trainer, type Env } from '../../lib/index.js';
import { PointLineEnv, randomReturn } from '../helpers/point-line-env.js';

const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-user-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = { mpc: false, latentDim: 32, mlpDim: 64, encDim: 32, numQ: 2, batchSize: 64, device: 'cpu' } as const;

describe('Trainer on a user-defined Env class', () => {
  test('learns point-line: eval return beats uniform random actions by a wide margin', async () => {
    const random = randomReturn(200, 7);
    const summary = await new Trainer({
      env: new PointLineEnv(),
      steps: 2500,
      seed: 1,
      seedSteps: 500,
      evalFreq: 1250,
      evalEpisodes: 10,
      logDir: join(dir, 'learn'),
      config: TINY,
    }).run();
    expect(summary.evals.map((e) => e.step)).toEqual([0, expect.any(Number), expect.any(Number)]);
    const final = summary.evals[summary.evals.length - 1]!.returnMean;
    // Measured: random 8.68, untrained 8.71, trained 29.1 (of at most ~35: one per step at the goal).
    expect(summary.evals[0]!.returnMean).toBeLessThan(2 * random);
    expect(final).toBeGreaterThan(2 * random);
    // Episodes of varying length were stored and logged whole.
    const lengths = new Set(
      readFileSync(join(dir, 'learn', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; length?: number })
        .filter((r) => r.type === 'episode')
        .map((r) => r.length),
    );
    expect(lengths.size).toBeGreaterThan(3);
  }, 240_000);

  test('a factory makes numEnvs copies (and the evaluation copies) and the trainer closes them', async () => {
    const made: PointLineEnv[] = [];
    const factory = (i: number) => {
      const env = new PointLineEnv({ minSteps: 40, maxEpisodeSteps: 40 }); // fixed length: copies in lockstep
      made.push(env);
      expect(Number.isInteger(i)).toBe(true);
      return env;
    };
    const summary = await new Trainer({ env: factory, numEnvs: 2, steps: 160, seedSteps: 80, evalFreq: 80, evalEpisodes: 3, logDir: join(dir, 'factory'), config: TINY }).run();
    expect(summary.step).toBe(160);
    expect(summary.updates).toBe(80 + 79);
    expect(made.length).toBe(2 + 3);
    expect(made.every((e) => e.closed)).toBe(true);
  }, 60_000);

  test('a run on a user env resumes only with the env passed again, and continues', async () => {
    const logDir = join(dir, 'resume');
    await new Trainer({ env: new PointLineEnv(), steps: 100, seedSteps: 60, evalFreq: 1000, evalEpisodes: 1, logDir, config: TINY }).run();
    expect(existsSync(join(logDir, 'checkpoint.safetensors'))).toBe(true);
    expect(() => Trainer.resume(logDir)).toThrow(/trained on your env 'point-line'; pass it again: Trainer.resume\(dir, \{ env \}\)/);
    const summary = await Trainer.resume(logDir, { env: new PointLineEnv(), steps: 200 }).run();
    expect(summary.step).toBeGreaterThanOrEqual(200);
  }, 60_000);
});

describe('evaluateAgent on user envs', () => {
  test('a single Env runs `episodes` episodes in turn; a SyncVectorEnv one per copy', () => {
    const agent = new TDMPC2({ obsDim: 2, actionDim: 1, episodeLength: 40, ...TINY });
    try {
      const one = evaluateAgent(agent, new PointLineEnv(), { episodes: 4 });
      expect(one.returns.length).toBe(4);
      expect(one.length).toBeGreaterThanOrEqual(30);
      expect(one.length).toBeLessThanOrEqual(40);
      const vec = new SyncVectorEnv([new PointLineEnv(), new PointLineEnv(), new PointLineEnv()]);
      vec.reset({ seed: 3 });
      const three = evaluateAgent(agent, vec);
      expect(three.returns.length).toBe(3);
      expect(() => evaluateAgent(agent, new PointLineEnv(), { episodes: 0 })).toThrow(RangeError);
      const wide = { ...new PointLineEnv(), name: 'wide', observationSpace: box(3, -1, 1), reset: () => ({ obs: new Float32Array(3) }), step: () => ({ obs: new Float32Array(3), reward: 0, terminated: false, truncated: true }) };
      expect(() => evaluateAgent(agent, wide, { episodes: 1 })).toThrow(/wide has obsDim 3 and actionDim 1, the agent 2 and 1/);
    } finally {
      agent.dispose();
    }
  });
});

/** A PointLineEnv with one part of its behaviour broken. */
function broken(patch: Partial<Env> & Record<string, unknown>): Env {
  const env = new PointLineEnv();
  const obj: Env = {
    name: 'broken',
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    maxEpisodeSteps: env.maxEpisodeSteps,
    reset: (o) => env.reset(o),
    step: (a) => env.step(a),
  };
  return Object.assign(obj, patch);
}

async function trainOn(env: Env): Promise<unknown> {
  return new Trainer({ env, steps: 80, seedSteps: 40, evalFreq: 1000, evalEpisodes: 0, logDir: mkdtempSync(join(dir, 'bad-')), config: TINY }).run();
}

describe('the Env contract is checked with clear errors', () => {
  test('action bounds other than [-1, 1] are refused, naming rescaleAction', async () => {
    await expect(trainOn(broken({ actionSpace: box(1, -2, 2) }))).rejects.toThrow(/broken: actionSpace.low\[0\] is -2, but the agent's actions lie in \[-1, 1\]; wrap the env with rescaleAction/);
  });
  test('a wrong observation length', async () => {
    const env = new PointLineEnv();
    await expect(trainOn(broken({ step: (a: Float32Array) => ({ ...env.step(a), obs: new Float32Array(3) }), reset: (o?: { seed?: number }) => env.reset(o) }))).rejects.toThrow(
      /broken.step \(copy 0, step 1\): obs: expected length 2 \(observationSpace.shape\), got 3/,
    );
  });
  test('a NaN reward and a non-finite observation', async () => {
    const env = new PointLineEnv();
    await expect(trainOn(broken({ step: (a: Float32Array) => ({ ...env.step(a), reward: NaN }), reset: (o?: { seed?: number }) => env.reset(o) }))).rejects.toThrow(/broken.step \(copy 0, step 1\): reward: expected a finite number, got NaN/);
    await expect(trainOn(broken({ reset: () => ({ obs: [0, Infinity] }) }))).rejects.toThrow(/broken.reset \(copy 0\): obs\[1\]: expected a finite number, got Infinity/);
  });
  test('a termination (non-episodic training) and an episode past maxEpisodeSteps', async () => {
    const env = new PointLineEnv();
    await expect(trainOn(broken({ step: (a: Float32Array) => ({ ...env.step(a), terminated: true }), reset: (o?: { seed?: number }) => env.reset(o) }))).rejects.toThrow(/copy 0 reported a termination at step 1/);
    await expect(trainOn(broken({ step: (a: Float32Array) => ({ ...env.step(a), truncated: false }), reset: (o?: { seed?: number }) => env.reset(o) }))).rejects.toThrow(
      /broken.step \(copy 0, step 40\): the episode reached maxEpisodeSteps \(40\) without ending/,
    );
  });
  test('bad options: task and env together, numEnvs > 1 with one Env object, a non-object env', () => {
    expect(() => new Trainer({ task: 'cartpole-swingup', env: new PointLineEnv() })).toThrow(/exactly one of options.task .* and options.env/);
    expect(() => new Trainer({})).toThrow(TypeError);
    expect(() => new Trainer({ env: 3 as unknown as Env })).toThrow(/options.env: expected an Env, a VectorEnv or a factory/);
    return expect(new Trainer({ env: new PointLineEnv(), numEnvs: 2, logDir: join(dir, 'n2') }).run()).rejects.toThrow(/numEnvs 2 needs N env copies: pass a factory/);
  });
});

describe('rescaleAction', () => {
  test('maps [-1, 1] onto the bounds, clips, and refuses infinite bounds', () => {
    const seen: number[][] = [];
    const env = broken({ actionSpace: { shape: [2], low: Float32Array.of(0, -10), high: Float32Array.of(4, 10), dtype: 'float32' }, step: (a: Float32Array) => (seen.push([...a]), { obs: Float32Array.of(0, 0), reward: 0, terminated: false, truncated: false }) });
    const scaled = rescaleAction(env);
    expect([...scaled.actionSpace.low]).toEqual([-1, -1]);
    scaled.step(Float32Array.of(-1, 0.5));
    scaled.step(Float32Array.of(3, -7));
    expect(seen).toEqual([[0, 5], [4, -10]]);
    expect(() => rescaleAction(broken({ actionSpace: box(1, -Infinity, 1) }))).toThrow(/expected finite bounds with low < high/);
  });
});
