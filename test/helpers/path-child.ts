// Runs one of the CPU path tests' child processes (test/cpu/*-child.mjs) with a JSON request on
// stdin and extra environment (the ISA cap, the tile, the thread count), and returns its JSON
// reply; a non-zero exit fails the calling test with the child's stderr.
import { spawnSync } from 'node:child_process';

import { expect } from 'vitest';

export function runPathChild<T>(child: string, input: string, env: Record<string, string>, timeoutMs = 120_000): T {
  const run = spawnSync(process.execPath, [child], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}
