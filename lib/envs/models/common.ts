/**
 * Pieces shared by the MJCF models: DMC's material colours (common/materials.xml) as plain
 * RGBA, without textures, since the SVG renderer only reads colours.
 */

/** `<asset>` block with the materials the models refer to. */
export const MATERIALS = `
  <asset>
    <material name="grid" rgba=".1 .2 .3 1"/>
    <material name="self" rgba=".7 .5 .3 1"/>
    <material name="effector" rgba=".7 .4 .2 1"/>
    <material name="decoration" rgba=".3 .5 .7 1"/>
    <material name="target" rgba=".6 .3 .3 1"/>
    <material name="site" rgba=".5 .5 .5 .3"/>
  </asset>`;

/**
 * `<size memory="…"/>`: the MjData arena (stack plus constraint and contact buffers). MuJoCo's
 * default is several MB per MjData; these planar models need far less, and a small arena keeps
 * a 16-copy vector env small. Peak use (`maxuse_arena + maxuse_stack`) measured over random
 * episodes: under 1.5 KB without contacts, under 37 KB with them (hopper); we allow 32K and
 * 256K, over 7× headroom.
 */
export function arena(bytes: string): string {
  return `<size memory="${bytes}"/>`;
}
