/**
 * Acrobot (DMC `acrobot.xml`, Coulom's model): two 1 m, 1 kg capsule links on damped hinges
 * (0.05), only the elbow actuated (gear 2). RK4 at 10 ms, constraints off. The target site
 * sits 4 m above the floor, where the tip is when both links point up.
 */
import { arena, MATERIALS } from './common.js';

export const ACROBOT_XML = `<mujoco model="acrobot">
  ${MATERIALS}
  ${arena('32K')}
  <default>
    <joint damping="0.05"/>
    <geom type="capsule" mass="1"/>
  </default>
  <option timestep="0.01" integrator="RK4">
    <flag constraint="disable" energy="enable"/>
  </option>
  <worldbody>
    <geom name="floor" type="plane" size="3 3 0.2" material="grid"/>
    <site name="target" type="sphere" pos="0 0 4" size="0.2" material="target" group="3"/>
    <body name="upper_arm" pos="0 0 2">
      <joint name="shoulder" type="hinge" axis="0 1 0"/>
      <geom name="upper_arm_decoration" type="cylinder" fromto="0 -0.06 0 0 0.06 0" size="0.051" mass="0" material="decoration"/>
      <geom name="upper_arm" fromto="0 0 0 0 0 1" size="0.05" material="self"/>
      <body name="lower_arm" pos="0 0 1">
        <joint name="elbow" type="hinge" axis="0 1 0"/>
        <geom name="lower_arm" fromto="0 0 0 0 0 1" size="0.049" material="self"/>
        <site name="tip" pos="0 0 1" size="0.01"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="elbow" joint="elbow" gear="2" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>`;
