/**
 * Reward and return bounds for every task under the zero and the uniform random policy, and
 * a table of their mean returns. Neither policy controls anything, so both must score low.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listTasks, loadMujoco, makeEnv } from '../../lib/envs/index.js';
import { randomPolicy, runEpisode, zeroPolicy } from './helpers.js';

beforeAll(async () => {
  await loadMujoco();
});

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * Upper bounds on the mean return over SEEDS. Where it is above the default, DMC's task pays
 * for something an uncontrolled system does:
 * - cartpole-balance: the pole starts upright with almost no energy and the hinge is nearly
 *   undamped, so after falling it keeps swinging over the top; the smooth reward
 *   (cos + 1)/2 pays for every pass (an LQR policy gets ~1000).
 * - cartpole-balance_sparse: the pole takes a second or two to leave the ±5.7° band.
 * - cup-catch: about one in eight initial states puts the ball above the cup, and it drops in
 *   (seeds 1 and 2 do: ~990 each).
 */
const CEILING: Record<string, number> = {
  'cartpole-balance': 850,
  'cartpole-balance_sparse': 450,
  'cup-catch': 500,
};
const DEFAULT_CEILING = 200;

const rows: string[] = [];

describe.each(listTasks())('%s', (task) => {
  test('zero and random policies: rewards in [0, 2] per step, returns in [0, 1000] and low', () => {
    const env = makeEnv(task, { seed: 0 });
    try {
      const dim = env.actionSpace.shape[0]!;
      const means: Record<string, number> = {};
      for (const [name, makePolicy] of [
        ['zero', () => zeroPolicy(dim)],
        ['random', (seed: number) => randomPolicy(dim, 100 + seed)],
      ] as const) {
        let sum = 0;
        for (const seed of SEEDS) {
          const episode = runEpisode(env, makePolicy(seed), seed);
          expect(episode.rewards.length).toBe(500);
          expect(Math.min(...episode.rewards)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...episode.rewards)).toBeLessThanOrEqual(2);
          expect(episode.total).toBeGreaterThanOrEqual(0);
          expect(episode.total).toBeLessThanOrEqual(1000);
          sum += episode.total;
        }
        means[name] = sum / SEEDS.length;
        expect(means[name]).toBeLessThan(CEILING[task] ?? DEFAULT_CEILING);
      }
      rows.push(`| ${task} | ${means.zero!.toFixed(1)} | ${means.random!.toFixed(1)} |`);
    } finally {
      env.close();
    }
  });
});

afterAll(() => {
  console.info(
    [`mean return over seeds ${SEEDS.join(', ')}`, '| task | zero | random |', '| --- | ---: | ---: |', ...rows].join('\n'),
  );
});
