// A user-defined environment for the trainer tests, written against the public Env contract only:
// a point on a line moved by a velocity action towards a goal. Observation [x, goal], action
// a ∈ [-1, 1] moves x by 0.25·a (x clipped to [-2, 2]), reward max(0, 1 − |x − goal|) per step.
// Episodes are truncated after a length drawn in [minSteps, maxEpisodeSteps] (varying lengths).
import { box, type Box, type Env, type ResetOptions } from '../../lib/index.js';
import { rng as mulberry32 } from './random.js';

export interface PointLineState {
  x: number;
  goal: number;
  t: number;
  limit: number;
  rng: number;
}

export class PointLineEnv implements Env<PointLineState> {
  readonly name = 'point-line';
  readonly observationSpace: Box = box(2, -2, 2);
  readonly actionSpace: Box = box(1, -1, 1);
  readonly maxEpisodeSteps: number;
  readonly minSteps: number;
  #rand = mulberry32(0);
  #seed = 0;
  #draws = 0;
  #x = 0;
  #goal = 0;
  #t = 0;
  #limit = 0;
  closed = false;

  constructor(opts: { maxEpisodeSteps?: number; minSteps?: number } = {}) {
    this.maxEpisodeSteps = opts.maxEpisodeSteps ?? 40;
    this.minSteps = opts.minSteps ?? 30;
  }

  #draw(): number {
    this.#draws += 1;
    return this.#rand();
  }

  reset(options?: ResetOptions): { obs: Float32Array } {
    if (options?.seed !== undefined) {
      this.#seed = options.seed;
      this.#rand = mulberry32(options.seed);
      this.#draws = 0;
    }
    this.#x = this.#draw() * 4 - 2;
    this.#goal = this.#draw() * 3 - 1.5;
    this.#t = 0;
    this.#limit = this.minSteps + Math.floor(this.#draw() * (this.maxEpisodeSteps - this.minSteps + 1));
    return { obs: Float32Array.of(this.#x, this.#goal) };
  }

  step(action: Float32Array): { obs: Float32Array; reward: number; terminated: boolean; truncated: boolean } {
    this.#x = Math.min(2, Math.max(-2, this.#x + 0.25 * action[0]!));
    this.#t += 1;
    const reward = Math.max(0, 1 - Math.abs(this.#x - this.#goal));
    return { obs: Float32Array.of(this.#x, this.#goal), reward, terminated: false, truncated: this.#t >= this.#limit };
  }

  getState(): PointLineState {
    return { x: this.#x, goal: this.#goal, t: this.#t, limit: this.#limit, rng: this.#seed * 1e6 + this.#draws };
  }

  setState(s: PointLineState): void {
    this.#seed = Math.floor(s.rng / 1e6);
    this.#rand = mulberry32(this.#seed);
    const draws = s.rng - this.#seed * 1e6;
    this.#draws = 0;
    while (this.#draws < draws) this.#draw();
    [this.#x, this.#goal, this.#t, this.#limit] = [s.x, s.goal, s.t, s.limit];
  }

  close(): void {
    this.closed = true;
  }
}

/** Mean return of uniformly random actions over `episodes` episodes (the baseline a learner must beat). */
export function randomReturn(episodes: number, seed: number): number {
  const env = new PointLineEnv();
  const rand = mulberry32(seed ^ 0x9e3779b9);
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    env.reset(e === 0 ? { seed } : undefined);
    for (;;) {
      const r = env.step(Float32Array.of(rand() * 2 - 1));
      total += r.reward;
      if (r.truncated) break;
    }
  }
  return total / episodes;
}
