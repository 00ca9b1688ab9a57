// The update's frozen spans (lib/agent/update.ts): the layers it applies more than once with the
// same weights (the encoder, the dynamics, the policy) are packed for the CPU GEMM once per update,
// in the cache that frozenWeightPacks() counts; every other layer is packed per call, outside it.
import { describe, expect, test } from 'vitest';

import { TDMPC2, Tensor } from '../../lib/index.js';
import { frozenWeightPacks, withFrozenWeights } from '../../lib/nn/kernels/dense.js';
import { uniform } from '../helpers/random.js';

const [O, A, H, B] = [5, 2, 3, 8];

describe('update: packed weights', () => {
  test('the encoder, dynamics and policy layers are packed once per update, in frozen spans', () => {
    const agent = new TDMPC2({
      obsDim: O, actionDim: A, episodeLength: 50, modelSize: 1, latentDim: 16, mlpDim: 32,
      encDim: 16, numQ: 2, batchSize: B, mpc: false, device: 'cpu', seed: 3,
    });
    const batch = {
      obs: Tensor.from(uniform((H + 1) * B * O, 1), [H + 1, B, O]),
      action: Tensor.from(uniform(H * B * A, 2), [H, B, A]),
      reward: Tensor.from(uniform(H * B, 3, 0, 2), [H, B]),
    };
    // Earlier spans' entries (other tests in this worker) age out first.
    for (let i = 0; i < 9; i++) withFrozenWeights([], () => 0);
    expect(frozenWeightPacks()).toBe(0);
    agent.update(batch);
    // One entry per layer and form (W read transposed for the forward, as is for dX = dH·W):
    //   encoder, 2 layers: 2 forward + the second's dX (the first reads the observations)  3
    //   dynamics, 3 layers: 3 forward + dX of the last two (the first's dX is a column range,
    //     the latent's columns of [z, a], packed per call)                                  5
    //   policy, 3 layers: 3 forward (the TD targets and the policy loss share them) + dX of the
    //     last two (its input, the detached latents, takes none)                            5
    expect(frozenWeightPacks()).toBe(13);
    agent.update(batch);
    expect(frozenWeightPacks()).toBe(13); // repacked into the same entries
    for (const t of Object.values(batch)) t.dispose();
    agent.dispose();
  });
});
