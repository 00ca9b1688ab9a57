// Gradient checks through the full world-model loss (SPEC §9.3) and through the policy objective
// path, by directional finite differences on each network of a tiny model: for a random
// direction d, (L(θ + h·d) − L(θ − h·d)) / 2h must equal ⟨∇L, d⟩. The dropout and policy-noise
// streams are rewound before each evaluation so every pass sees the same masks and noise.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

import { Updater } from '../../lib/agent/update.js';
import { resolveConfig } from '../../lib/config.js';
import { parseSafeTensors } from '../../lib/io/safetensors.js';
import { WorldModel } from '../../lib/model/world-model.js';
import { Tensor } from '../../lib/index.js';
import { uniform } from '../helpers/random.js';

// The golden fixture's random initial weights: every layer non-zero, so every path carries gradient.
const path = fileURLToPath(new URL('../fixtures/update-golden.safetensors', import.meta.url));
const fixture = parseSafeTensors(readFileSync(path), path);
const init = new Map<string, { shape: number[]; data: Float32Array }>();
for (const [k, v] of fixture.tensors) if (k.startsWith('init.')) init.set(k.slice(5), v);

function setup(dropout: number) {
  const cfg = resolveConfig({
    obsDim: 5, actionDim: 2, episodeLength: 500, latentDim: 16, mlpDim: 32, encDim: 16,
    numEncLayers: 2, numQ: 5, batchSize: 8, horizon: 3, dropout, seed: 11, device: 'cpu',
  });
  const model = new WorldModel(cfg, 'cpu');
  for (const net of model.nets) net.params.importTensors(init, net.name, path);
  model.targetQs.importTensors(init, 'target_qs', path);
  const updater = new Updater(model, cfg.seed);
  const b = (name: string) => {
    const t = fixture.tensors.get(`batch.${name}`)!;
    return Tensor.from(t.data, t.shape);
  };
  return { model, updater, batch: { obs: b('obs'), action: b('action'), reward: b('reward') } };
}

describe('directional finite differences of the world-model loss', () => {
  for (const dropout of [0, 0.3]) {
    test(`each network, dropout ${dropout}`, () => {
      const { model, updater, batch } = setup(dropout);
      // The targets are constants of the loss (stop-gradient): compute them once at θ and hold
      // them fixed, otherwise the encoder's finite difference would include the target's change.
      const t = updater.targets(batch);
      const targets = { nextZ: Tensor.zeros(t.nextZ.shape).copyFrom(t.nextZ), td: Tensor.zeros(t.td.shape).copyFrom(t.td) };
      const rngState = Object.fromEntries(Object.entries(updater.rng).map(([k, r]) => [k, r.state()]));
      const rewind = () => Object.entries(updater.rng).forEach(([k, r]) => r.restore(rngState[k]!));
      const loss = (): number => {
        rewind();
        return updater.modelLosses(batch, targets).totalLoss;
      };
      // Analytic gradients of every network from one backward pass.
      for (const net of model.nets) net.params.zeroGrad();
      rewind();
      updater.modelLosses(batch, targets);
      updater.graph.backward();
      for (const net of [model.encoder, model.dynamics, model.reward, model.qs]) {
        const theta = net.params.data.toArray();
        const grad = net.params.grad!.toArray();
        const d = uniform(theta.length, 99, -1, 1);
        let analytic = 0;
        for (let i = 0; i < d.length; i++) analytic += grad[i]! * d[i]!;
        const h = 1e-3; // larger steps show the curvature of LayerNorm/SimNorm (8e-3: ~10% off on dynamics)
        const shifted = (sign: number) => {
          net.params.data.write(theta.map((v, i) => v + sign * h * d[i]!));
          return loss();
        };
        const fd = (shifted(1) - shifted(-1)) / (2 * h);
        net.params.data.write(theta);
        expect(Math.abs(fd - analytic), `${net.name}: finite difference ${fd}, analytic ${analytic}`).toBeLessThanOrEqual(
          3e-3 * Math.abs(analytic) + 1e-5,
        );
      }
    });
  }
});
