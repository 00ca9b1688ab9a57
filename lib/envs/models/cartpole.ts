/**
 * Cart-pole (DMC `cartpole.xml`, one pole): a 1 kg cart on a ±1.8 m rail pushed with gear 10,
 * a 1 m, 0.1 kg capsule pole on an unactuated hinge. RK4 at 10 ms, contacts off.
 */
import { arena, MATERIALS } from './common.js';

export const CARTPOLE_XML = `<mujoco model="cartpole">
  ${MATERIALS}
  ${arena('32K')}
  <option timestep="0.01" integrator="RK4">
    <flag contact="disable" energy="enable"/>
  </option>
  <default>
    <default class="pole">
      <joint type="hinge" axis="0 1 0" damping="2e-6"/>
      <geom type="capsule" fromto="0 0 0 0 0 1" size="0.045" material="self" mass="0.1"/>
    </default>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 -0.05" size="4 4 0.2" material="grid"/>
    <geom name="rail1" type="capsule" pos="0 0.07 1" zaxis="1 0 0" size="0.02 2" material="decoration"/>
    <geom name="rail2" type="capsule" pos="0 -0.07 1" zaxis="1 0 0" size="0.02 2" material="decoration"/>
    <body name="cart" pos="0 0 1">
      <joint name="slider" type="slide" axis="1 0 0" limited="true" range="-1.8 1.8" solreflimit="0.08 1" damping="5e-4"/>
      <geom name="cart" type="box" size="0.2 0.15 0.1" material="self" mass="1"/>
      <body name="pole_1" childclass="pole">
        <joint name="hinge_1"/>
        <geom name="pole_1"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="10" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>`;
