/**
 * Reacher easy and hard (dm_control/suite/reacher.py): touch a target drawn per episode at
 * 0.05–0.20 m from the shoulder; reward 1 while the finger overlaps it.
 *
 * DMC moves the target by editing the model's geom position. Here the model is shared by the
 * copies of a vector env, so the position is a task parameter and the reward and observation
 * read it from there (the target geom has no physical effect: contacts are off).
 */
import { reacherXml } from '../models/reacher.js';
import { randomizeLimitedAndRotationalJoints } from '../randomize.js';
import { tolerance } from '../rewards.js';
import type { BoundTask, TaskDefinition } from '../task.js';

/** Target radius of the easy and hard tasks. */
const BIG_TARGET = 0.05;
const SMALL_TARGET = 0.015;
/** Height of the arm plane (the target geom's z). */
const TARGET_Z = 0.01;

function reacher(task: string, targetSize: number): TaskDefinition {
  return {
    name: `reacher-${task}`,
    xml: reacherXml(targetSize),
    controlTimestep: 0.02,
    timeLimit: 20,
    observationSize: 6,
    parameterCount: 2,
    view: { plane: 'xy', center: [0, 0], halfWidth: 0.34 },
    bind(model): BoundTask {
      const finger = model.id('geom', 'finger');
      const target = model.id('geom', 'target');
      const radii = targetSize + model.geoms[finger]!.size[0];
      const toTarget = (geomXpos: Float64Array, params: Float64Array, axis: number): number =>
        params[axis]! - geomXpos[3 * finger + axis]!;
      return {
        initializeEpisode(sim, rng, params) {
          randomizeLimitedAndRotationalJoints(sim, rng);
          const angle = rng.uniform(0, 2 * Math.PI);
          const radius = rng.uniform(0.05, 0.2);
          params[0] = radius * Math.sin(angle);
          params[1] = radius * Math.cos(angle);
        },
        observe(sim, params, out, offset) {
          const { qpos, qvel, geomXpos } = sim.views;
          out[offset] = qpos[0]!;
          out[offset + 1] = qpos[1]!;
          out[offset + 2] = toTarget(geomXpos, params, 0);
          out[offset + 3] = toTarget(geomXpos, params, 1);
          out[offset + 4] = qvel[0]!;
          out[offset + 5] = qvel[1]!;
        },
        reward(sim, params) {
          const geomXpos = sim.views.geomXpos;
          const distance = Math.hypot(toTarget(geomXpos, params, 0), toTarget(geomXpos, params, 1));
          return tolerance(distance, { bounds: [0, radii] });
        },
        geomPositions(params) {
          return new Map([[target, [params[0]!, params[1]!, TARGET_Z] as const]]);
        },
      };
    },
  };
}

export const REACHER_TASKS: readonly TaskDefinition[] = [reacher('easy', BIG_TARGET), reacher('hard', SMALL_TARGET)];
