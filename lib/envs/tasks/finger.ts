/** Finger spin (dm_control/suite/finger.py): reward 1 while the body spins faster than 15 rad/s. */
import { fingerXml } from '../models/finger.js';
import { randomizeLimitedAndRotationalJoints } from '../randomize.js';
import type { Rng } from '../rng.js';
import type { Simulation } from '../simulation.js';
import type { BoundTask, TaskDefinition } from '../task.js';

/** Spinning faster than this (rad/s, in the hinge's negative direction) earns the reward. */
const SPIN_VELOCITY = 15;
/** The hinge damping DMC's spin task sets at every episode start. */
const SPIN_HINGE_DAMPING = 0.03;
const MAX_ATTEMPTS = 1000;

/**
 * Draws joint angles until the finger and the body do not touch (DMC
 * `_set_random_joint_angles`).
 * @throws Error after 1000 colliding draws, as DMC does.
 */
export function setRandomCollisionFreeJointAngles(sim: Simulation, rng: Rng): void {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    randomizeLimitedAndRotationalJoints(sim, rng);
    sim.forward();
    if (sim.contactCount === 0) return;
  }
  throw new Error(`finger: no collision-free state after ${MAX_ATTEMPTS} attempts`);
}

export const FINGER_SPIN: TaskDefinition = {
  name: 'finger-spin',
  xml: fingerXml(SPIN_HINGE_DAMPING),
  controlTimestep: 0.02,
  timeLimit: 20,
  observationSize: 9,
  parameterCount: 0,
  view: { plane: 'xz', center: [0, 0.3], halfWidth: 0.6 },
  bind(model): BoundTask {
    const sensor = (name: string): number => model.sensorAddress(name);
    const proximal = sensor('proximal');
    const distal = sensor('distal');
    const proximalVelocity = sensor('proximal_velocity');
    const distalVelocity = sensor('distal_velocity');
    const hingeVelocity = sensor('hinge_velocity');
    const tip = sensor('tip');
    const spinner = sensor('spinner');
    const touchTop = sensor('touchtop');
    const touchBottom = sensor('touchbottom');
    return {
      initializeEpisode(sim, rng) {
        setRandomCollisionFreeJointAngles(sim, rng);
      },
      observe(sim, _params, out, offset) {
        const s = sim.views.sensordata;
        // position: finger joint angles, then the tip's (x, z) relative to the hinge.
        out[offset] = s[proximal]!;
        out[offset + 1] = s[distal]!;
        out[offset + 2] = s[tip]! - s[spinner]!;
        out[offset + 3] = s[tip + 2]! - s[spinner + 2]!;
        // velocity: the three joint velocities.
        out[offset + 4] = s[proximalVelocity]!;
        out[offset + 5] = s[distalVelocity]!;
        out[offset + 6] = s[hingeVelocity]!;
        // touch: log-scaled touch sensors.
        out[offset + 7] = Math.log1p(s[touchTop]!);
        out[offset + 8] = Math.log1p(s[touchBottom]!);
      },
      reward(sim) {
        return sim.views.sensordata[hingeVelocity]! <= -SPIN_VELOCITY ? 1 : 0;
      },
    };
  },
};
