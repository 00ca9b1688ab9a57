// The fixed batch the update benchmarks time (`tdmpc2 bench update`, benchmarks/update.ts): H + 1
// observation rows, H action and reward rows of B samples, smooth deterministic values (rewards
// non-negative), the same in every run.
import type { Device } from '../nn/device.js';
import { Tensor } from '../nn/tensor.js';

export interface UpdateBatch {
  obs: Tensor;
  action: Tensor;
  reward: Tensor;
}

export function syntheticUpdateBatch(horizon: number, batch: number, obsDim: number, actionDim: number, device: Device = 'cpu'): UpdateBatch {
  const [H, B] = [horizon, batch];
  const values = (n: number, phase: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase));
  return {
    obs: Tensor.from(values((H + 1) * B * obsDim, 1), [H + 1, B, obsDim], device),
    action: Tensor.from(values(H * B * actionDim, 2), [H, B, actionDim], device),
    reward: Tensor.from(values(H * B, 3).map(Math.abs), [H, B], device),
  };
}
