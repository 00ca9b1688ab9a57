// The planner finds the known optimum of a synthetic problem: a world model with hand-set weights
// whose reward depends only on the action, strictly decreasing in |a − a*|, with dynamics that
// ignore the action and a zero value head. The planned first action must land within 0.05 of a*.
import { describe, expect, test } from 'vitest';

import { Planner } from '../../lib/agent/planner.js';
import type { WorldModel } from '../../lib/model/world-model.js';
import type { MLP } from '../../lib/nn/modules.js';
import { makeModel, smallConfig } from './helpers.js';

function setParam(net: MLP, name: string, fn: (index: number[]) => number): void {
  const p = net.params.get(name);
  const v = new Float32Array(p.size);
  const dims = p.shape;
  for (let i = 0; i < v.length; i++) {
    const idx: number[] = [];
    let r = i;
    for (let d = dims.length - 1; d >= 0; d--) {
      idx.unshift(r % dims[d]!);
      r = Math.floor(r / dims[d]!);
    }
    v[i] = fn(idx);
  }
  p.value.write(v);
}

/**
 * Reward head (input [z, a], hidden width M ≥ 2A + 4), with d = a − a*:
 *   layer 0: units (2i, 2i+1) = (d_i, −d_i), unit 2A = 1, unit 2A+1 = −1, the rest 0. Their mean
 *            is 0 and their variance (2|d|² + 2)/M, so after the LayerNorm unit 2A carries
 *            1/σ(|d|), even in d and strictly decreasing in |d|; Mish keeps that order (> 0).
 *   layer 1: units (0, 1) = (y, −y) with y = that unit, units (2, 3) = (1, −1): after the
 *            LayerNorm unit 0 is y/√((2y² + 2)/M + ε), increasing in y.
 *   output:  logit_k = α·c_k·(unit 0), c_k the bin centres: the expected bin, hence the
 *            reward, increases with unit 0. α = 0.05 keeps the reward differences moderate; a
 *            much steeper reward concentrates the scores on one elite in the first iteration,
 *            the std collapses to min_std and the search stalls (MPPI's known failure mode).
 * So r(a) has its unique maximum at a = a*. Dynamics: zero weights (z' does not depend on a).
 * Q heads and policy: zero weights (Q = 0, π = tanh of a tiny Gaussian around 0).
 */
function handSet(model: WorldModel, aStar: readonly number[], alpha = 0.05): void {
  const { latentDim: L, actionDim: A, numBins: K, vmin, vmax } = model.cfg;
  const zero = () => 0;
  for (const net of [model.dynamics, model.qs, model.pi, model.reward])
    for (const p of net.params.params) p.value.fill(p.name.endsWith('ln_weight') ? 1 : 0);
  // The dynamics output: a fixed latent (LayerNorm of a non-constant bias, then SimNorm).
  setParam(model.dynamics, '2.bias', ([n]) => Math.sin(n!));
  setParam(model.reward, '0.weight', ([n, k]) => {
    for (let i = 0; i < A; i++) {
      if (n === 2 * i && k === L + i) return 1;
      if (n === 2 * i + 1 && k === L + i) return -1;
    }
    return 0;
  });
  setParam(model.reward, '0.bias', ([n]) => {
    for (let i = 0; i < A; i++) {
      if (n === 2 * i) return -aStar[i]!;
      if (n === 2 * i + 1) return aStar[i]!;
    }
    return n === 2 * A ? 1 : n === 2 * A + 1 ? -1 : 0;
  });
  setParam(model.reward, '1.weight', ([n, k]) => (k === 2 * A ? (n === 0 ? 1 : n === 1 ? -1 : 0) : 0));
  setParam(model.reward, '1.bias', ([n]) => (n === 2 ? 1 : n === 3 ? -1 : 0));
  setParam(model.reward, '2.weight', ([k, n]) => (n === 0 ? alpha * (vmin + ((vmax - vmin) * k!) / (K - 1)) : 0));
  setParam(model.reward, '2.bias', zero);
}

