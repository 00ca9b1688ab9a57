// Argument table of the elementwise exports.
export default ({ tensor, optTensor, number, int, bool }) => ({
  copyCols: [tensor([3, 5], false), int(1, 0, 5), tensor([3, 4], false), int(1, 0, 4), int(2, 0, 3), bool()],
  axpy: [tensor([2, 3], 'numel'), number(0.5), tensor([2, 3], 'numel')],
  mse: [tensor([2, 3], 'numel'), tensor([2, 3], 'numel'), optTensor([2, 3], 'numel'), number(1)],
});
