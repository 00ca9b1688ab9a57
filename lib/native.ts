// The only importer of the compiled addon. Everything else goes through `addon()`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TdMpcError } from './errors.js';

/** An opaque native tensor handle (a type-tagged N-API external). */
export interface TensorHandle {
  readonly __tdmpc2TensorHandle: unique symbol;
}

/** Raw CUDA report of the addon. */
export interface NativeCudaInfo {
  compiled: boolean;
  available: boolean;
  reason?: string;
  runtimeVersion?: number;
  driverVersion?: number;
  devices?: CudaDevice[];
}

/** One CUDA device. */
export interface CudaDevice {
  id: number;
  name: string;
  computeCapability: string;
  totalMemory: number;
  multiprocessors: number;
}

/**
 * The tensor and backend functions the compiled addon exports (native/binding). Device -1 is the
 * CPU. Each kernel family declares its own functions next to its typed wrappers (nn/kernels/).
 */
export interface NativeAddon {
  backends(): { cpu: CpuInfo; cuda: NativeCudaInfo; builder: string };
  exportNames(): string[];
  setNumThreads(n: number): number;
  tensorFromArray(data: Float32Array, shape: readonly number[], device: number): TensorHandle;
  tensorZeros(shape: readonly number[], device: number): TensorHandle;
  tensorRead(t: TensorHandle, out?: Float32Array): Float32Array;
  tensorWrite(t: TensorHandle, data: Float32Array): void;
  tensorFill(t: TensorHandle, value: number): void;
  tensorCopy(dst: TensorHandle, src: TensorHandle): void;
  tensorView(t: TensorHandle, offset: number, shape: readonly number[]): TensorHandle;
  tensorShape(t: TensorHandle): number[];
  tensorDevice(t: TensorHandle): number;
  tensorDispose(t: TensorHandle): void;
  tensorIsDisposed(t: TensorHandle): boolean;
}

/** The SIMD path the CPU kernels run. */
export type CpuIsa = 'avx512' | 'avx2' | 'scalar';

/** Where the loaded binary came from. */
export interface BinaryInfo {
  /** Absolute path of the `.node` file. */
  path: string;
  /** `prebuilt` from prebuilds/, `source` when built on this machine. */
  origin: 'prebuilt' | 'source';
  /** The build system that produced it: `cmake-js` or `node-gyp`. */
  builder: string;
}

/** The CPU backend: the GEMM's micro-kernels and the kernels' thread count. */
export interface CpuInfo {
  /** The instruction set of the GEMM's micro-kernels (`TDMPC2_CPU_ISA` may cap it). */
  isa: CpuIsa;
  /**
   * The GEMM's register tiles, rows × columns ("12x32"): `rows` for X·Wᵀ and dY·W (on AVX-512
   * 12x32 on AMD CPUs and 6x64 on others, or as `TDMPC2_GEMM_ROWS_TILE` says), `transposed`
   * for dYᵀ·X. Results do not depend on them.
   */
  gemmTiles: { rows: string; transposed: string };
  /**
   * The dense layer's explicit SIMD epilogue rows (LayerNorm statistics, LayerNorm + Mish /
   * SimNorm forward and backward): the instruction set they are written for, or `portable`
   * (compiler-vectorised loops: no explicit rows for this instruction set, or
   * `TDMPC2_EPILOGUE_ROWS=portable`). Results do not depend on it.
   */
  epilogueRows: 'avx512' | 'avx2' | 'portable';
  threads: number;
}

/** What `backends()` reports. */
export interface Backends {
  /** The CPU GEMM's micro-kernels and the kernels' thread count. */
  cpu: CpuInfo;
  cuda:
    | { compiled: boolean; available: true; devices: CudaDevice[]; runtimeVersion?: number; driverVersion?: number }
    | { compiled: boolean; available: false; reason: string; runtimeVersion?: number; driverVersion?: number };
  binary: BinaryInfo;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

let loaded: { addon: NativeAddon; path: string } | undefined;

function load(): { addon: NativeAddon; path: string } {
  const require = createRequire(import.meta.url);
  // TDMPC2_ADDON points at a specific binary (tests of the node-gyp build, debugging).
  const explicit = process.env.TDMPC2_ADDON;
  try {
    if (explicit) return { addon: require(explicit) as NativeAddon, path: explicit };
    const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
    const path = nodeGypBuild.path(packageRoot);
    return { addon: require(path) as NativeAddon, path };
  } catch (e) {
    throw new TdMpcError(
      'ERR_NATIVE_LOAD',
      `tdmpc2: could not load the native addon (${(e as Error).message}). ` +
        'Build it with `npm run build:native` (cmake) or `npm run build:gyp` (CPU only).',
    );
  }
}

/** The loaded addon (loaded on first use). */
export function addon(): NativeAddon {
  loaded ??= load();
  return loaded.addon;
}

/**
 * Sets how many threads the CPU kernels use, the calling thread included, and returns the count
 * now in force. Until set: the `TDMPC2_NUM_THREADS` environment variable, else the cores this
 * process may run on. The count is per process (all agents and worker threads share one pool).
 * Small products always run on one thread, and results do not depend on the count.
 */
export function setNumThreads(n: number): number {
  if (typeof n !== 'number') throw new TypeError(`setNumThreads: n: expected an integer, got ${typeof n}`);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new RangeError(`setNumThreads: n: expected an integer in [1, 256], got ${n}`);
  return addon().setNumThreads(n);
}

/** Which backends this binary and machine offer, and which binary was loaded. */
export function backends(): Backends {
  const a = addon();
  const raw = a.backends();
  const path = loaded!.path;
  const binary: BinaryInfo = {
    path,
    origin: /[\\/]prebuilds[\\/]/.test(path) ? 'prebuilt' : 'source',
    builder: raw.builder,
  };
  return { cpu: raw.cpu, cuda: raw.cuda as Backends['cuda'], binary };
}
