// Argument table of the optim exports (see ../abuse-child.mjs for the kinds).
const N = 7;
const MAX_SAFE = 2 ** 53 - 1;
export default ({ tensor, number, int, bounded, bool }) => ({
  adamStep: [
    tensor([N]), tensor([N]), tensor([N]), tensor([N]),
    bounded(1e-3, -1e-3, Infinity), // lr ≥ 0
    bounded(0.9, -0.1, 1), // beta1 ∈ [0, 1)
    bounded(0.999, -0.5, 1.5), // beta2 ∈ [0, 1)
    bounded(1e-8, -1e-8, Infinity), // eps ≥ 0
    int(1, 1, MAX_SAFE), // step ≥ 1
    bounded(1, -1, Infinity), // gradScale ≥ 0
    bool(false), // zeroGrad
  ],
  sumSquares: [tensor([N], false)],
  scale: [tensor([2, N], false), number(0.5)],
  polyakUpdate: [tensor([2, N]), tensor([2, N]), bounded(0.01, -0.01, 1.01)],
});
