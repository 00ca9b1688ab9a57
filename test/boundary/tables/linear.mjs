// Argument table of the linear exports.
const M = 3, K = 4, N = 5;
export default ({ tensor, optTensor }) => ({
  linearForward: [tensor([M, K]), tensor([N, K]), optTensor([N]), tensor([M, N])],
  linearBackward: [
    tensor([M, K]), tensor([N, K]), tensor([M, N]),
    optTensor([M, K]), optTensor([N, K]), optTensor([N]),
  ],
});
