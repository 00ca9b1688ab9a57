/**
 * Walker stand, walk and run (dm_control/suite/walker.py): stay tall (torso above 1.2 m) and
 * upright; walk and run also reward forward centre-of-mass speed of 1 and 8 m/s.
 */
import { WALKER_XML } from '../models/walker.js';
import { randomizeLimitedAndRotationalJoints } from '../randomize.js';
import { tolerance } from '../rewards.js';
import { XX, XZ, ZZ } from '../simulation.js';
import type { BoundTask, TaskDefinition } from '../task.js';

const STAND_HEIGHT = 1.2;

function walker(task: string, moveSpeed: number): TaskDefinition {
  return {
    name: `walker-${task}`,
    xml: WALKER_XML,
    controlTimestep: 0.025,
    timeLimit: 25,
    observationSize: 24,
    parameterCount: 0,
    view: { plane: 'xz', center: [0, 0.9], halfWidth: 1.6, track: 'torso' },
    bind(model): BoundTask {
      const torso = model.id('body', 'torso');
      const speed = model.sensorAddress('torso_subtreelinvel');
      const bodyCount = model.model.nbody;
      return {
        initializeEpisode(sim, rng) {
          randomizeLimitedAndRotationalJoints(sim, rng);
        },
        observe(sim, _params, out, offset) {
          const { xmat, xpos, qvel } = sim.views;
          let at = offset;
          // orientations: (xx, xz) of every body but the world.
          for (let body = 1; body < bodyCount; body++) {
            out[at++] = xmat[9 * body + XX]!;
            out[at++] = xmat[9 * body + XZ]!;
          }
          // height of the torso.
          out[at++] = xpos[3 * torso + 2]!;
          for (let i = 0; i < qvel.length; i++) out[at++] = qvel[i]!;
        },
        reward(sim) {
          const { xmat, xpos, sensordata } = sim.views;
          const standing = tolerance(xpos[3 * torso + 2]!, {
            bounds: [STAND_HEIGHT, Infinity],
            margin: STAND_HEIGHT / 2,
          });
          const upright = (1 + xmat[9 * torso + ZZ]!) / 2;
          const standReward = (3 * standing + upright) / 4;
          if (moveSpeed === 0) return standReward;
          const moveReward = tolerance(sensordata[speed]!, {
            bounds: [moveSpeed, Infinity],
            margin: moveSpeed / 2,
            valueAtMargin: 0.5,
            sigmoid: 'linear',
          });
          return (standReward * (5 * moveReward + 1)) / 6;
        },
      };
    },
  };
}

export const WALKER_TASKS: readonly TaskDefinition[] = [walker('stand', 0), walker('walk', 1), walker('run', 8)];
