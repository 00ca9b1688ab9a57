// Evaluation (SPEC §12): episodes in eval mode with `firstStep` at each episode start, run as
// environment copies stepped together so the agent acts on all of them in one batched call.
import type { TDMPC2 } from '../agent/agent.js';
import type { VectorEnv } from '../envs/vector-env.js';

/** What {@link evaluateAgent} returns. */
export interface EvalResult {
  /** Undiscounted return of each episode. */
  returns: number[];
  mean: number;
  min: number;
  max: number;
  /** Mean episode length (steps). */
  length: number;
}

/**
 * One episode in each copy of `envs` (reset first; their random streams continue), acting with
 * `agent` in eval mode. `onStep` sees the copies after each step (e.g. to render copy 0).
 */
export function evaluateAgent(agent: TDMPC2, envs: VectorEnv, onStep?: (t: number) => void): EvalResult {
  const n = envs.numEnvs;
  const returns = new Array<number>(n).fill(0);
  let obs: Float32Array = envs.reset().obs;
  onStep?.(0);
  const first = new Array<boolean>(n).fill(true);
  let length = 0;
  for (;;) {
    const out = envs.step(agent.actBatch(obs, first, { evalMode: true }));
    first.fill(false);
    length += 1;
    for (let i = 0; i < n; i++) returns[i]! += out.rewards[i]!;
    obs = out.obs;
    onStep?.(length);
    let ended = 0;
    for (let i = 0; i < n; i++) ended += out.truncated[i]! | out.terminated[i]!;
    if (ended === n) break;
    if (ended > 0) throw new Error(`${envs.name}: evaluation copies ended their episodes at different steps`);
  }
  return {
    returns,
    mean: returns.reduce((a, b) => a + b, 0) / n,
    min: Math.min(...returns),
    max: Math.max(...returns),
    length,
  };
}
