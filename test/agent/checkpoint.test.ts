// Agent checkpoints: a training checkpoint restores parameters, optimiser moments, running scale,
// every RNG position (update and acting streams) and the planners' state, so the loaded agent acts
// and updates exactly as the original continues to; truncated, corrupted and mismatched files fail
// naming the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { TDMPC2, Tensor } from '../../lib/index.js';
import { readCheckpoint, restoreCheckpoint, tensorsCrc32 } from '../../lib/agent/checkpoint.js';
import { readSafeTensors, serializeSafeTensors } from '../../lib/io/safetensors.js';
import { WorldModel } from '../../lib/model/world-model.js';
import { resolveConfig } from '../../lib/config.js';
import { uniform } from '../helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const [O, A, H, B] = [5, 2, 3, 8];
const options = {
  obsDim: O, actionDim: A, episodeLength: 50, modelSize: 1 as const,
  latentDim: 16, mlpDim: 32, encDim: 16, numQ: 2, batchSize: B, mpc: false, device: 'cpu' as const, seed: 4,
};

function batch(seed: number) {
  return {
    obs: Tensor.from(uniform((H + 1) * B * O, seed), [H + 1, B, O]),
    action: Tensor.from(uniform(H * B * A, seed + 1), [H, B, A]),
    reward: Tensor.from(uniform(H * B, seed + 2, 0, 2), [H, B]),
  };
}

describe('agent checkpoints', () => {
  test('a training checkpoint continues exactly: same actions from the same observations, same updates', async () => {
    const agent = new TDMPC2(options);
    for (let i = 0; i < 5; i++) agent.update(batch(10 + i));
    const obs = uniform(3 * O, 30);
    agent.actBatch(obs, [true, false, false]); // advance the acting stream
    const path = join(dir, 'train.safetensors');
    await agent.save(path, { training: true, extra: { step: 123 } });
    const loaded = await TDMPC2.load(path);
    expect((await readCheckpoint(path)).extra).toEqual({ step: 123 });
    // Sampled (training-mode) actions draw from the acting stream: equal only if it was restored.
    for (let i = 0; i < 3; i++) expect(loaded.actBatch(obs, [false, false, false])).toEqual(agent.actBatch(obs, [false, false, false]));
    expect(loaded.act(obs.subarray(0, O), { evalMode: true })).toEqual(agent.act(obs.subarray(0, O), { evalMode: true }));
    for (let i = 0; i < 3; i++) {
      const b = batch(50 + i);
      expect(loaded.update(b)).toEqual(agent.update(b));
    }
    agent.dispose();
    loaded.dispose();
  });

  test('a training checkpoint carries the planners: mid-episode warm starts and draws continue exactly', async () => {
    const agent = new TDMPC2({ ...options, mpc: true, iterations: 2, numSamples: 32, numElites: 8, numPiTrajs: 4 });
    for (let i = 0; i < 3; i++) agent.update(batch(20 + i));
    const obs = uniform(2 * O, 31);
    agent.actBatch(obs, [true, true]);
    agent.actBatch(obs, [false, false]); // two envs mid-episode: warm starts in use
    agent.act(obs.subarray(0, O), { firstStep: true }); // and a second planner (B = 1)
    const path = join(dir, 'planning.safetensors');
    await agent.save(path, { training: true });
    const c = await readCheckpoint(path);
    expect(c.training!.planners!.map((p) => p.batch).sort()).toEqual([1, 2]);
    expect(c.tensors.get('planner.2.mean')!.shape).toEqual([2, 3, A]); // [batch, horizon, actionDim]
    const loaded = await TDMPC2.load(path);
    expect(loaded.planner(2).mean()).toEqual(agent.planner(2).mean());
    expect(loaded.planner(2).rngState()).toEqual(agent.planner(2).rngState());
    for (let i = 0; i < 3; i++) expect(loaded.actBatch(obs, [false, false])).toEqual(agent.actBatch(obs, [false, false]));
    expect(loaded.act(obs.subarray(0, O))).toEqual(agent.act(obs.subarray(0, O)));
    // A weights-only load starts the planners afresh: other draws, no warm start.
    await agent.save(join(dir, 'planning-weights.safetensors'));
    const fresh = await TDMPC2.load(join(dir, 'planning-weights.safetensors'));
    expect(fresh.actBatch(obs, [false, false])).not.toEqual(agent.actBatch(obs, [false, false]));
    // A planner state that does not fit fails naming the file and the tensor.
    const raw = await readSafeTensors(path);
    raw.tensors.set('planner.2.mean', { shape: [2], data: new Float32Array(2) });
    const bad = join(dir, 'planning-bad.safetensors');
    writeFileSync(bad, serializeSafeTensors(raw.tensors, { ...raw.metadata, crc32: String(tensorsCrc32(raw.tensors)) }));
    await expect(TDMPC2.load(bad)).rejects.toThrow(`${bad}: planner.2.mean: expected 2×3×2 warm-start means, got 2`);
    for (const a of [agent, loaded, fresh]) a.dispose();
  });

  test('a weights-only checkpoint restores the parameters, not the training state', async () => {
    const agent = new TDMPC2(options);
    agent.update(batch(1));
    const path = join(dir, 'weights.safetensors');
    await agent.save(path);
    expect((await readCheckpoint(path)).training).toBeNull();
    const loaded = await TDMPC2.load(path);
    const obs = uniform(O, 2);
    expect(loaded.act(obs, { evalMode: true })).toEqual(agent.act(obs, { evalMode: true }));
    expect(loaded.updater.optim.stepCount).toBe(0);
    agent.dispose();
    loaded.dispose();
  });

  test('truncated, corrupted and mismatched files fail with the file and the problem', async () => {
    const agent = new TDMPC2(options);
    const path = join(dir, 'good.safetensors');
    await agent.save(path, { training: true });
    const bytes = readFileSync(path);

    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
    await expect(TDMPC2.load(truncated)).rejects.toThrow(new RegExp(`^${truncated}: .*(truncated|corrupted)`));
    writeFileSync(truncated, bytes.subarray(0, 5));
    await expect(TDMPC2.load(truncated)).rejects.toThrow(`${truncated}: truncated`);

    const flipped = join(dir, 'flipped.safetensors');
    const copy = Buffer.from(bytes);
    copy[copy.length - 10] ^= 0x40; // a bit of the tensor data
    writeFileSync(flipped, copy);
    await expect(TDMPC2.load(flipped)).rejects.toThrow(`${flipped}: corrupted checkpoint: the tensor data does not match its CRC-32`);

    const header = join(dir, 'header.safetensors');
    const h = Buffer.from(bytes);
    h[12] = 0x7b; // break the JSON header
    writeFileSync(header, h);
    await expect(TDMPC2.load(header)).rejects.toThrow(`${header}: corrupted`);

    await expect(TDMPC2.load(join(dir, 'missing.safetensors'))).rejects.toThrow(/missing\.safetensors: cannot read \(ENOENT\)/);

    // Parameters of another shape (a model with a wider MLP) are rejected by name.
    const c = await readCheckpoint(path);
    const other = new WorldModel(resolveConfig({ ...options, mlpDim: 48 }), 'cpu');
    expect(() => restoreCheckpoint(path, c, other, null)).toThrow(new RegExp(`${path}: tensor "encoder\\..*": expected shape|${path}: tensor ".*": expected shape`));
    other.dispose();
    agent.dispose();
  });
});
