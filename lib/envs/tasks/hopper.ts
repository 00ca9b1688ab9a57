/**
 * Hopper stand and hop (dm_control/suite/hopper.py): keep the torso 0.6–2 m above the foot;
 * stand adds a small-control bonus, hop multiplies by forward speed (2 m/s for full reward).
 */
import { HOPPER_XML } from '../models/hopper.js';
import { randomizeLimitedAndRotationalJoints } from '../randomize.js';
import { tolerance } from '../rewards.js';
import type { BoundTask, TaskDefinition } from '../task.js';

const STAND_HEIGHT = 0.6;
const HOP_SPEED = 2;

function hopper(task: string, hopping: boolean): TaskDefinition {
  return {
    name: `hopper-${task}`,
    xml: HOPPER_XML,
    controlTimestep: 0.02,
    timeLimit: 20,
    observationSize: 15,
    parameterCount: 0,
    view: { plane: 'xz', center: [0, 0.6], halfWidth: 1.2, track: 'torso' },
    bind(model): BoundTask {
      const torso = model.id('body', 'torso');
      const foot = model.id('body', 'foot');
      const speed = model.sensorAddress('torso_subtreelinvel');
      const touchToe = model.sensorAddress('touch_toe');
      const touchHeel = model.sensorAddress('touch_heel');
      return {
        initializeEpisode(sim, rng) {
          randomizeLimitedAndRotationalJoints(sim, rng);
        },
        observe(sim, _params, out, offset) {
          const { qpos, qvel, sensordata } = sim.views;
          let at = offset;
          // position without rootx (translation invariance), velocities, log-scaled touch.
          for (let i = 1; i < qpos.length; i++) out[at++] = qpos[i]!;
          for (let i = 0; i < qvel.length; i++) out[at++] = qvel[i]!;
          out[at++] = Math.log1p(sensordata[touchToe]!);
          out[at] = Math.log1p(sensordata[touchHeel]!);
        },
        reward(sim) {
          const { xipos, sensordata, ctrl } = sim.views;
          // Height of the torso's centre of mass over the foot's.
          const height = xipos[3 * torso + 2]! - xipos[3 * foot + 2]!;
          const standing = tolerance(height, { bounds: [STAND_HEIGHT, 2] });
          if (hopping) {
            const hoppingReward = tolerance(sensordata[speed]!, {
              bounds: [HOP_SPEED, Infinity],
              margin: HOP_SPEED / 2,
              valueAtMargin: 0.5,
              sigmoid: 'linear',
            });
            return standing * hoppingReward;
          }
          let control = 0;
          for (let i = 0; i < ctrl.length; i++) {
            control += tolerance(ctrl[i]!, { margin: 1, valueAtMargin: 0, sigmoid: 'quadratic' });
          }
          return standing * ((control / ctrl.length + 4) / 5);
        },
      };
    },
  };
}

export const HOPPER_TASKS: readonly TaskDefinition[] = [hopper('stand', false), hopper('hop', true)];
