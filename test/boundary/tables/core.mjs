// Argument table of the tensor and backend exports (see ../abuse-child.mjs for the kinds).
export default ({ tensor, handle, f32, optF32, shape, device, number, int }) => ({
  backends: [],
  exportNames: [],
  setNumThreads: [int(1, 1, 256)],
  tensorFromArray: [f32(6), shape([2, 3]), device()],
  tensorZeros: [shape([2, 3]), device()],
  tensorRead: [tensor([2, 3], false), optF32(6)],
  tensorWrite: [tensor([2, 3], false), f32(6)],
  tensorFill: [tensor([2, 3], false), number(1.5)],
  tensorCopy: [tensor([2, 3], 'numel'), tensor([2, 3], 'numel')],
  tensorView: [tensor([2, 3], false), int(1, 0, 6), shape([5])],
  tensorShape: [tensor([2, 3], false)],
  tensorDevice: [tensor([2, 3], false)],
  tensorDispose: [handle()],
  tensorIsDisposed: [handle()],
});
