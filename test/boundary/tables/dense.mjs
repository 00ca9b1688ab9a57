// Argument table of the dense exports: an ensemble of E = 2 with a shared input, ln_mish
// (so γ, β, H and stats are all live arguments), dropout on.
const E = 2, M = 3, K = 4, N = 8;
export default ({ tensor, optTensor, number, int, tensors }) => {
  const dropout = [number(0.25), int(7, 0, 2 ** 53 - 1), int(1, 0, 2 ** 32 - 1), int(0, 0, 2 ** 53 - 1)];
  return {
    denseForward: [
      int(1, 0, 2), tensor([M, K]), tensor([E, N, K]), optTensor([E, N]), optTensor([E, N]),
      optTensor([E, N]), tensor([E, M, N]), optTensor([E, M, N]), optTensor([E, M, 2]),
      ...dropout, int(8, 1, 2 ** 36),
    ],
    denseBackward: [
      int(1, 0, 2), tensor([M, K]), tensor([E, N, K]), optTensor([E, N]), optTensor([E, N]),
      optTensor([E, M, N]), optTensor([E, M, 2]), tensor([E, M, N]), tensor([E, M, N]),
      optTensor([M, K]), optTensor([E, N, K]), optTensor([E, N]), optTensor([E, N]),
      optTensor([E, N]), ...dropout, int(8, 1, 2 ** 36), int(0, 0, K - 1), int(K, 1, K),
    ],
    // The valid call opens a span over two tensors; the next entry's valid call closes it.
    denseFreezeWeights: [tensors(2)],
    denseThawWeights: [],
    denseFrozenPacks: [],
  };
};
