// Argument table of the policy-prior exports.
const N = 3, A = 2;
export default ({ tensor, optTensor, number }) => {
  const range = [number(-10), number(2)];
  return {
    policyForward: [
      tensor([N, 2 * A]), tensor([N, A]), optTensor([A]), tensor([N, A]), optTensor([N, A]),
      optTensor([N, A]), optTensor([N]), optTensor([N]), optTensor([N]), ...range,
    ],
    policyBackward: [
      tensor([N, 2 * A]), tensor([N, A]), optTensor([A]), optTensor([N, A]), optTensor([N]),
      tensor([N, 2 * A]), ...range,
    ],
  };
};
