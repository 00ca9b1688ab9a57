/**
 * Physics and reward sanity: scripted controllers that know nothing of the reward code reach
 * the returns a competent policy gets on DMC.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { loadMujoco, makeEnv } from '../../lib/envs/index.js';
import { CompiledModel } from '../../lib/envs/model.js';
import { Simulation } from '../../lib/envs/simulation.js';
import { CARTPOLE_XML } from '../../lib/envs/models/cartpole.js';
import { angleOf, clip, runEpisode, wrapAngle, type Policy } from './helpers.js';

let mj: Awaited<ReturnType<typeof loadMujoco>>;
beforeAll(async () => {
  mj = await loadMujoco();
});

const SEEDS = [1, 2, 3];

/** Mean return of `policy` over SEEDS. */
function meanReturn(task: string, policy: () => Policy): number {
  const env = makeEnv(task, { seed: 0 });
  try {
    const totals = SEEDS.map((seed) => runEpisode(env, policy(), seed).total);
    return totals.reduce((a, b) => a + b, 0) / totals.length;
  } finally {
    env.close();
  }
}

type Matrix = number[][];
const multiply = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((v, j) => v + b[i]![j]!));
const scale = (a: Matrix, s: number): Matrix => a.map((row) => row.map((v) => v * s));

/**
 * Discrete-time LQR gain for the cart-pole, linearised around upright by central finite
 * differences of the simulator itself over one decision (two 10 ms RK4 steps, action held).
 * State: [cart x, pole angle, cart velocity, pole angular velocity].
 */
function cartpoleLqrGain(): number[] {
  const compiled = new CompiledModel(mj, CARTPOLE_XML);
  const sim = new Simulation(compiled);
  const decision = (state: number[], action: number): number[] => {
    sim.reset();
    const { qpos, qvel, ctrl } = sim.views;
    [qpos[0], qpos[1], qvel[0], qvel[1]] = state as [number, number, number, number];
    ctrl[0] = action;
    sim.step(1);
    sim.step(1);
    const v = sim.views;
    return [v.qpos[0]!, v.qpos[1]!, v.qvel[0]!, v.qvel[1]!];
  };
  const h = 1e-5;
  const column = (plus: number[], minus: number[]) => plus.map((p, i) => (p - minus[i]!) / (2 * h));
  const unit = (i: number, s: number) => [0, 0, 0, 0].map((_, j) => (i === j ? s : 0));
  const aColumns = [0, 1, 2, 3].map((i) => column(decision(unit(i, h), 0), decision(unit(i, -h), 0)));
  const A = transpose(aColumns);
  const B = column(decision([0, 0, 0, 0], h), decision([0, 0, 0, 0], -h)).map((v) => [v]);
  sim.delete();
  compiled.delete();

  const Q = [[1, 0, 0, 0], [0, 10, 0, 0], [0, 0, 0.1, 0], [0, 0, 0, 0.1]];
  const R = 1;
  let P = Q;
  let K: Matrix = [[0, 0, 0, 0]];
  for (let iteration = 0; iteration < 2000; iteration++) {
    const BtP = multiply(transpose(B), P);
    const denominator = R + multiply(BtP, B)[0]![0]!;
    K = scale(multiply(BtP, A), 1 / denominator);
    const closedLoop = add(A, scale(multiply(B, K), -1));
    // Riccati recursion: P ← Q + Aᵀ P (A − B K).
    P = add(Q, multiply(multiply(transpose(A), P), closedLoop));
  }
  return K[0]!;
}

describe('scripted controllers', () => {
  test('LQR holds cartpole-balance (return >= 900)', () => {
    const K = cartpoleLqrGain();
    const lqr: Policy = (obs) => {
      const state = [obs[0]!, angleOf(obs[1]!, obs[2]!), obs[3]!, obs[4]!];
      return [clip(-state.reduce((s, x, i) => s + K[i]! * x, 0))];
    };
    const mean = meanReturn('cartpole-balance', () => lqr);
    console.info(`cartpole-balance LQR: mean return ${mean.toFixed(1)} over seeds ${SEEDS.join(', ')}`);
    expect(mean).toBeGreaterThanOrEqual(900);
  });

  test('energy pumping then PD swings up and holds pendulum-swingup (return >= 600)', () => {
    // Energy relative to resting upright: ½Iω² + mgl(cos θ − 1), with the 1 kg bob at 0.5 m.
    const inertia = 1 * 0.5 ** 2 + 0.4 * 1 * 0.05 ** 2;
    const mgl = 1 * 9.81 * 0.5;
    const swingUp: Policy = (obs) => {
      const [cosine, sine, velocity] = [obs[0]!, obs[1]!, obs[2]!];
      const angle = angleOf(cosine, sine);
      if (cosine > Math.cos(0.4)) return [clip(-10 * angle - 2 * velocity)];
      const energy = 0.5 * inertia * velocity ** 2 + mgl * (cosine - 1);
      // Push along the motion while short of the upright energy, against it when above.
      const direction = velocity >= 0 ? 1 : -1;
      return [clip(-5 * energy * direction)];
    };
    const mean = meanReturn('pendulum-swingup', () => swingUp);
    console.info(`pendulum-swingup energy pumping: mean return ${mean.toFixed(1)}`);
    expect(mean).toBeGreaterThanOrEqual(600);
  });

  test('PD to the origin solves point_mass-easy (return >= 800)', () => {
    const pd: Policy = (obs) => [clip(-20 * obs[0]! - 5 * obs[2]!), clip(-20 * obs[1]! - 5 * obs[3]!)];
    const mean = meanReturn('point_mass-easy', () => pd);
    console.info(`point_mass-easy PD: mean return ${mean.toFixed(1)}`);
    expect(mean).toBeGreaterThanOrEqual(800);
  });

  test('inverse kinematics plus joint PD solves reacher-easy (return >= 800)', () => {
    // Shoulder to hand and hand to finger are both 0.12 m.
    const L1 = 0.12;
    const L2 = 0.12;
    const reach: Policy = (obs) => {
      const [q1, q2, dx, dy, v1, v2] = Array.from(obs);
      // The target is the finger position plus the observed finger-to-target vector.
      const tx = L1 * Math.cos(q1!) + L2 * Math.cos(q1! + q2!) + dx!;
      const ty = L1 * Math.sin(q1!) + L2 * Math.sin(q1! + q2!) + dy!;
      const d2 = tx * tx + ty * ty;
      const cosElbow = Math.max(-1, Math.min(1, (d2 - L1 * L1 - L2 * L2) / (2 * L1 * L2)));
      // Keep the elbow on the side it is already bent towards.
      const elbow = Math.sign(q2! || 1) * Math.acos(cosElbow);
      const shoulder = Math.atan2(ty, tx) - Math.atan2(L2 * Math.sin(elbow), L1 + L2 * Math.cos(elbow));
      return [clip(4 * wrapAngle(shoulder - q1!) - 0.4 * v1!), clip(4 * (elbow - q2!) - 0.4 * v2!)];
    };
    const mean = meanReturn('reacher-easy', () => reach);
    console.info(`reacher-easy IK + PD: mean return ${mean.toFixed(1)}`);
    expect(mean).toBeGreaterThanOrEqual(800);
  });
});
