// Shared by the planner tests: small configurations, world models with random (non-zero)
// parameters, and the same parameters as the TS reference planner takes them (read by name from
// the ParamGroup views, independently of the native layout).
import { resolveConfig, type ResolvedConfig, type TdMpc2Options } from '../../lib/config.js';
import { WorldModel } from '../../lib/model/world-model.js';
import type { MLP } from '../../lib/nn/modules.js';
import type { Epilogue } from '../reference/dense.js';
import type { RefMlp, RefModel, RefPlannerConfig } from '../reference/planner.js';
import { rng } from '../helpers/random.js';

export function smallConfig(overrides: Partial<TdMpc2Options> = {}): ResolvedConfig {
  return resolveConfig({
    obsDim: 5,
    actionDim: 2,
    episodeLength: 500,
    latentDim: 16,
    simnormDim: 8,
    mlpDim: 24,
    encDim: 20,
    numEncLayers: 2,
    numQ: 3,
    numBins: 101,
    horizon: 3,
    iterations: 3,
    numSamples: 40,
    numElites: 7,
    numPiTrajs: 5,
    device: 'cpu',
    ...overrides,
  });
}

/**
 * Every parameter random: weights U(±1.5/√in) (reward and Q heads included, so values differ
 * between samples), biases U(±0.2), LayerNorm γ 1 ± 0.3, β U(±0.2).
 */
export function randomizeModel(model: WorldModel, seed: number): void {
  const r = rng(seed);
  for (const net of model.nets) {
    for (const p of net.params.params) {
      const v = new Float32Array(p.size);
      const kind = p.name.split('.')[1];
      const fanIn = p.shape[p.shape.length - 1]!;
      for (let i = 0; i < v.length; i++) {
        const u = 2 * r() - 1;
        v[i] = kind === 'weight' ? (1.5 * u) / Math.sqrt(fanIn) : kind === 'ln_weight' ? 1 + 0.3 * u : 0.2 * u;
      }
      p.value.write(v);
    }
  }
  model.targetQs.copyFrom(model.qs.params);
}

export function makeModel(cfg: ResolvedConfig, seed = 7): WorldModel {
  const model = new WorldModel(cfg, cfg.device === 'auto' ? 'cpu' : cfg.device);
  randomizeModel(model, seed);
  return model;
}

function layersOf(net: MLP, outEpilogue: Epilogue, member: number | null): RefMlp {
  const layers: RefMlp = [];
  const group = net.params;
  for (let i = 0; ; i++) {
    let W;
    try {
      W = group.get(`${i}.weight`);
    } catch {
      break;
    }
    const [out, inDim] = W.shape.slice(-2) as [number, number];
    const slice = (name: string, size: number) => {
      const all = group.get(name).value.toArray();
      return member === null ? all : all.slice(member * size, (member + 1) * size);
    };
    const hasLn = (() => {
      try {
        group.get(`${i}.ln_weight`);
        return true;
      } catch {
        return false;
      }
    })();
    layers.push({
      in: inDim,
      out,
      epilogue: 'ln_mish',
      W: slice(`${i}.weight`, out * inDim),
      b: slice(`${i}.bias`, out),
      gamma: hasLn ? slice(`${i}.ln_weight`, out) : null,
      beta: hasLn ? slice(`${i}.ln_bias`, out) : null,
    });
  }
  layers[layers.length - 1]!.epilogue = outEpilogue;
  return layers;
}

export function refModel(model: WorldModel): RefModel {
  return {
    encoder: layersOf(model.encoder, 'ln_simnorm', null),
    dynamics: layersOf(model.dynamics, 'ln_simnorm', null),
    reward: layersOf(model.reward, 'none', null),
    pi: layersOf(model.pi, 'none', null),
    qs: Array.from({ length: model.cfg.numQ }, (_, q) => layersOf(model.qs, 'none', q)),
  };
}

export function refConfig(cfg: ResolvedConfig): RefPlannerConfig {
  return {
    actionDim: cfg.actionDim,
    simnormDim: cfg.simnormDim,
    numQ: cfg.numQ,
    bins: { numBins: cfg.numBins, vmin: cfg.vmin, vmax: cfg.vmax },
    horizon: cfg.horizon,
    iterations: cfg.iterations,
    numSamples: cfg.numSamples,
    numElites: cfg.numElites,
    numPiTrajs: cfg.numPiTrajs,
    minStd: cfg.minStd,
    maxStd: cfg.maxStd,
    temperature: cfg.temperature,
    discount: cfg.discount,
    logStdMin: cfg.logStdMin,
    logStdMax: cfg.logStdMax,
  };
}

/** n observations uniform in [−1, 1). */
export function randomObs(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}
