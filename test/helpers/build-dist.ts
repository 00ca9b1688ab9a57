// Builds dist/ the way `npm run build:ts` does (tsc, then the CommonJS bundle and declarations of
// tools/build-cjs.mjs), so tests that run the built package never see a stale or missing build.
// Both steps take about two seconds; a failure fails the calling test with the compiler's output.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

export function buildDist(): void {
  const steps: string[][] = [
    [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.json')],
    [join(repoRoot, 'tools/build-cjs.mjs')],
  ];
  for (const args of steps) {
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building dist/ failed: node ${args.join(' ')} exited ${r.status}\n${r.stdout}${r.stderr}`);
  }
}
