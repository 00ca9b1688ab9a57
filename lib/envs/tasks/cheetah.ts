/** Cheetah run (dm_control/suite/cheetah.py): reward rises linearly with speed up to 10 m/s. */
import { CHEETAH_XML } from '../models/cheetah.js';
import { tolerance } from '../rewards.js';
import type { BoundTask, TaskDefinition } from '../task.js';

const RUN_SPEED = 10;
/** Physics steps DMC lets the randomised pose settle before the episode starts. */
const SETTLE_STEPS = 200;

export const CHEETAH_RUN: TaskDefinition = {
  name: 'cheetah-run',
  xml: CHEETAH_XML,
  controlTimestep: 0.01,
  timeLimit: 10,
  observationSize: 17,
  parameterCount: 0,
  view: { plane: 'xz', center: [0, 0.6], halfWidth: 1.6, track: 'torso' },
  bind(model): BoundTask {
    const limitedJoints = model.joints.filter((joint) => joint.limited);
    const speed = model.sensorAddress('torso_subtreelinvel');
    return {
      initializeEpisode(sim, rng) {
        const qpos = sim.views.qpos;
        for (const joint of limitedJoints) qpos[joint.qposAddress] = rng.uniform(joint.range[0], joint.range[1]);
        // Let the pose settle onto the ground with zero controls, as DMC does.
        sim.step(SETTLE_STEPS);
        sim.time = 0;
      },
      observe(sim, _params, out, offset) {
        const { qpos, qvel } = sim.views;
        // position without rootx (translation invariance), then every velocity.
        for (let i = 1; i < qpos.length; i++) out[offset + i - 1] = qpos[i]!;
        for (let i = 0; i < qvel.length; i++) out[offset + qpos.length - 1 + i] = qvel[i]!;
      },
      reward(sim) {
        return tolerance(sim.views.sensordata[speed]!, {
          bounds: [RUN_SPEED, Infinity],
          margin: RUN_SPEED,
          valueAtMargin: 0,
          sigmoid: 'linear',
        });
      },
    };
  },
};
