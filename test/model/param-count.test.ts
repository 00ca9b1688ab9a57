// Learnable parameter counts of the constructed world model equal SPEC §2's table.
import { describe, expect, test } from 'vitest';

import { resolveConfig, type ModelSize } from '../../lib/config.js';
import { WorldModel } from '../../lib/model/world-model.js';

const TABLE: [ModelSize, number, number][] = [
  [1, 1_198_257, 1_212_859],
  [5, 4_932_704, 4_958_826],
  [19, 17_996_896, 18_055_274],
  [48, 47_093_600, 47_195_754],
  [317, 312_271_823, 312_566_745],
];

describe('parameter counts (SPEC §2)', () => {
  test.each(TABLE)('model size %i: cartpole-swingup %i, cheetah-run %i', (size, cartpole, cheetah) => {
    for (const [O, A, want] of [[5, 1, cartpole], [17, 6, cheetah]] as const) {
      const wm = new WorldModel(resolveConfig({ obsDim: O, actionDim: A, episodeLength: 500, modelSize: size }), 'cpu');
      try {
        expect(wm.numParams).toBe(want);
        expect(wm.targetQs.numel).toBe(wm.qs.params.numel);
      } finally {
        wm.dispose();
      }
    }
  });
});