describe('planner on a synthetic problem with a known optimum', () => {
  // SPEC defaults: N 512, 64 elites, 24 policy trajectories, 6 iterations, horizon 3.
  const configFor = (A: number) =>
    smallConfig({ actionDim: A, latentDim: 8, mlpDim: 2 * A + 4, numQ: 2, numSamples: 512, numElites: 64, numPiTrajs: 24, iterations: 6, horizon: 3 });
  const B = 16;
  const obsFor = (O: number) => Float32Array.from({ length: B * O }, (_, i) => Math.cos(i));

  for (const aStar of [0.6, -0.35]) {
    test(`A = 1, a* = ${aStar}: every env's planned first action lands within 0.05 of a*, first and warm-started steps`, () => {
      const cfg = configFor(1);
      const model = makeModel(cfg, 3);
      handSet(model, [aStar]);
      const planner = new Planner(model, { batch: B, seed: 9 });
      const obs = obsFor(cfg.obsDim);
      for (let step = 0; step < 3; step++) {
        const actions = planner.plan(obs, Array(B).fill(step === 0), true);
        const mean = planner.mean();
        for (let b = 0; b < B; b++) {
          expect(Math.abs(actions[b]! - aStar), `step ${step} env ${b}: action ${actions[b]}`).toBeLessThan(0.05);
          for (let t = 0; t < cfg.horizon; t++) expect(Math.abs(mean[b * cfg.horizon + t]! - aStar)).toBeLessThan(0.05);
        }
      }
      planner.dispose();
      model.dispose();
    });
  }

  test('A = 2, a* = (0.5, −0.3): the final MPPI mean lands within 0.05 of a*, the action within 0.1', () => {
    // The action is an elite drawn by score, not the mean: with std at min_std (0.05) per dim,
    // the drawn elite sits a few hundredths from the mean in each of the A dims.
    const aStar = [0.5, -0.3];
    const cfg = configFor(2);
    const model = makeModel(cfg, 3);
    handSet(model, aStar);
    const planner = new Planner(model, { batch: B, seed: 9 });
    const actions = planner.plan(obsFor(cfg.obsDim), Array(B).fill(true), true);
    const mean = planner.mean();
    for (let b = 0; b < B; b++)
      for (let i = 0; i < 2; i++) {
        expect(Math.abs(mean[b * 6 + i]! - aStar[i]!), `env ${b} dim ${i}: mean ${mean[b * 6 + i]}`).toBeLessThan(0.05);
        expect(Math.abs(actions[b * 2 + i]! - aStar[i]!), `env ${b} dim ${i}: action ${actions[b * 2 + i]}`).toBeLessThan(0.1);
      }
    planner.dispose();
    model.dispose();
  });

  test('the reward head really peaks at a* (a grid check of the hand-set model, through the reference)', async () => {
    const { mlpRef } = await import('../reference/planner.js');
    const { twoHotInvRef } = await import('../reference/critic.js');
    const { refModel } = await import('./helpers.js');
    const aStar = [0.6];
    const cfg = smallConfig({ actionDim: 1, latentDim: 8, mlpDim: 6, numQ: 2 });
    const model = makeModel(cfg, 3);
    handSet(model, aStar);
    const ref = refModel(model);
    const grid = Array.from({ length: 81 }, (_, i) => -1 + i / 40);
    const x = new Float64Array(grid.length * 9);
    grid.forEach((a, r) => {
      x[r * 9 + 8] = a;
      for (let k = 0; k < 8; k++) x[r * 9 + k] = 0.125;
    });
    const rewards = twoHotInvRef(mlpRef(ref.reward, x, grid.length, 8), grid.length, { numBins: 101, vmin: -10, vmax: 10 }).value;
    const peak = 64; // grid[64] = 0.6
    expect(rewards.indexOf(Math.max(...rewards))).toBe(peak);
    // Strictly decreasing away from a*.
    for (let r = 1; r < grid.length; r++) {
      if (r <= peak) expect(rewards[r]!).toBeGreaterThan(rewards[r - 1]!);
      else expect(rewards[r]!).toBeLessThan(rewards[r - 1]!);
    }
    model.dispose();
  });
});
