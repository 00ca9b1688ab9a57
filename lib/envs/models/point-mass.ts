/**
 * Planar point mass (DMC `point_mass.xml`): a 0.3 kg sphere on two damped (1) slide joints
 * limited to ±0.29 m, driven through two fixed tendons with gear 0.1. Euler at 20 ms,
 * contacts off (the walls are decoration). The target sits at the origin.
 */
import { arena, MATERIALS } from './common.js';

export const POINT_MASS_XML = `<mujoco model="point_mass">
  ${MATERIALS}
  ${arena('32K')}
  <option timestep="0.02">
    <flag contact="disable"/>
  </option>
  <default>
    <joint type="hinge" axis="0 0 1" limited="true" range="-0.29 0.29" damping="1"/>
    <motor gear="0.1" ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="0.3 0.3 0.1" material="grid"/>
    <geom name="wall_x" type="plane" pos="-0.3 0 0.02" zaxis="1 0 0" size="0.02 0.3 0.02" material="decoration"/>
    <geom name="wall_y" type="plane" pos="0 -0.3 0.02" zaxis="0 1 0" size="0.3 0.02 0.02" material="decoration"/>
    <geom name="wall_neg_x" type="plane" pos="0.3 0 0.02" zaxis="-1 0 0" size="0.02 0.3 0.02" material="decoration"/>
    <geom name="wall_neg_y" type="plane" pos="0 0.3 0.02" zaxis="0 -1 0" size="0.3 0.02 0.02" material="decoration"/>
    <body name="pointmass" pos="0 0 0.01">
      <joint name="root_x" type="slide" pos="0 0 0" axis="1 0 0"/>
      <joint name="root_y" type="slide" pos="0 0 0" axis="0 1 0"/>
      <geom name="pointmass" type="sphere" size="0.01" mass="0.3" material="self"/>
    </body>
    <geom name="target" type="sphere" pos="0 0 0.01" size="0.015" material="target"/>
  </worldbody>
  <tendon>
    <fixed name="t1">
      <joint joint="root_x" coef="1"/>
      <joint joint="root_y" coef="0"/>
    </fixed>
    <fixed name="t2">
      <joint joint="root_x" coef="0"/>
      <joint joint="root_y" coef="1"/>
    </fixed>
  </tendon>
  <actuator>
    <motor name="t1" tendon="t1"/>
    <motor name="t2" tendon="t2"/>
  </actuator>
</mujoco>`;
