// The examples run (in their --smoke mode) against the built package, as a user runs them:
// compiled by tsc from examples/ (which type-checks them) and imported by the package name, so
// 'tdmpc2' resolves through package.json "exports" to dist/ exactly as for an installed copy.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { backends } from '../../lib/index.js';
import { buildDist, repoRoot as root } from '../helpers/build-dist.js';

const out = join(root, 'examples', 'dist');

function run(file: string): string {
  // The examples load whatever binary the package loads; TDMPC2_ADDON (the node-gyp CI pass) is inherited.
  return execFileSync(process.execPath, [join(out, file), '--smoke'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

describe('examples (--smoke)', () => {
  beforeAll(() => {
    buildDist();
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'examples')], { cwd: root, encoding: 'utf8' });
  }, 120_000);

  test('1: a custom env trained with the Trainer', () => {
    const s = run('train-custom-env.js');
    expect(s).toMatch(/^eval {2}step 0 /m);
    expect(s).toMatch(/point-robot: eval return -?[\d.]+ at step 0 → -?[\d.]+ at step 400/);
  }, 120_000);

  test('2: a hand-written loop with observe / act / update and latent rollouts', () => {
    const s = run('own-loop.js');
    expect(s).toMatch(/^episode 4: return [\d.]+$/m);
    expect(s).toMatch(/imagined 5-step reward under the policy: -?[\d.]+; Q at the end: -?[\d.]+/);
  }, 120_000);

  test('3: an HTTP action server planning off the main thread', () => {
    const s = run('http-server.js');
    expect(s).toMatch(/smoke: 8 actions valid, health true, bad request → 400/);
  }, 120_000);

  test('4: CommonJS — require() loads the same binary as import', () => {
    const s = run('commonjs.cjs');
    const m = /^binary: (.+) \((\S+)\); cpu/m.exec(s);
    expect(m, s).not.toBeNull();
    expect(m![1]).toBe(backends().binary.path);
    expect(s).toMatch(/^\d+ built-in tasks$/m);
    expect(s).toMatch(/cartpole-swingup: return [\d.]+ over 20 steps/);
  }, 120_000);
});
