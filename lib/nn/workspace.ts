// Workspace: tensors handed out in call order and reused on the next pass. A fixed computation
// (one update, one plan call) asks for the same shapes in the same order every time, so after
// the first pass nothing is allocated: reset() rewinds the cursor and take() returns the tensor
// that sat at the same position last time.
import type { Device } from './device.js';
import { Tensor } from './tensor.js';

export class Workspace {
  readonly device: Device;
  #slots: Tensor[] = [];
  #cursor = 0;
  #allocations = 0;

  constructor(device: Device) {
    this.device = device;
  }

  /** A tensor of `shape` (contents undefined: callers overwrite it or fill it). */
  take(shape: readonly number[]): Tensor {
    const slot = this.#slots[this.#cursor];
    if (slot && sameShape(slot.shape, shape)) {
      this.#cursor++;
      return slot;
    }
    // The sequence changed (first pass, or a different batch size): replace this slot.
    slot?.dispose();
    const t = Tensor.zeros(shape, this.device);
    this.#allocations++;
    this.#slots[this.#cursor++] = t;
    return t;
  }

  /** Rewinds to the first slot; the next pass reuses the same tensors. */
  reset(): void {
    this.#cursor = 0;
  }

  /** Native allocations made so far (a steady-state pass adds none). */
  get allocations(): number {
    return this.#allocations;
  }

  /** Slots currently held. */
  get size(): number {
    return this.#slots.length;
  }

  dispose(): void {
    for (const t of this.#slots) t.dispose();
    this.#slots = [];
    this.#cursor = 0;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
