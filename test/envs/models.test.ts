/**
 * The models carry DMC's published physical parameters (values read off dm_control/suite/*.xml
 * and *.py), and each task runs DMC's control timestep: one decision = 2 control steps.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { listTasks, loadMujoco, makeEnv, type Mujoco } from '../../lib/envs/index.js';
import { CompiledModel } from '../../lib/envs/model.js';
import { taskDefinition } from '../../lib/envs/registry.js';

let mj: Mujoco;
beforeAll(async () => {
  mj = await loadMujoco();
});

const deg = (d: number): number => (d * Math.PI) / 180;

interface Expected {
  timestep: number;
  rk4?: boolean;
  /** DMC control timestep (physics timestep × n_sub_steps). */
  control: number;
  gears: number[];
  /** Body masses by name (kg). */
  masses?: Record<string, number>;
  totalMass?: number;
  /** Joint damping by joint name. */
  damping?: Record<string, number>;
  /** Joint ranges by joint name (radians or metres). */
  ranges?: Record<string, [number, number]>;
  gravity?: number;
}

const DMC: Record<string, Expected> = {
  'cartpole-swingup': {
    timestep: 0.01, rk4: true, control: 0.01, gears: [10], masses: { cart: 1, pole_1: 0.1 },
    damping: { slider: 5e-4, hinge_1: 2e-6 }, ranges: { slider: [-1.8, 1.8] },
  },
  'pendulum-swingup': { timestep: 0.02, control: 0.02, gears: [1], masses: { pole: 1 }, damping: { hinge: 0.1 } },
  'acrobot-swingup': {
    timestep: 0.01, rk4: true, control: 0.01, gears: [2], masses: { upper_arm: 1, lower_arm: 1 },
    damping: { shoulder: 0.05, elbow: 0.05 },
  },
  'point_mass-easy': {
    timestep: 0.02, control: 0.02, gears: [0.1, 0.1], masses: { pointmass: 0.3 },
    damping: { root_x: 1, root_y: 1 }, ranges: { root_x: [-0.29, 0.29], root_y: [-0.29, 0.29] },
  },
  'reacher-easy': {
    timestep: 0.02, control: 0.02, gears: [0.05, 0.05], damping: { shoulder: 0.01, wrist: 0.01 },
    ranges: { wrist: [deg(-160), deg(160)] },
  },
  'finger-spin': {
    timestep: 0.01, control: 0.02, gears: [30, 15], gravity: 0,
    damping: { proximal: 2.5, distal: 2.5, hinge: 0.03 },
    ranges: { proximal: [deg(-110), deg(110)], distal: [deg(-110), deg(110)] },
  },
  'cup-catch': { timestep: 0.002, control: 0.02, gears: [5, 5], damping: { cup_x: 3, cup_z: 3 } },
  'cheetah-run': {
    timestep: 0.01, control: 0.01, gears: [120, 90, 60, 90, 60, 30], totalMass: 14,
    damping: { bthigh: 6, bshin: 4.5, bfoot: 3, fthigh: 4.5, fshin: 3, ffoot: 1.5 },
    ranges: { bthigh: [deg(-30), deg(60)], bfoot: [deg(-230), deg(50)], fthigh: [deg(-57), deg(0.4)] },
  },
  'walker-walk': {
    timestep: 0.0025, control: 0.025, gears: [100, 50, 20, 100, 50, 20],
    damping: { right_hip: 0.1, left_ankle: 0.1, rootx: 0 },
    ranges: { right_hip: [deg(-20), deg(100)], left_knee: [deg(-150), 0], right_ankle: [deg(-45), deg(45)] },
  },
  'hopper-hop': {
    timestep: 0.005, control: 0.02, gears: [30, 40, 30, 10], damping: { waist: 0.05, ankle: 0.05 },
    ranges: { hip: [deg(-170), deg(10)], knee: [deg(5), deg(150)] },
  },
};

describe.each(Object.entries(DMC))('%s', (task, expected) => {
  test("compiles to DMC's physical parameters", () => {
    const compiled = new CompiledModel(mj, taskDefinition(task, 'test').xml);
    try {
      const m = compiled.model;
      expect(compiled.timestep).toBe(expected.timestep);
      expect(compiled.usesRk4).toBe(expected.rk4 ?? false);
      const gears = m.actuator_gear as Float64Array;
      expect(Array.from({ length: compiled.nu }, (_, i) => gears[6 * i])).toEqual(expected.gears);
      expect(Array.from(compiled.ctrlRange)).toEqual(expected.gears.flatMap(() => [-1, 1]));
      const masses = m.body_mass as Float64Array;
      for (const [body, mass] of Object.entries(expected.masses ?? {})) expect(masses[compiled.id('body', body)]).toBeCloseTo(mass, 12);
      if (expected.totalMass !== undefined) expect(masses.reduce((a, b) => a + b, 0)).toBeCloseTo(expected.totalMass, 9);
      const damping = m.dof_damping as Float64Array;
      for (const [joint, value] of Object.entries(expected.damping ?? {})) expect(damping[compiled.dofAddress(joint)]).toBe(value);
      for (const [joint, range] of Object.entries(expected.ranges ?? {})) {
        const info = compiled.joints.find((j) => j.name === joint)!;
        expect(info.limited).toBe(true);
        expect(info.range[0]).toBeCloseTo(range[0], 12);
        expect(info.range[1]).toBeCloseTo(range[1], 12);
      }
      if (expected.gravity !== undefined) {
        const option = m.opt;
        expect(Array.from(option.gravity as Float64Array)).toEqual([0, 0, -9.81]);
        // finger.xml disables gravity with a flag rather than zeroing the vector.
        expect(option.disableflags & mj.mjtDisableBit.mjDSBL_GRAVITY.value).not.toBe(0);
        option.delete();
      }
    } finally {
      compiled.delete();
    }
  });
});

test.each(listTasks())('%s: a decision advances time by two DMC control timesteps; an episode lasts DMC\'s time limit', (task) => {
  const env = makeEnv(task, { seed: 1 });
  try {
    const timeOf = () => env.getState().physics[0]!; // mjSTATE_INTEGRATION starts with time
    env.reset();
    expect(timeOf()).toBe(0);
    const action = new Float32Array(env.actionSpace.shape[0]!);
    env.step(action);
    const definition = taskDefinition(task, 'test');
    expect(timeOf()).toBeCloseTo(2 * definition.controlTimestep, 12);
    expect(env.maxEpisodeSteps * 2 * definition.controlTimestep).toBeCloseTo(definition.timeLimit, 12);
    expect(definition.timeLimit / definition.controlTimestep).toBeCloseTo(1000, 9);
  } finally {
    env.close();
  }
});

test('the per-task DMC table covers every domain', () => {
  const domains = (names: string[]) => new Set(names.map((name) => name.split('-')[0]));
  expect(domains(Object.keys(DMC))).toEqual(domains(listTasks()));
});
