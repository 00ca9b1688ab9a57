// The CommonJS build (dist/index.cjs, bundled from the ESM build by tools/build-cjs.mjs): a real
// `node` process require()s the package by name and must get the ESM entry's exports, load the
// same .node binary, run a tensor op and load MuJoCo (ESM-only, through loadMujoco's import()).
// The CommonJS declarations (dist/**/*.d.cts) are checked with tsc from a .cts consumer.
// dist/ is rebuilt first (test/helpers/build-dist.ts), so these tests never run a stale build.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import * as lib from '../../lib/index.js';
import { buildDist, repoRoot } from '../helpers/build-dist.js';

const fixtures = join(repoRoot, 'test/package/fixtures');

interface ConsumerReport {
  cjs: { resolved: string; keys: string[]; opsKeys: string[]; binary: string };
  esm: { keys: string[]; opsKeys: string[]; binary: string; sameTensorClass: boolean };
  linear: number[];
  tensorInstance: boolean;
  env: { obsDim: number; reward: number; envInstance: boolean };
  addons: string[];
}

describe('CommonJS: require("tdmpc2")', () => {
  let report: ConsumerReport;

  beforeAll(() => {
    buildDist();
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // vitest's loader hooks must not help the child resolve anything
    const r = spawnSync(process.execPath, [join(fixtures, 'consumer.cjs')], { cwd: fixtures, env, encoding: 'utf8' });
    expect(r.status, `consumer.cjs exited ${r.status}\n${r.stdout}\n${r.stderr}`).toBe(0);
    report = JSON.parse(r.stdout.trim().split('\n').pop()!) as ConsumerReport;
  }, 120_000);

  test('package.json maps require to dist/index.cjs and import to dist/index.js, each with its types', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(report.cjs.resolved).toBe(join(repoRoot, 'dist/index.cjs'));
  });

  test('the exports equal the ESM entry exports (and those of lib/index.ts)', () => {
    const libKeys = Object.keys(lib).sort();
    expect(report.cjs.keys).toEqual(report.esm.keys);
    expect(report.cjs.keys).toEqual(libKeys);
    expect(report.cjs.opsKeys).toEqual(report.esm.opsKeys);
    expect(report.cjs.opsKeys).toEqual(Object.keys(lib.ops).sort());
  });

  test('it loads the same .node binary as the ESM build: one addon per process, even with both formats loaded', () => {
    expect(report.cjs.binary).toMatch(/\.node$/);
    expect(report.cjs.binary).toBe(report.esm.binary);
    expect(report.cjs.binary).toBe(lib.backends().binary.path);
    expect(report.addons).toEqual([report.cjs.binary]);
    // Documented: mixing formats in one process gives two copies of the JS classes.
    expect(report.esm.sameTensorClass).toBe(false);
  });

  test('a tensor op runs and instanceof holds within the format', () => {
    expect(report.linear).toEqual([6, 15, 6, 15]);
    expect(report.tensorInstance).toBe(true);
  });

  test('loadMujoco() + makeEnv work (the ESM-only @mujoco/mujoco comes in through import())', () => {
    expect(report.env.obsDim).toBe(5);
    expect(Number.isFinite(report.env.reward)).toBe(true);
    expect(report.env.envInstance).toBe(true);
  });

  test('the bundle keeps import("@mujoco/mujoco") and has no import.meta', () => {
    const code = readFileSync(join(repoRoot, 'dist/index.cjs'), 'utf8');
    expect(code).toMatch(/import\("@mujoco\/mujoco"\)/);
    expect(code).not.toMatch(/require\("@mujoco\/mujoco"\)/);
    expect(code).not.toMatch(/\bimport\.meta\b/);
  });

  test('CommonJS TypeScript consumers type-check against dist/index.d.cts (module nodenext)', () => {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(fixtures, 'tsconfig.json'), '--listFiles'],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    const errors = lines.filter((l) => /error TS\d+/.test(l));
    // skipLibCheck is off so that a broken .d.cts shows; @mujoco/mujoco's own mujoco.d.ts has an
    // error of its own (TS2552 'Arguments'), which every consumer without skipLibCheck sees.
    const ours = errors.filter((l) => !l.includes('@mujoco/mujoco/mujoco.d.ts'));
    expect(ours, r.stdout + r.stderr).toEqual([]);
    const loaded = lines.filter((l) => l.startsWith(join(repoRoot, 'dist/')));
    expect(loaded).toContain(join(repoRoot, 'dist/index.d.cts'));
    expect(loaded.filter((l) => !l.endsWith('.d.cts'))).toEqual([]);
  });
});
