// Evaluation of one task by an agent whose inputs may be wider than the task (SPEC §11 and §12):
// observations zero-padded to the agent's obsDim, the task id passed to every act call
// (multitask agents), and only the task's own action dims sent to the environment. Episodes run
// as environment copies stepped together (one batched act call per step), in eval mode.
import type { TDMPC2 } from '../agent/agent.js';
import type { DmcVectorEnv } from '../envs/vector-env.js';
import type { EvalResult } from './evaluate.js';

/** Rows of width `from` copied into rows of width `to` (zero-padded), into `out` when given. */
export function padRows(src: Float32Array, rows: number, from: number, to: number, out?: Float32Array): Float32Array {
  if (from === to && !out) return src;
  const dst = out ?? new Float32Array(rows * to);
  dst.fill(0);
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * from, (r + 1) * from), r * to);
  return dst;
}

/** Rows of width `from` cut to their first `to` columns. */
export function cutRows(src: Float32Array, rows: number, from: number, to: number): Float32Array {
  if (from === to) return src;
  const dst = new Float32Array(rows * to);
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * from, r * from + to), r * to);
  return dst;
}

/**
 * One episode in each copy of `envs`, acting with `agent` in eval mode as task `taskId` (null:
 * a single-task agent). Returns the undiscounted returns.
 */
export function evaluateTask(agent: TDMPC2, envs: DmcVectorEnv, taskId: number | null): EvalResult {
  const n = envs.numEnvs;
  const O = envs.singleObservationSpace.shape[0]!;
  const A = envs.singleActionSpace.shape[0]!;
  const { obsDim, actionDim } = agent.cfg;
  const tasks = taskId === null ? null : new Array<number>(n).fill(taskId);
  const returns = new Array<number>(n).fill(0);
  let obs = envs.reset().obs;
  const first = new Array<boolean>(n).fill(true);
  const padded = new Float32Array(n * obsDim);
  let length = 0;
  for (;;) {
    const actions = agent.actBatch(padRows(obs, n, O, obsDim, padded), first, { evalMode: true, tasks });
    const out = envs.step(cutRows(actions, n, actionDim, A));
    first.fill(false);
    length += 1;
    for (let i = 0; i < n; i++) returns[i]! += out.rewards[i]!;
    obs = out.obs;
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

/** SPEC §11: the normalised score of DMControl returns (return / 10), averaged over tasks. */
export function normalizedScore(returns: readonly number[]): number {
  return returns.reduce((a, r) => a + r / 10, 0) / Math.max(returns.length, 1);
}
