/**
 * Pendulum (DMC `pendulum.xml`): a 1 kg point-like bob 0.5 m from a damped hinge (0.1),
 * torque-limited to ±1 N·m, too weak to lift it directly. Euler at 20 ms, contacts off.
 */
import { arena, MATERIALS } from './common.js';

export const PENDULUM_XML = `<mujoco model="pendulum">
  ${MATERIALS}
  ${arena('32K')}
  <option timestep="0.02">
    <flag contact="disable" energy="enable"/>
  </option>
  <worldbody>
    <geom name="floor" type="plane" size="2 2 0.2" material="grid"/>
    <body name="pole" pos="0 0 0.6">
      <joint name="hinge" type="hinge" axis="0 1 0" damping="0.1"/>
      <geom name="base" type="cylinder" fromto="0 -0.03 0 0 0.03 0" size="0.021" mass="0" material="decoration"/>
      <geom name="pole" type="capsule" fromto="0 0 0 0 0 0.5" size="0.02" mass="0" material="self"/>
      <geom name="mass" type="sphere" pos="0 0 0.5" size="0.05" mass="1" material="effector"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="torque" joint="hinge" gear="1" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>`;
