/**
 * Acrobot swing-up (dm_control/suite/acrobot.py, smooth reward): bring the tip into the
 * 0.2 m target above the shoulder, with a gaussian fall-off over 1 m.
 */
import { ACROBOT_XML } from '../models/acrobot.js';
import { tolerance } from '../rewards.js';
import { XZ, ZZ } from '../simulation.js';
import type { BoundTask, TaskDefinition } from '../task.js';

export const ACROBOT_SWINGUP: TaskDefinition = {
  name: 'acrobot-swingup',
  xml: ACROBOT_XML,
  controlTimestep: 0.01,
  timeLimit: 10,
  observationSize: 6,
  parameterCount: 0,
  view: { plane: 'xz', center: [0, 2], halfWidth: 2.6 },
  bind(model): BoundTask {
    const shoulder = model.qposAddress('shoulder');
    const elbow = model.qposAddress('elbow');
    const upper = model.id('body', 'upper_arm');
    const lower = model.id('body', 'lower_arm');
    const target = model.id('site', 'target');
    const tip = model.id('site', 'tip');
    const targetRadius = model.siteSize('target')[0];
    return {
      initializeEpisode(sim, rng) {
        const qpos = sim.views.qpos;
        qpos[shoulder] = rng.uniform(-Math.PI, Math.PI);
        qpos[elbow] = rng.uniform(-Math.PI, Math.PI);
      },
      observe(sim, _params, out, offset) {
        const { xmat, qvel } = sim.views;
        // orientations: horizontal (xz) then vertical (zz) components of both links' z axes.
        out[offset] = xmat[9 * upper + XZ]!;
        out[offset + 1] = xmat[9 * lower + XZ]!;
        out[offset + 2] = xmat[9 * upper + ZZ]!;
        out[offset + 3] = xmat[9 * lower + ZZ]!;
        out[offset + 4] = qvel[0]!;
        out[offset + 5] = qvel[1]!;
      },
      reward(sim) {
        const sites = sim.views.siteXpos;
        const distance = Math.hypot(
          sites[3 * target]! - sites[3 * tip]!,
          sites[3 * target + 1]! - sites[3 * tip + 1]!,
          sites[3 * target + 2]! - sites[3 * tip + 2]!,
        );
        return tolerance(distance, { bounds: [0, targetRadius], margin: 1 });
      },
    };
  },
};
