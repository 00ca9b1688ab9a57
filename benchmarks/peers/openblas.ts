// The OpenBLAS peer of benchmarks/kernels.ts: builds openblas-sgemm.c (benchmark-only, never part
// of the package) against Debian's libopenblas-dev and talks to it over stdin/stdout, so the
// peer's timings come from the same run as ours, interleaved shape by shape.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'openblas-sgemm.c');
const binary = join(here, '..', '..', 'build', 'bench', 'openblas-sgemm');

/** GEMM forms as the row-major kernels name them (see native/cpu/gemm.h). */
export type GemmForm = 'nt' | 'nn' | 'tn';

export interface OpenBlasPeer {
  /** The kernel OpenBLAS chose (openblas_get_corename) and how it was chosen. */
  core: string;
  label: string;
  /** Times `reps` calls of C = beta·C + op(A)·op(B) in the peer process; seconds per call. */
  time(form: GemmForm, M: number, K: number, N: number, beta: 0 | 1, reps: number): Promise<number[]>;
  close(): void;
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
