/**
 * Point mass, easy (dm_control/suite/point_mass.py without gain randomisation): reach the
 * target at the origin with small controls.
 */
import { POINT_MASS_XML } from '../models/point-mass.js';
import { randomizeLimitedAndRotationalJoints } from '../randomize.js';
import { tolerance } from '../rewards.js';
import type { BoundTask, TaskDefinition } from '../task.js';

export const POINT_MASS_EASY: TaskDefinition = {
  name: 'point_mass-easy',
  xml: POINT_MASS_XML,
  controlTimestep: 0.02,
  timeLimit: 20,
  observationSize: 4,
  parameterCount: 0,
  view: { plane: 'xy', center: [0, 0], halfWidth: 0.34 },
  bind(model): BoundTask {
    const target = model.id('geom', 'target');
    const mass = model.id('geom', 'pointmass');
    const targetSize = model.geoms[target]!.size[0];
    return {
      initializeEpisode(sim, rng) {
        randomizeLimitedAndRotationalJoints(sim, rng);
      },
      observe(sim, _params, out, offset) {
        const { qpos, qvel } = sim.views;
        out[offset] = qpos[0]!;
        out[offset + 1] = qpos[1]!;
        out[offset + 2] = qvel[0]!;
        out[offset + 3] = qvel[1]!;
      },
      reward(sim) {
        const { geomXpos, ctrl } = sim.views;
        const distance = Math.hypot(
          geomXpos[3 * target]! - geomXpos[3 * mass]!,
          geomXpos[3 * target + 1]! - geomXpos[3 * mass + 1]!,
          geomXpos[3 * target + 2]! - geomXpos[3 * mass + 2]!,
        );
        const nearTarget = tolerance(distance, { bounds: [0, targetSize], margin: targetSize });
        let control = 0;
        for (let i = 0; i < ctrl.length; i++) {
          control += tolerance(ctrl[i]!, { margin: 1, valueAtMargin: 0, sigmoid: 'quadratic' });
        }
        const smallControl = (control / ctrl.length + 4) / 5;
        return nearTarget * smallControl;
      },
    };
  },
};
