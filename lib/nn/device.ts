import { addon } from '../native.js';
import { TdMpcError } from '../errors.js';

/** Where a tensor lives: host memory or one CUDA device. */
export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

/** Parses a device name to the native id (-1 for the CPU). */
export function deviceId(device: Device | string): number {
  if (device === 'cpu') return -1;
  if (device === 'cuda') return 0;
  const m = /^cuda:(\d+)$/.exec(String(device));
  if (m) return Number(m[1]);
  throw new RangeError(`device: expected 'cpu', 'cuda' or 'cuda:N', got ${JSON.stringify(device)}`);
}

/** The canonical name of a native device id. */
export function deviceName(id: number): Device {
  return id < 0 ? 'cpu' : `cuda:${id}`;
}

/**
 * Resolves 'auto' to CUDA when a device is available, else the CPU; other names are checked.
 * Asking for CUDA where it is unavailable throws with the reason.
 */
export function resolveDevice(device: Device | 'auto'): Device {
  const cuda = addon().backends().cuda;
  if (device === 'auto') return cuda.available ? 'cuda:0' : 'cpu';
  const id = deviceId(device);
  if (id >= 0 && !cuda.available)
    throw new TdMpcError('ERR_CUDA', `device ${device}: CUDA is unavailable (${cuda.reason})`);
  return deviceName(id);
}
