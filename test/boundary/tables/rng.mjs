// Argument table of the rng exports (see ../abuse-child.mjs for the kinds).
const MAX_SAFE = 2 ** 53 - 1;
export default ({ tensor, int, u32s }) => ({
  rngUniform: [tensor([3, 5], false), int(7, 0, MAX_SAFE), int(1, 0, 2 ** 32 - 1), int(0, 0, MAX_SAFE)],
  rngNormal: [tensor([2, 3, 5], false), int(MAX_SAFE, 0, MAX_SAFE), int(2 ** 32 - 1, 0, 2 ** 32 - 1), int(12, 0, MAX_SAFE)],
  philoxBlock: [u32s([0, 1, 2, 0xffffffff]), u32s([5, 0xffffffff])],
});
