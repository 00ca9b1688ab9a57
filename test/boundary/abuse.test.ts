// The native boundary never aborts: every argument of every export, fed bad values in a forked
// child, raises a TypeError/RangeError (or a coded Error) whose message starts with the op name.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, test } from 'vitest';

interface Result {
  name: string;
  arg?: number;
  label: string;
  ok: boolean;
  got?: unknown;
  want?: string;
}

const child = fileURLToPath(new URL('./abuse-child.mjs', import.meta.url));

describe('native boundary abuse (forked child)', () => {
  const run = spawnSync(process.execPath, ['--expose-gc', child], { encoding: 'utf8', timeout: 60_000 });

  test('the child exits cleanly (no abort, no segfault)', () => {
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
  });

  const report = run.status === 0 ? (JSON.parse(run.stdout) as { missing: string[]; results: Result[] }) : null;

  test('every native export has an entry in the argument table', () => {
    expect(report?.missing).toEqual([]);
  });

  test('every bad argument raises the right error naming the op', () => {
    const failures = (report?.results ?? []).filter((r) => !r.ok);
    expect(failures, JSON.stringify(failures, null, 1)).toEqual([]);
    expect(report!.results.length).toBeGreaterThan(100);
  });
});
