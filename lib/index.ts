// Public entry point: exports only.
export { backends, type Backends, type BinaryInfo, type CpuIsa, type CudaDevice } from './native.js';
export { TdMpcError, type TdMpcErrorCode } from './errors.js';
export { Tensor } from './nn/tensor.js';
export { type Device, resolveDevice } from './nn/device.js';
export * as ops from './nn/ops.js';
