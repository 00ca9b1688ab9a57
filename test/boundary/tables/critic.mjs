// Argument table of the two-hot critic exports.
const R = 3, K = 7;
export default ({ tensor, optTensor, number, int }) => {
  const bins = [int(K, 0, 1 << 24), number(-10), number(10)];
  return {
    softCrossEntropy: [tensor([R, K]), tensor([R]), tensor([R]), optTensor([R, K]), number(0.5), ...bins],
    twoHotInvForward: [tensor([R, K]), tensor([R]), ...bins],
    twoHotInvBackward: [tensor([R, K]), tensor([R]), tensor([R, K]), ...bins],
    twoHotEncode: [tensor([R]), tensor([R, K]), ...bins],
  };
};
