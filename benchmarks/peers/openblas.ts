// The OpenBLAS peer of benchmarks/kernels.ts: builds openblas-sgemm.c (benchmark-only, never part
// of the package) against Debian's libopenblas-dev and talks to it over stdin/stdout, so the
// peer's timings come from the same run as ours, interleaved shape by shape.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { GemmPeer } from '../../lib/bench/kernels.js';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'openblas-sgemm.c');
const binary = join(here, '..', '..', 'build', 'bench', 'openblas-sgemm');

/** A GemmPeer (lib/bench/kernels.ts) in a child process: `core` is the kernel OpenBLAS chose
 * (openblas_get_corename) and how it was chosen; `time` runs the calls in the peer process. */
export interface OpenBlasPeer extends GemmPeer {
  close(): void;
}

/**
 * The OpenBLAS kernel family to force on this instruction set (null: let OpenBLAS choose).
 * OpenBLAS 0.3.21 (Debian 12) does not recognise this newer Intel server CPU and falls back to its
 * SSE3 "Prescott" kernels: SGEMM at ~20 GFLOP/s here instead of ~100. Debian's torch runs its
 * linear layers on that OpenBLAS (BLAS_INFO=generic), so every peer built on it gets this family,
 * to run at its best on this machine.
 */
export function openBlasCoreFor(isa: string): string | null {
  return isa === 'avx512' ? 'SapphireRapids' : isa === 'avx2' ? 'Haswell' : null;
}

/**
 * The environment of a peer process (PyTorch on OpenBLAS) on `threads` threads: every thread-count
 * variable set, and OpenBLAS's kernel family forced as openBlasCoreFor says unless the caller's
 * environment names one already (some machines set it for correctness).
 */
export function peerEnv(threads: number, isa: string): NodeJS.ProcessEnv {
  const n = String(threads);
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const core = openBlasCoreFor(isa);
  if (core && !env.OPENBLAS_CORETYPE) env.OPENBLAS_CORETYPE = core;
  return env;
}

/** Compiles the helper when it is missing or older than its source; returns why not, if not. */
function build(): string | null {
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return null;
  mkdirSync(dirname(binary), { recursive: true });
  const cc = spawnSync('cc', ['-O2', source, '-o', binary, '-lopenblas'], { encoding: 'utf8' });
  if (cc.status !== 0)
    return `could not build ${source} (is libopenblas-dev installed? apt-get install -y libopenblas-dev): ${(cc.stderr || cc.error?.message || '').trim().split('\n')[0]}`;
  return null;
}

/**
 * Starts one peer process on one thread. `coreType` null lets OpenBLAS detect the CPU itself
 * (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment, as the machine notes ask
 * for a peer run); a name forces that kernel family. Returns a reason string when unavailable.
 */
export async function startOpenBlas(coreType: string | null): Promise<OpenBlasPeer | string> {
  const why = build();
  if (why) return why;
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (coreType) env.OPENBLAS_CORETYPE = coreType;
  const child: ChildProcessWithoutNullStreams = spawn(binary, [], { env, stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  let exited = false;
  child.on('exit', () => {
    exited = true;
    for (const w of waiting.splice(0)) w('{"error": "peer exited"}');
  });
  const ask = (request: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exited) return reject(new Error('openblas peer exited'));
      waiting.push((line) => {
        const reply = JSON.parse(line) as Record<string, unknown>;
        if (reply.error) reject(new Error(`openblas peer: ${String(reply.error)}`));
        else resolve(reply);
      });
      child.stdin.write(request + '\n');
    });
  const { core } = (await ask('core')) as { core: string };
  return {
    core,
    label: coreType ? `OpenBLAS ${core} (OPENBLAS_CORETYPE=${coreType})` : `OpenBLAS ${core} (auto-detected)`,
    async time(form, M, K, N, beta, reps) {
      const reply = (await ask(`${form} ${M} ${K} ${N} ${beta} ${reps}`)) as { seconds: number[] };
      return reply.seconds;
    },
    close() {
      child.stdin.end();
    },
  };
}
