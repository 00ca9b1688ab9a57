// The golden test: our update against an independent PyTorch implementation of the same
// equations (tools/make-fixtures.py), with the same parameters, batch and Philox draws. Losses,
// grad norms and every updated parameter must agree within 1e-4 relative after 1 and 3 updates.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { Updater, type UpdateInfo } from '../../lib/agent/update.js';
import { resolveConfig } from '../../lib/config.js';
import { parseSafeTensors } from '../../lib/io/safetensors.js';
import { WorldModel } from '../../lib/model/world-model.js';
import { Tensor } from '../../lib/index.js';
import type { Device } from '../../lib/nn/device.js';
import { backendCases } from '../helpers/backends.js';
import { compareClose } from '../helpers/expect-close.js';

const path = fileURLToPath(new URL('../fixtures/update-golden.safetensors', import.meta.url));
const fixture = parseSafeTensors(readFileSync(path), path);
const pyCfg = JSON.parse(fixture.metadata.config!) as Record<string, number>;
const pyStats = JSON.parse(fixture.metadata.stats!) as Record<string, number>[];

function tensorsWithPrefix(prefix: string): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, v] of fixture.tensors) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

function build(device: Device) {
  const cfg = resolveConfig({
    obsDim: pyCfg.obs_dim!,
    actionDim: pyCfg.action_dim!,
    episodeLength: 500, // γ = 0.99
    latentDim: pyCfg.latent_dim!,
    mlpDim: pyCfg.mlp_dim!,
    encDim: pyCfg.enc_dim!,
    numEncLayers: pyCfg.num_enc_layers!,
    numQ: pyCfg.num_q!,
    batchSize: pyCfg.batch_size!,
    horizon: pyCfg.horizon!,
    gradClipNorm: pyCfg.grad_clip_norm!,
    dropout: pyCfg.dropout!,
    seed: pyCfg.seed!,
    device,
  });
  expect(cfg.discount).toBeCloseTo(pyCfg.discount!, 12);
  const model = new WorldModel(cfg, device);
  const init = tensorsWithPrefix('init.');
  for (const net of model.nets) net.params.importTensors(init, net.name, path);
  model.targetQs.importTensors(init, 'target_qs', path);
  const updater = new Updater(model, cfg.seed);
  const b = (name: string) => {
    const t = fixture.tensors.get(`batch.${name}`)!;
    return Tensor.from(t.data, t.shape, device);
  };
  return { model, updater, batch: { obs: b('obs'), action: b('action'), reward: b('reward') } };
}

const STAT_KEYS: [keyof UpdateInfo, string][] = [
  ['consistencyLoss', 'consistency_loss'],
  ['rewardLoss', 'reward_loss'],
  ['valueLoss', 'value_loss'],
  ['totalLoss', 'total_loss'],
  ['gradNorm', 'grad_norm'],
  ['piLoss', 'pi_loss'],
  ['piGradNorm', 'pi_grad_norm'],
  ['piScale', 'pi_scale'],
  ['piEntropy', 'pi_entropy'],
];

function checkParams(model: WorldModel, prefix: string): string[] {
  const want = tensorsWithPrefix(prefix);
  const failures: string[] = [];
  const groups = [...model.nets.map((n) => [n.name, n.params] as const), ['target_qs', model.targetQs] as const];
  for (const [name, group] of groups) {
    const got = group.exportTensors(name);
    for (const [key, t] of got) {
      const w = want.get(key);
      if (!w) {
        failures.push(`${key}: missing in the fixture`);
        continue;
      }
      const msg = compareClose(t.data, w.data, { rtol: 1e-4, atol: 1e-6, label: `${prefix}${key}` });
      if (msg) failures.push(msg);
    }
  }
  return failures;
}

describe.each(backendCases)('update on $title matches the PyTorch reference (golden fixture)', ({ device, skip }) => {
  // Built only where the backend runs (a CUDA model cannot exist without a device).
  const { model, updater, batch } = skip ? ({} as ReturnType<typeof build>) : build(device);
  const infos: UpdateInfo[] = [];

  test.skipIf(skip)('after 1 update: statistics and every parameter', () => {
    infos.push(updater.update(batch));
    for (const [ours, theirs] of STAT_KEYS) {
      const a = infos[0]![ours];
      const b = pyStats[0]![theirs]!;
      expect(Math.abs(a - b), `${ours}: ours ${a}, PyTorch ${b}`).toBeLessThanOrEqual(1e-4 * Math.abs(b) + 1e-7);
    }
    expect(checkParams(model, 'after1.')).toEqual([]);
  });

  test.skipIf(skip)('after 3 updates: statistics and every parameter', () => {
    infos.push(updater.update(batch), updater.update(batch));
    for (let k = 1; k < 3; k++)
      for (const [ours, theirs] of STAT_KEYS) {
        const a = infos[k]![ours];
        const b = pyStats[k]![theirs]!;
        expect(Math.abs(a - b), `update ${k + 1} ${ours}: ours ${a}, PyTorch ${b}`).toBeLessThanOrEqual(1e-4 * Math.abs(b) + 1e-7);
      }
    expect(checkParams(model, 'after3.')).toEqual([]);
  });
});
