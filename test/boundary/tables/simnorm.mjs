// Argument table of the SimNorm exports (rows of 16 = two groups of 8).
export default ({ tensor, int }) => ({
  simnormForward: [tensor([3, 16]), tensor([3, 16]), int(8, 1, 2 ** 36)],
  simnormBackward: [tensor([3, 16]), tensor([3, 16]), tensor([3, 16]), int(8, 1, 2 ** 36)],
});
