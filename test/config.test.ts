// DEFAULT_CONFIG and MODEL_SIZES against SPEC §2, and resolveConfig's derived values and errors.
import { describe, expect, test } from 'vitest';

import { DEFAULT_CONFIG, MODEL_SIZES, resolveConfig, discountFor } from '../lib/config.js';

const base = { obsDim: 5, actionDim: 1, episodeLength: 500 };

describe('defaults equal SPEC §2 (config.yaml)', () => {
  test('every default', () => {
    expect({ ...DEFAULT_CONFIG }).toEqual({
      steps: 10_000_000, batchSize: 256, rewardCoef: 0.1, valueCoef: 0.1, consistencyCoef: 20,
      terminationCoef: 1, rho: 0.5, lr: 3e-4, encLrScale: 0.3, gradClipNorm: 20, tau: 0.01,
      discountDenom: 5, discountMin: 0.95, discountMax: 0.995, bufferSize: 1_000_000,
      mpc: true, iterations: 6, numSamples: 512, numElites: 64, numPiTrajs: 24, horizon: 3,
      minStd: 0.05, maxStd: 2, temperature: 0.5,
      logStdMin: -10, logStdMax: 2, entropyCoef: 1e-4,
      numBins: 101, vmin: -10, vmax: 10,
      modelSize: 5, numEncLayers: 2, encDim: 256, mlpDim: 512, latentDim: 512, taskDim: 0, numQ: 5,
      dropout: 0.01, simnormDim: 8,
      evalEpisodes: 10, evalFreq: 50_000, tasks: null, seed: 1, episodic: false, device: 'auto',
    });
  });

  test('the model-size table', () => {
    expect(MODEL_SIZES).toEqual({
      1: { encDim: 256, mlpDim: 384, latentDim: 128, numEncLayers: 2, numQ: 2 },
      5: { encDim: 256, mlpDim: 512, latentDim: 512, numEncLayers: 2, numQ: 5 },
      19: { encDim: 1024, mlpDim: 1024, latentDim: 768, numEncLayers: 3, numQ: 5 },
      48: { encDim: 1792, mlpDim: 1792, latentDim: 768, numEncLayers: 4, numQ: 5 },
      317: { encDim: 4096, mlpDim: 4096, latentDim: 1376, numEncLayers: 5, numQ: 8 },
    });
  });
});

describe('resolveConfig', () => {
  test('derived values for DMControl (T = 500)', () => {
    const c = resolveConfig(base);
    expect(c.discount).toBeCloseTo(0.99, 12);
    expect(c.seedSteps).toBe(2500);
    expect(c.binSize).toBeCloseTo(0.2, 12);
    expect(c.iterations).toBe(6);
    expect(c.bufferCapacity).toBe(1_000_000);
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('discount heuristic bounds: Meta-World T=100 → 0.95, T ≥ 1000 → 0.995', () => {
    expect(discountFor(100, 5, 0.95, 0.995)).toBeCloseTo(0.95, 12);
    expect(discountFor(1000, 5, 0.95, 0.995)).toBeCloseTo(0.995, 12);
    expect(discountFor(10, 5, 0.95, 0.995)).toBe(0.95);
    expect(resolveConfig({ ...base, episodeLength: 100 }).seedSteps).toBe(1000);
  });

  test('+2 iterations when actionDim ≥ 20', () => {
    expect(resolveConfig({ ...base, actionDim: 19 }).iterations).toBe(6);
    expect(resolveConfig({ ...base, actionDim: 20 }).iterations).toBe(8);
    expect(resolveConfig({ ...base, actionDim: 38, iterations: 4 }).iterations).toBe(6);
  });

  test('model sizes, with explicit keys winning over the table', () => {
    expect(resolveConfig({ ...base, modelSize: 1 })).toMatchObject({ latentDim: 128, mlpDim: 384, numQ: 2 });
    expect(resolveConfig({ ...base, modelSize: 317 })).toMatchObject({ latentDim: 1376, numQ: 8, numEncLayers: 5 });
    expect(resolveConfig({ ...base, modelSize: 1, latentDim: 16 })).toMatchObject({ latentDim: 16, mlpDim: 384 });
    expect(() => resolveConfig({ ...base, modelSize: 7 as 5 })).toThrow(/modelSize: expected one of 1, 5, 19, 48, 317/);
  });

  test('buffer capacity is min(bufferSize, steps)', () => {
    expect(resolveConfig({ ...base, steps: 5000 }).bufferCapacity).toBe(5000);
  });

  test('does not mutate its input', () => {
    const opts = { ...base, actionDim: 21 };
    const copy = { ...opts };
    resolveConfig(opts);
    expect(opts).toEqual(copy);
  });

  test('unknown keys are rejected with a suggestion', () => {
    expect(() => resolveConfig({ ...base, numElite: 3 } as never)).toThrow('Unknown option "numElite"; did you mean "numElites"?');
    expect(() => resolveConfig({ ...base, horizn: 3 } as never)).toThrow('did you mean "horizon"?');
    expect(() => resolveConfig({ ...base, zzzzzzzz: 1 } as never)).toThrow(/^Unknown option "zzzzzzzz"$/);
  });

  test('ranges are checked', () => {
    expect(() => resolveConfig({ ...base, numElites: 600 })).toThrow(/numElites: expected an integer in \[1, 512\]/);
    expect(() => resolveConfig({ ...base, latentDim: 20 })).toThrow(/divisible by simnormDim 8/);
    expect(() => resolveConfig({ ...base, lr: 0 })).toThrow(RangeError);
    expect(() => resolveConfig({ ...base, numQ: 1 })).toThrow(RangeError);
    expect(() => resolveConfig({ ...base, dropout: 1 })).toThrow(RangeError);
    expect(() => resolveConfig({ ...base, mpc: 'yes' as never })).toThrow(TypeError);
    expect(() => resolveConfig({ ...base, device: 'gpu' as never })).toThrow(/config.device/);
    expect(() => resolveConfig({ obsDim: 5, actionDim: 1 } as never)).toThrow('config.episodeLength is required');
    expect(() => resolveConfig({ ...base, obsDim: 0 })).toThrow(/obsDim/);
  });
});
