// A custom environment in plain TypeScript: a 2-D point robot pushed by a force towards a goal.
// It implements tdmpc2's public `Env` contract and nothing else (no MuJoCo): the examples train
// it with the Trainer (train-custom-env.ts) and with a hand-written loop (own-loop.ts).
//
// State: position p and velocity v in the plane; the goal g is drawn per episode. Action: a force
// in [-1, 1]² (the agent's action space). Each step: v ← 0.8·v + 0.2·a, p ← clip(p + 0.1·v, ±1).
// Reward: max(0, 1 − 2·|p − g|) per step (1 at the goal, 0 beyond half a unit). Observation:
// [p, v, g − p] (6 values).
import { box, type Env, type ResetOptions } from 'tdmpc2';

/** mulberry32: a tiny seeded generator so that reset({ seed }) makes episodes reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class PointRobot implements Env {
  readonly name = 'point-robot';
  readonly observationSpace = box(6, -Infinity, Infinity);
  readonly actionSpace = box(2, -1, 1);
  readonly maxEpisodeSteps: number;
  #rand = seeded(0);
  #p = [0, 0];
  #v = [0, 0];
  #g = [0, 0];
  #t = 0;

  constructor(maxEpisodeSteps = 100) {
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  reset(options?: ResetOptions): { obs: Float32Array } {
    if (options?.seed !== undefined) this.#rand = seeded(options.seed);
    const u = () => this.#rand() * 2 - 1;
    this.#p = [u(), u()];
    this.#v = [0, 0];
    this.#g = [0.8 * u(), 0.8 * u()];
    this.#t = 0;
    return { obs: this.#observe() };
  }

  step(action: Float32Array): { obs: Float32Array; reward: number; terminated: boolean; truncated: boolean } {
    for (let i = 0; i < 2; i++) {
      this.#v[i] = 0.8 * this.#v[i]! + 0.2 * action[i]!;
      this.#p[i] = Math.min(1, Math.max(-1, this.#p[i]! + 0.1 * this.#v[i]!));
    }
    this.#t += 1;
    const distance = Math.hypot(this.#g[0]! - this.#p[0]!, this.#g[1]! - this.#p[1]!);
    return { obs: this.#observe(), reward: Math.max(0, 1 - 2 * distance), terminated: false, truncated: this.#t >= this.maxEpisodeSteps };
  }

  #observe(): Float32Array {
    const [p, v, g] = [this.#p, this.#v, this.#g];
    return Float32Array.of(p[0]!, p[1]!, v[0]!, v[1]!, g[0]! - p[0]!, g[1]! - p[1]!);
  }
}

/** `--smoke` on the command line: the examples' short mode (CI runs them so). */
export const smoke = process.argv.includes('--smoke');
