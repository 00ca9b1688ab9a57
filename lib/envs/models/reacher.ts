/**
 * Two-link planar reacher (DMC `reacher.xml`): 0.12 m and 0.1 m capsule links (density-derived
 * masses, as DMC leaves them), hinges damped 0.01, the wrist limited to ±160°, both driven
 * with gear 0.05. Euler at 20 ms, contacts off. The target geom's radius is the task's
 * tolerance (DMC sets it per task); its position is drawn per episode.
 */
import { arena, MATERIALS } from './common.js';

export function reacherXml(targetSize: number): string {
  return `<mujoco model="reacher">
  ${MATERIALS}
  ${arena('32K')}
  <option timestep="0.02">
    <flag contact="disable"/>
  </option>
  <default>
    <joint type="hinge" axis="0 0 1" damping="0.01"/>
    <motor gear="0.05" ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="0.3 0.3 10" material="grid"/>
    <geom name="wall_x" type="plane" pos="-0.3 0 0.02" zaxis="1 0 0" size="0.02 0.3 0.02" material="decoration"/>
    <geom name="wall_y" type="plane" pos="0 -0.3 0.02" zaxis="0 1 0" size="0.3 0.02 0.02" material="decoration"/>
    <geom name="wall_neg_x" type="plane" pos="0.3 0 0.02" zaxis="-1 0 0" size="0.02 0.3 0.02" material="decoration"/>
    <geom name="wall_neg_y" type="plane" pos="0 0.3 0.02" zaxis="0 -1 0" size="0.3 0.02 0.02" material="decoration"/>
    <geom name="root" type="cylinder" fromto="0 0 0 0 0 0.02" size="0.011" material="decoration"/>
    <body name="arm" pos="0 0 0.01">
      <geom name="arm" type="capsule" fromto="0 0 0 0.12 0 0" size="0.01" material="self"/>
      <joint name="shoulder"/>
      <body name="hand" pos="0.12 0 0">
        <geom name="hand" type="capsule" fromto="0 0 0 0.1 0 0" size="0.01" material="self"/>
        <joint name="wrist" limited="true" range="-160 160"/>
        <body name="finger" pos="0.12 0 0">
          <geom name="finger" type="sphere" size="0.01" material="effector"/>
        </body>
      </body>
    </body>
    <geom name="target" type="sphere" pos="0 0 0.01" size="${targetSize}" material="target"/>
  </worldbody>
  <actuator>
    <motor name="shoulder" joint="shoulder"/>
    <motor name="wrist" joint="wrist"/>
  </actuator>
</mujoco>`;
}
