// Agent checkpoints: a training checkpoint restores parameters, optimiser moments, running scale and
// every RNG position (update and acting streams), so the loaded agent acts and updates exactly as
// the original continues to; truncated, corrupted and mismatched files fail naming the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { TDMPC2, Tensor } from '../../lib/index.js';
import { readCheckpoint, restoreCheckpoint } from '../../lib/agent/checkpoint.js';
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
