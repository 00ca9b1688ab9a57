/** Pendulum swing-up (dm_control/suite/pendulum.py): reward 1 while within 8° of upright. */
import { PENDULUM_XML } from '../models/pendulum.js';
import { tolerance } from '../rewards.js';
import { XZ, ZZ } from '../simulation.js';
import type { BoundTask, TaskDefinition } from '../task.js';

const COSINE_BOUND = Math.cos((8 * Math.PI) / 180);

export const PENDULUM_SWINGUP: TaskDefinition = {
  name: 'pendulum-swingup',
  xml: PENDULUM_XML,
  controlTimestep: 0.02,
  timeLimit: 20,
  observationSize: 3,
  parameterCount: 0,
  view: { plane: 'xz', center: [0, 0.6], halfWidth: 0.8 },
  bind(model): BoundTask {
    const hinge = model.qposAddress('hinge');
    const hingeVelocity = model.dofAddress('hinge');
    const pole = model.id('body', 'pole');
    return {
      initializeEpisode(sim, rng) {
        sim.views.qpos[hinge] = rng.uniform(-Math.PI, Math.PI);
      },
      observe(sim, _params, out, offset) {
        const { xmat, qvel } = sim.views;
        // orientation: the pole's (zz, xz) = (cos, sin) of its angle from upright; velocity.
        out[offset] = xmat[9 * pole + ZZ]!;
        out[offset + 1] = xmat[9 * pole + XZ]!;
        out[offset + 2] = qvel[hingeVelocity]!;
      },
      reward(sim) {
        return tolerance(sim.views.xmat[9 * pole + ZZ]!, { bounds: [COSINE_BOUND, 1] });
      },
    };
  },
};
