/**
 * Cart-pole tasks (dm_control/suite/cartpole.py): balance (start near upright) and swing-up
 * (start hanging down), each with DMC's smooth or sparse reward.
 */
import { CARTPOLE_XML } from '../models/cartpole.js';
import { tolerance } from '../rewards.js';
import { XZ, ZZ, type Simulation } from '../simulation.js';
import type { BoundTask, TaskDefinition } from '../task.js';

const CART_RANGE = [-0.25, 0.25] as const;
const ANGLE_COSINE_RANGE = [0.995, 1] as const;

function cartpole(task: string, swingUp: boolean, sparse: boolean): TaskDefinition {
  return {
    name: `cartpole-${task}`,
    xml: CARTPOLE_XML,
    controlTimestep: 0.01,
    timeLimit: 10,
    observationSize: 5,
    parameterCount: 0,
    view: { plane: 'xz', center: [0, 1], halfWidth: 2.2 },
    bind(model): BoundTask {
      const slider = model.qposAddress('slider');
      const hinge = model.qposAddress('hinge_1');
      const pole = model.id('body', 'pole_1');
      const poleCosine = (sim: Simulation): number => sim.views.xmat[9 * pole + ZZ]!;
      return {
        initializeEpisode(sim, rng) {
          const { qpos, qvel } = sim.views;
          if (swingUp) {
            qpos[slider] = 0.01 * rng.normal();
            qpos[hinge] = Math.PI + 0.01 * rng.normal();
          } else {
            qpos[slider] = rng.uniform(-0.1, 0.1);
            qpos[hinge] = rng.uniform(-0.034, 0.034);
          }
          for (let i = 0; i < qvel.length; i++) qvel[i] = 0.01 * rng.normal();
        },
        observe(sim, _params, out, offset) {
          const { qpos, qvel, xmat } = sim.views;
          // position: cart x, then the pole's (zz, xz) = (cos, sin) of its angle; velocity: qvel.
          out[offset] = qpos[slider]!;
          out[offset + 1] = xmat[9 * pole + ZZ]!;
          out[offset + 2] = xmat[9 * pole + XZ]!;
          out[offset + 3] = qvel[0]!;
          out[offset + 4] = qvel[1]!;
        },
        reward(sim) {
          const cartPosition = sim.views.qpos[slider]!;
          if (sparse) {
            return tolerance(cartPosition, { bounds: CART_RANGE }) * tolerance(poleCosine(sim), { bounds: ANGLE_COSINE_RANGE });
          }
          const upright = (poleCosine(sim) + 1) / 2;
          const centered = (1 + tolerance(cartPosition, { margin: 2 })) / 2;
          const control = sim.views.ctrl[0]!;
          const smallControl = (4 + tolerance(control, { margin: 1, valueAtMargin: 0, sigmoid: 'quadratic' })) / 5;
          const smallVelocity = (1 + tolerance(sim.views.qvel[1]!, { margin: 5 })) / 2;
          return upright * smallControl * smallVelocity * centered;
        },
      };
    },
  };
}

export const CARTPOLE_TASKS: readonly TaskDefinition[] = [
  cartpole('balance', false, false),
  cartpole('balance_sparse', false, true),
  cartpole('swingup', true, false),
  cartpole('swingup_sparse', true, true),
];
