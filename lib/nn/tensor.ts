// Tensor: the typed handle every op takes. float32, row-major, contiguous, ≤ 4 dims, on the CPU or
// a CUDA device. Native memory is freed by dispose(); a FinalizationRegistry frees what was
// forgotten, as a backstop only (GPU memory should be released deterministically).
import { addon, type TensorHandle } from '../native.js';
import { TdMpcError } from '../errors.js';
import { deviceId, deviceName, type Device } from './device.js';

const backstop = new FinalizationRegistry<TensorHandle>((handle) => {
  try {
    addon().tensorDispose(handle);
  } catch {
    // a pinned handle is released by its native finalizer instead
  }
});

function checkShape(shape: readonly number[], what: string): number {
  if (!Array.isArray(shape))
    throw new TypeError(`${what}: shape must be an array of dimensions, got ${typeof shape}`);
  if (shape.length < 1 || shape.length > 4)
    throw new RangeError(`${what}: shape must have 1 to 4 dimensions, got [${shape.join(', ')}]`);
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new RangeError(`${what}: shape dimensions must be non-negative integers, got [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

export class Tensor implements Disposable {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** `cpu` or `cuda:N`. */
  readonly device: Device;
  #handle: TensorHandle | null;

  private constructor(handle: TensorHandle) {
    this.#handle = handle;
    const a = addon();
    this.shape = Object.freeze(a.tensorShape(handle));
    this.device = deviceName(a.tensorDevice(handle));
    backstop.register(this, handle, this);
  }

  /** Wraps a native handle (internal: ops that create tensors). */
  static fromHandle(handle: TensorHandle): Tensor {
    return new Tensor(handle);
  }

  /** A tensor holding a copy of `data` with the given shape. */
  static from(data: Float32Array | readonly number[], shape: readonly number[], device: Device = 'cpu'): Tensor {
    const n = checkShape(shape, 'Tensor.from');
    let arr: Float32Array;
    if (data instanceof Float32Array) arr = data;
    else if (Array.isArray(data)) arr = Float32Array.from(data as number[]);
    else throw new TypeError(`Tensor.from: data must be a Float32Array or number[], got ${typeof data}`);
    if (arr.length !== n)
      throw new RangeError(`Tensor.from: shape [${shape.join(', ')}] needs ${n} elements, got ${arr.length}`);
    return new Tensor(addon().tensorFromArray(arr, shape, deviceId(device)));
  }

  /** A zero-filled tensor. */
  static zeros(shape: readonly number[], device: Device = 'cpu'): Tensor {
    checkShape(shape, 'Tensor.zeros');
    return new Tensor(addon().tensorZeros(shape, deviceId(device)));
  }

  /** Number of elements. */
  get size(): number {
    // An index loop: a reduce() callback would allocate a closure per call (hot in RngStream draws).
    let n = 1;
    for (let i = 0; i < this.shape.length; i++) n *= this.shape[i]!;
    return n;
  }

  get disposed(): boolean {
    return this.#handle === null;
  }

  /** The native handle; throws ERR_DISPOSED after dispose(). */
  get handle(): TensorHandle {
    if (this.#handle === null) throw new TdMpcError('ERR_DISPOSED', `Tensor [${this.shape.join(', ')}] was disposed`);
    return this.#handle;
  }

  /** Copies the contents to a new Float32Array, or into `out` (same length). */
  toArray(out?: Float32Array): Float32Array {
    return addon().tensorRead(this.handle, out);
  }

  /** Overwrites the contents from `data` (same length); allocates nothing. */
  write(data: Float32Array): this {
    addon().tensorWrite(this.handle, data);
    return this;
  }

  fill(value: number): this {
    addon().tensorFill(this.handle, value);
    return this;
  }

  /** Copies another tensor of the same size (any device) into this one. */
  copyFrom(src: Tensor): this {
    addon().tensorCopy(this.handle, src.handle);
    return this;
  }

  /**
   * A tensor sharing this one's memory: `shape` starting `offset` elements in (a reshape when
   * offset is 0 and the sizes match, a contiguous slice otherwise). Disposing either handle
   * leaves the other valid; the memory is freed with the last one.
   */
  view(shape: readonly number[], offset = 0): Tensor {
    checkShape(shape, 'Tensor.view');
    return new Tensor(addon().tensorView(this.handle, offset, shape));
  }

  /** `view` of the same elements with another shape. */
  reshape(shape: readonly number[]): Tensor {
    const n = checkShape(shape, 'Tensor.reshape');
    if (n !== this.size)
      throw new RangeError(`Tensor.reshape: cannot reshape [${this.shape.join(', ')}] (${this.size} elements) to [${shape.join(', ')}] (${n})`);
    return this.view(shape, 0);
  }

  /** Releases the native memory (of this handle); idempotent. */
  dispose(): void {
    if (this.#handle === null) return;
    addon().tensorDispose(this.#handle);
    backstop.unregister(this);
    this.#handle = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], device=${this.device}${this.disposed ? ', disposed' : ''})`;
  }
}
