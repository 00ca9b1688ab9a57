/** Shared helpers of the environment tests. */
import type { DmcEnv as Env } from '../../lib/envs/index.js';
import { Rng } from '../../lib/envs/rng.js';

/** Maps an observation (and the decision index) to an action. */
export type Policy = (obs: Float32Array, t: number) => ArrayLike<number>;

/** One full episode's record. */
export interface Episode {
  readonly rewards: number[];
  readonly observations: Float32Array[];
  readonly total: number;
}

/** Runs one episode to the time limit from `reset({ seed })`. */
export function runEpisode(env: Env, policy: Policy, seed: number, keepObservations = false): Episode {
  let { obs } = env.reset({ seed });
  const rewards: number[] = [];
  const observations: Float32Array[] = keepObservations ? [obs] : [];
  for (let t = 0; ; t++) {
    const result = env.step(policy(obs, t));
    rewards.push(result.reward);
    obs = result.obs;
    if (keepObservations) observations.push(obs);
    if (result.terminated || result.truncated) break;
  }
  return { rewards, observations, total: rewards.reduce((a, b) => a + b, 0) };
}

/** The all-zero action. */
export function zeroPolicy(actionDim: number): Policy {
  const zero = new Float32Array(actionDim);
  return () => zero;
}

/** Independent uniform actions in [-1, 1] from a seeded stream. */
export function randomPolicy(actionDim: number, seed: number): Policy {
  const rng = new Rng(seed);
  return () => Float32Array.from({ length: actionDim }, () => rng.uniform(-1, 1));
}

/** Clips to [-1, 1]. */
export const clip = (x: number): number => Math.max(-1, Math.min(1, x));

/** Angle in (-π, π] of a (cos, sin) pair. */
export const angleOf = (cosine: number, sine: number): number => Math.atan2(sine, cosine);

/** Wraps an angle into (-π, π]. */
export const wrapAngle = (angle: number): number => Math.atan2(Math.sin(angle), Math.cos(angle));
