// Evaluation (SPEC §12): episodes in eval mode with `firstStep` at each episode start. A vector
// env runs one episode per copy, all copies stepped together so the agent acts on them in one
// batched call; a single env runs its episodes one after another.
import type { TDMPC2 } from '../agent/agent.js';
import type { Env, VectorEnv } from '../envs/types.js';
import { checkEnv, checkVectorEnv, envName, isVectorEnv, SyncVectorEnv } from '../envs/user-env.js';

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

/** Options of {@link evaluateAgent}. */
export interface EvaluateOptions {
  /** Episodes to run with a single {@link Env} (a vector env runs one per copy). @defaultValue 10 (SPEC §12) */
  episodes?: number;
  /** Called after the reset (t = 0) and after each step t of every episode (e.g. to render copy 0). */
  onStep?: (t: number) => void;
}

/**
 * Evaluates `agent` in eval mode on your {@link Env} (`episodes` episodes, one after another) or
 * on a {@link VectorEnv} (one episode per copy, stepped together; episodes may end at different
 * steps). Environments are reset first and their random streams continue.
 * @throws Error when an episode terminates (non-episodic agents, as in training) or an env breaks
 *   the contract (see {@link Env}); TypeError/RangeError for bad arguments.
 */
export function evaluateAgent(agent: TDMPC2, env: Env | VectorEnv, options: EvaluateOptions = {}): EvalResult {
  if (env === null || typeof env !== 'object') throw new TypeError(`evaluateAgent: env: expected an Env or VectorEnv, got ${String(env)}`);
  const { onStep } = options;
  if (onStep !== undefined && typeof onStep !== 'function') throw new TypeError('evaluateAgent: options.onStep: expected a function');
  if (isVectorEnv(env)) {
    const d = checkVectorEnv(env, 'evaluateAgent');
    checkAgentDims(agent, d, envName(env));
    return summarise(runCopies(agent, env, d.numEnvs, d.obsDim, onStep));
  }
  const episodes = options.episodes ?? 10;
  if (!Number.isSafeInteger(episodes) || episodes < 1) throw new RangeError(`evaluateAgent: options.episodes: expected an integer ≥ 1, got ${String(episodes)}`);
  const d = checkEnv(env, 'evaluateAgent');
  checkAgentDims(agent, d, envName(env));
  const one = new SyncVectorEnv([env]);
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const r = runCopies(agent, one, 1, d.obsDim, onStep);
    returns.push(r.returns[0]!);
    lengths.push(r.lengths[0]!);
  }
  return summarise({ returns, lengths });
}

function checkAgentDims(agent: TDMPC2, d: { obsDim: number; actionDim: number }, name: string): void {
  if (agent.cfg.obsDim !== d.obsDim || agent.cfg.actionDim !== d.actionDim)
    throw new RangeError(
      `evaluateAgent: ${name} has obsDim ${d.obsDim} and actionDim ${d.actionDim}, the agent ${agent.cfg.obsDim} and ${agent.cfg.actionDim}`,
    );
}

/** One episode in each copy: steps all copies until every copy's first episode has ended. */
function runCopies(agent: TDMPC2, envs: VectorEnv, n: number, O: number, onStep?: (t: number) => void): { returns: number[]; lengths: number[] } {
  const returns = new Array<number>(n).fill(0);
  const lengths = new Array<number>(n).fill(0);
  const done = new Uint8Array(n);
  const obs = new Float32Array(n * O);
  obs.set(envs.reset().obs);
  onStep?.(0);
  const first = new Array<boolean>(n).fill(true);
  let remaining = n;
  for (let t = 1; remaining > 0; t++) {
    const out = envs.step(agent.actBatch(obs, first, { evalMode: true }));
    first.fill(false);
    obs.set(out.obs);
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      returns[i]! += Number(out.rewards[i]);
      lengths[i] = t;
      if (out.terminated[i]) throw new Error(`${envName(envs)}: copy ${i} terminated its episode at step ${t}, which non-episodic agents do not support (HEAD raises too)`);
      if (out.truncated[i]) {
        done[i] = 1;
        remaining -= 1;
      }
    }
    onStep?.(t);
  }
  return { returns, lengths };
}

function summarise({ returns, lengths }: { returns: number[]; lengths: number[] }): EvalResult {
  const n = returns.length;
  return {
    returns,
    mean: returns.reduce((a, b) => a + b, 0) / n,
    min: Math.min(...returns),
    max: Math.max(...returns),
    length: lengths.reduce((a, b) => a + b, 0) / n,
  };
}
