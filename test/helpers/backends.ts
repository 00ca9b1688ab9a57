// The devices the shared kernel suites run on: the CPU always, CUDA when this binary and machine
// have it. CUDA cases skip visibly, with the reason, where it is unavailable.
import { backends } from '../../lib/index.js';
import type { Device } from '../../lib/nn/device.js';

const info = backends();

export const cudaAvailable = info.cuda.available;
export const cudaSkipReason = info.cuda.available ? '' : info.cuda.reason;

// `npm run test:gpu` sets TDMPC2_REQUIRE_CUDA: there a missing device is a failure, not a skip.
if (process.env.TDMPC2_REQUIRE_CUDA && !cudaAvailable) {
  throw new Error(`TDMPC2_REQUIRE_CUDA is set but CUDA is unavailable: ${cudaSkipReason}`);
}

// Whether this CPU runs the kernels of an instruction set (TDMPC2_CPU_ISA caps the choice down to
// it): scalar everywhere, AVX2 on AVX2 and AVX-512 CPUs, AVX-512 only on those.
const ISA_RANK = { scalar: 0, avx2: 1, avx512: 2 } as const;
export type CpuIsa = keyof typeof ISA_RANK;
export function cpuRunsIsa(isa: CpuIsa): boolean {
  return ISA_RANK[isa] <= ISA_RANK[info.cpu.isa as CpuIsa];
}

export interface BackendCase {
  device: Device;
  /** True when this backend cannot run here; the suite is skipped and says why. */
  skip: boolean;
  /** The describe() title, carrying the skip reason. */
  title: string;
}

export const backendCases: BackendCase[] = [
  { device: 'cpu', skip: false, title: `cpu (${info.cpu.isa})` },
  {
    device: 'cuda:0',
    skip: !cudaAvailable,
    title: cudaAvailable ? 'cuda:0' : `cuda:0 [skip: ${cudaSkipReason}]`,
  },
];
