/**
 * Planar walker (DMC `walker.xml`): a capsule torso on free z/x slides and a pitch hinge, two
 * legs of thigh, leg and foot (hip −20°…100°, knee −150°…0°, ankle ±45°), joint damping 0.1
 * and armature 0.01, gears 100/50/20. Euler at 2.5 ms, friction 0.7; legs do not collide with
 * each other (conaffinity 0), only with the floor.
 */
import { arena, MATERIALS } from './common.js';

function leg(side: 'right' | 'left', y: string): string {
  return `
      <body name="${side}_thigh" pos="0 ${y} -0.3">
        <joint name="${side}_hip" range="-20 100"/>
        <geom name="${side}_thigh" pos="0 0 -0.225" size="0.05 0.225"/>
        <body name="${side}_leg" pos="0 0 -0.7">
          <joint name="${side}_knee" pos="0 0 0.25" range="-150 0"/>
          <geom name="${side}_leg" size="0.04 0.25"/>
          <body name="${side}_foot" pos="0.06 0 -0.25">
            <joint name="${side}_ankle" pos="-0.06 0 0" range="-45 45"/>
            <geom name="${side}_foot" zaxis="1 0 0" size="0.05 0.1"/>
          </body>
        </body>
      </body>`;
}

export const WALKER_XML = `<mujoco model="walker">
  ${MATERIALS}
  ${arena('256K')}
  <option timestep="0.0025"/>
  <default>
    <joint damping="0.1" armature="0.01" limited="true" solimplimit="0 0.99 0.01"/>
    <geom contype="1" conaffinity="0" friction="0.7 0.1 0.1"/>
    <motor ctrlrange="-1 1" ctrllimited="true"/>
    <site size="0.01"/>
    <default class="walker">
      <geom material="self" type="capsule"/>
      <joint axis="0 -1 0"/>
    </default>
  </default>
  <worldbody>
    <geom name="floor" type="plane" conaffinity="1" pos="248 0 0" size="250 0.8 0.2" zaxis="0 0 1" material="grid"/>
    <body name="torso" pos="0 0 1.3" childclass="walker">
      <joint name="rootz" axis="0 0 1" type="slide" limited="false" armature="0" damping="0"/>
      <joint name="rootx" axis="1 0 0" type="slide" limited="false" armature="0" damping="0"/>
      <joint name="rooty" axis="0 1 0" type="hinge" limited="false" armature="0" damping="0"/>
      <geom name="torso" size="0.07 0.3"/>${leg('right', '-0.05')}${leg('left', '0.05')}
    </body>
  </worldbody>
  <sensor>
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>
  </sensor>
  <actuator>
    <motor name="right_hip" joint="right_hip" gear="100"/>
    <motor name="right_knee" joint="right_knee" gear="50"/>
    <motor name="right_ankle" joint="right_ankle" gear="20"/>
    <motor name="left_hip" joint="left_hip" gear="100"/>
    <motor name="left_knee" joint="left_knee" gear="50"/>
    <motor name="left_ankle" joint="left_ankle" gear="20"/>
  </actuator>
</mujoco>`;
