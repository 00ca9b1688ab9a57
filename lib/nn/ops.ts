// Typed wrappers of every native kernel family, one file each under kernels/. Outputs are passed
// in (hot paths reuse workspaces); the native side validates shapes and devices and throws
// TypeError/RangeError naming the op and the argument.
export * from './kernels/linear.js';
export * from './kernels/elementwise.js';
export * from './kernels/critic.js';
export * from './kernels/policy.js';
export * from './kernels/rng.js';
export * from './kernels/optim.js';
export * from './kernels/dense.js';
export * from './kernels/simnorm.js';
