// The README's usage snippet (the ```ts block under `<!-- snippet: usage -->`) as a user runs it:
// written unchanged into a fresh project outside the repository whose node_modules/tdmpc2 links to
// this package, type-checked by tsc with the repository's compiler settings (resolving 'tdmpc2'
// through package.json exports to dist/index.d.ts), compiled, and run with node. dist/ is rebuilt
// first, so the docs can never drift from the code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { buildDist, repoRoot } from '../helpers/build-dist.js';

/** The code block that follows `<!-- snippet: name -->` in a markdown document. */
export function snippet(markdown: string, name: string): string {
  const marker = `<!-- snippet: ${name} -->`;
  const at = markdown.indexOf(marker);
  if (at < 0) throw new Error(`README.md: no "${marker}" marker`);
  const block = /^\s*```ts\n([\s\S]*?)^```/m.exec(markdown.slice(at + marker.length));
  if (!block) throw new Error(`README.md: no \`\`\`ts block right after "${marker}"`);
  return block[1]!;
}

describe('README usage snippet', () => {
  const project = mkdtempSync(join(tmpdir(), 'tdmpc2-readme-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  const code = snippet(readFileSync(join(repoRoot, 'README.md'), 'utf8'), 'usage');

  beforeAll(() => {
    buildDist();
    // A user's ESM project with the package installed (a link, as `npm link` makes).
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-user', private: true, type: 'module' }));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(repoRoot, join(project, 'node_modules/tdmpc2'), 'dir');
    writeFileSync(join(project, 'usage.ts'), code);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        extends: join(repoRoot, 'tsconfig.json'),
        compilerOptions: { rootDir: '.', outDir: 'out', noEmitOnError: true, declaration: false, sourceMap: false, typeRoots: [join(repoRoot, 'node_modules/@types')] },
        include: ['usage.ts'], // replaces the repository's include (lib/**)
      }),
    );
  }, 120_000);

  test('the snippet is the core API: env, agent, act loop, observe into the replay buffer, update', () => {
    for (const used of ["from 'tdmpc2'", 'loadMujoco()', 'makeEnv(', 'new TDMPC2(', '.act(', '.step(', '.observe(', '.update(']) expect(code).toContain(used);
  });

  test('it type-checks against the package types and runs', () => {
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(project, 'tsconfig.json'), '--listFiles'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    // 'tdmpc2' resolved to the built package's declarations, not to lib/ sources.
    expect(tsc.stdout).toContain(join(repoRoot, 'dist/index.d.ts'));
    expect(tsc.stdout).not.toContain(join(repoRoot, 'lib/'));

    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, [join(project, 'out/usage.js')], { cwd: project, env, encoding: 'utf8', timeout: 110_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => /^update \d: total loss \d+\.\d{3}$/.test(l))).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/^episode of 500 steps, return \d+\.\d$/);
  }, 120_000);
});
