/**
 * Ball in cup (DMC `ball_in_cup.xml`): a cup of five thin capsules on two sprung (20) and
 * damped (3) slide joints driven with gear 5, and a ball on two free slides tied to the cup's
 * bottom by a 0.3 m string (a limited spatial tendon). Euler at MuJoCo's default 2 ms.
 */
import { arena, MATERIALS } from './common.js';

export const CUP_XML = `<mujoco model="cup">
  ${MATERIALS}
  ${arena('256K')}
  <default>
    <motor ctrllimited="true" ctrlrange="-1 1" gear="5"/>
    <default class="cup">
      <joint type="slide" damping="3" stiffness="20"/>
      <geom type="capsule" size="0.008" material="self"/>
    </default>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="0.6 0.2 10" material="grid"/>
    <body name="cup" pos="0 0 0.6" childclass="cup">
      <joint name="cup_x" axis="1 0 0"/>
      <joint name="cup_z" axis="0 0 1"/>
      <geom name="cup_part_0" fromto="-0.05 0 0 -0.05 0 -0.075"/>
      <geom name="cup_part_1" fromto="-0.05 0 -0.075 -0.025 0 -0.1"/>
      <geom name="cup_part_2" fromto="-0.025 0 -0.1 0.025 0 -0.1"/>
      <geom name="cup_part_3" fromto="0.025 0 -0.1 0.05 0 -0.075"/>
      <geom name="cup_part_4" fromto="0.05 0 -0.075 0.05 0 0"/>
      <site name="cup" pos="0 0 -0.108" size="0.005"/>
      <site name="target" type="box" pos="0 0 -0.05" size="0.05 0.006 0.05" group="4"/>
    </body>
    <body name="ball" pos="0 0 0.2">
      <joint name="ball_x" type="slide" axis="1 0 0"/>
      <joint name="ball_z" type="slide" axis="0 0 1"/>
      <geom name="ball" type="sphere" size="0.025" material="effector"/>
      <site name="ball" size="0.005"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="x" joint="cup_x"/>
    <motor name="z" joint="cup_z"/>
  </actuator>
  <tendon>
    <spatial name="string" limited="true" range="0 0.3" width="0.003">
      <site site="ball"/>
      <site site="cup"/>
    </spatial>
  </tendon>
</mujoco>`;
