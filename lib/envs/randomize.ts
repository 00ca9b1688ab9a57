/** Initial-state randomisation shared by several DMC domains (dm_control/suite/utils/randomizers.py). */
import type { Rng } from './rng.js';
import type { Simulation } from './simulation.js';

/** Writes the unit quaternion of a rotation by `angle` about the unit vector `axis`. */
function axisAngleQuaternion(axis: ArrayLike<number>, angle: number, out: Float64Array, at: number): void {
  const s = Math.sin(angle / 2);
  out[at] = Math.cos(angle / 2);
  out[at + 1] = axis[0]! * s;
  out[at + 2] = axis[1]! * s;
  out[at + 3] = axis[2]! * s;
}

/** Writes `count` normal draws, normalised to unit length, at `out[at..]`. */
function randomUnitVector(draw: () => number, count: number, out: Float64Array, at: number): void {
  let norm = 0;
  for (let i = 0; i < count; i++) {
    const value = draw();
    out[at + i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < count; i++) out[at + i] = out[at + i]! / norm;
}

/**
 * Randomises every joint in model order, drawing as DMC's
 * `randomize_limited_and_rotational_joints` does:
 * limited hinges and slides uniformly in their range; unlimited hinges uniformly in [-π, π);
 * limited balls a random rotation up to the range's upper limit; unlimited balls a uniform
 * unit quaternion; free joints' orientation from normalised `rand(4)` (a DMC quirk it keeps
 * for benchmark stability). Unlimited slides and free joints' positions are left alone.
 */
export function randomizeLimitedAndRotationalJoints(sim: Simulation, rng: Rng): void {
  const qpos = sim.views.qpos;
  for (const joint of sim.compiled.joints) {
    const at = joint.qposAddress;
    if (joint.limited) {
      if (joint.type === 'hinge' || joint.type === 'slide') {
        qpos[at] = rng.uniform(joint.range[0], joint.range[1]);
      } else if (joint.type === 'ball') {
        const axis = new Float64Array(3);
        randomUnitVector(() => rng.normal(), 3, axis, 0);
        axisAngleQuaternion(axis, rng.random() * joint.range[1], qpos, at);
      }
    } else if (joint.type === 'hinge') {
      qpos[at] = rng.uniform(-Math.PI, Math.PI);
    } else if (joint.type === 'ball') {
      randomUnitVector(() => rng.normal(), 4, qpos, at);
    } else if (joint.type === 'free') {
      randomUnitVector(() => rng.random(), 4, qpos, at + 3);
    }
  }
}
