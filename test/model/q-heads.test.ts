// The TD target and the policy loss evaluate only HEAD's random pair of Q heads
// (WorldModel.qHeadLogits → MLP.forwardMembers). The pair must be exactly those members of the
// whole-ensemble forward: the same logits (with dropout masks at the same Philox addresses, also
// when a member's draw would start inside a Philox block), the same input gradient in the frozen
// mode of the policy loss, and the dropout stream left where the whole ensemble leaves it.
import { describe, expect, test } from 'vitest';

import { TDMPC2 } from '../../lib/index.js';
import { member } from '../../lib/nn/functional.js';
import { Graph, Var } from '../../lib/nn/graph.js';
import { RngStream } from '../../lib/nn/rng.js';
import { Tensor } from '../../lib/nn/tensor.js';
import { uniform } from '../helpers/random.js';

/** Gradient of Σ c ⊙ logits over the given heads w.r.t. z, plus the logits, the stream's end offset. */
function run(agent: TDMPC2, mlp: number, pair: [number, number], whole: boolean, dropout: boolean) {
  const m = agent.model;
  const g = new Graph('cpu');
  const M = 7;
  const L = agent.cfg.latentDim;
  const z = new Var(g.tensor([M, L]), true); // an activation leaf: its gradient is what the test compares
  z.value.write(uniform(M * L, 1));
  const a = g.constant(Tensor.from(uniform(M * 2, 2, -0.9, 0.9), [M, 2]));
  const rng = new RngStream(5, 2);
  const mode = { params: 'frozen' as const, dropout: dropout ? rng : null };
  let heads: Var[];
  if (whole) {
    const all = m.qLogits(g, z, a, mode);
    heads = pair.map((e) => member(g, all, e));
  } else heads = m.qHeadLogits(g, z, a, pair, mode);
  const K = heads[0]!.shape[1]!;
  heads.forEach((h, k) => {
    const c = uniform(M * K, 10 + k);
    g.record(() => {
      h.grad ??= g.tensor([M, K]);
      h.grad.write(c);
    });
  });
  const logits = heads.map((h) => h.value.toArray());
  g.backward();
  const dz = z.grad!.toArray();
  const out = { logits, dz, offset: rng.state().offset, mlp };
  g.dispose();
  return out;
}

describe('Q heads: the pair alone equals those members of the whole ensemble', () => {
  for (const mlpDim of [32, 30]) {
    test(`mlpDim ${mlpDim} (${(7 * mlpDim) % 4 === 0 ? 'member draws block-aligned' : 'not block-aligned: whole-ensemble fallback'}), with and without dropout`, () => {
      const agent = new TDMPC2({ obsDim: 3, actionDim: 2, episodeLength: 100, latentDim: 16, mlpDim, encDim: 16, numQ: 5, dropout: 0.3, device: 'cpu' });
      try {
        const n = agent.model.qs.params.numel;
        agent.model.qs.params.data.write(uniform(n, 3, -0.3, 0.3)); // the output layer starts at 0
        for (const dropout of [false, true]) {
          const whole = run(agent, mlpDim, [3, 1], true, dropout);
          const pair = run(agent, mlpDim, [3, 1], false, dropout);
          expect(pair.logits[0]).toEqual(whole.logits[0]);
          expect(pair.logits[1]).toEqual(whole.logits[1]);
          expect(pair.offset).toBe(whole.offset);
          for (let i = 0; i < whole.dz.length; i++) expect(pair.dz[i]).toBeCloseTo(whole.dz[i]!, 5);
        }
        expect(() => agent.model.qHeadLogits(new Graph('cpu'), null as never, null as never, [5], { params: 'constant', dropout: null })).toThrow();
      } finally {
        agent.dispose();
      }
    });
  }
});
