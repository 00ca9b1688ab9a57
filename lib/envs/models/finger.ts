/**
 * Finger (DMC `finger.xml`): a two-link planar finger (hinges damped 2.5, limited to ±110°,
 * gears 30 and 15) and a free-spinning two-capsule body on a hinge with friction loss 0.1.
 * Euler at 10 ms, no gravity, elliptic cones, 200 solver iterations. All observations come
 * from sensors.
 *
 * @param hingeDamping damping of the spinner's hinge: 0.5 in the XML, but DMC's spin task
 *   sets 0.03 at every episode start, so spin uses 0.03 throughout.
 */
import { arena, MATERIALS } from './common.js';

export function fingerXml(hingeDamping: number): string {
  return `<mujoco model="finger">
  ${MATERIALS}
  ${arena('256K')}
  <option timestep="0.01" cone="elliptic" iterations="200">
    <flag gravity="disable"/>
  </option>
  <default>
    <geom solimp="0 0.9 0.01" solref="0.02 1"/>
    <joint type="hinge" axis="0 -1 0"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
    <default class="finger">
      <joint damping="2.5" limited="true"/>
      <site type="ellipsoid" size="0.025 0.03 0.025" material="site" group="3"/>
    </default>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="0.6 0.2 10" material="grid"/>
    <body name="proximal" pos="-0.2 0 0.4" childclass="finger">
      <geom name="proximal_decoration" type="cylinder" fromto="0 -0.033 0 0 0.033 0" size="0.034" material="decoration"/>
      <joint name="proximal" range="-110 110" ref="-90"/>
      <geom name="proximal" type="capsule" size="0.03" fromto="0 0 0 0 0 -0.17" material="self"/>
      <body name="distal" pos="0 0 -0.18" childclass="finger">
        <joint name="distal" range="-110 110"/>
        <geom name="distal" type="capsule" size="0.028" fromto="0 0 0 0 0 -0.16" contype="0" conaffinity="0" material="self"/>
        <geom name="fingertip" type="capsule" size="0.03" fromto="0 0 -0.13 0 0 -0.161" material="effector"/>
        <site name="touchtop" pos="0.01 0 -0.17"/>
        <site name="touchbottom" pos="-0.01 0 -0.17"/>
      </body>
    </body>
    <body name="spinner" pos="0.2 0 0.4">
      <joint name="hinge" frictionloss="0.1" damping="${hingeDamping}"/>
      <geom name="cap1" type="capsule" size="0.04 0.09" pos="0.02 0 0" material="self"/>
      <geom name="cap2" type="capsule" size="0.04 0.09" pos="-0.02 0 0" material="self"/>
      <site name="tip" type="sphere" size="0.02" pos="0 0 0.13" material="target"/>
      <geom name="spinner_decoration" type="cylinder" fromto="0 -0.045 0 0 0.045 0" size="0.02" material="decoration"/>
    </body>
    <site name="target" type="sphere" size="0.03" pos="0 0 0.4" material="target"/>
  </worldbody>
  <actuator>
    <motor name="proximal" joint="proximal" gear="30"/>
    <motor name="distal" joint="distal" gear="15"/>
  </actuator>
  <sensor>
    <jointpos name="proximal" joint="proximal"/>
    <jointpos name="distal" joint="distal"/>
    <jointvel name="proximal_velocity" joint="proximal"/>
    <jointvel name="distal_velocity" joint="distal"/>
    <jointvel name="hinge_velocity" joint="hinge"/>
    <framepos name="tip" objtype="site" objname="tip"/>
    <framepos name="target" objtype="site" objname="target"/>
    <framepos name="spinner" objtype="xbody" objname="spinner"/>
    <touch name="touchtop" site="touchtop"/>
    <touch name="touchbottom" site="touchbottom"/>
    <framepos name="touchtop_pos" objtype="site" objname="touchtop"/>
    <framepos name="touchbottom_pos" objtype="site" objname="touchbottom"/>
  </sensor>
</mujoco>`;
}
