#!/usr/bin/env node
// The CommonJS build: `require('tdmpc2')` on Node 20, which cannot require() ES modules.
//
// One implementation: the ESM build (tsc → dist/*.js) stays the source, and this script bundles
// it into the single file dist/index.cjs with rolldown, so each class exists once per format.
// Every bare import (dependencies and node: builtins) stays external. Two things need care:
//   - `@mujoco/mujoco` is ESM-only; lib/envs/mujoco.ts loads it with a dynamic import(), which the
//     bundle must keep as import() (dynamicImportInCjs), never turn into require().
//   - `import.meta.url` (lib/native.ts: the package root for node-gyp-build and createRequire) does
//     not exist in CommonJS; it becomes the file URL of dist/index.cjs. That file sits in dist/ as
//     dist/native.js does, so both formats find the package root, and so the same .node binary.
// Then the declarations: every dist/**/*.d.ts is copied to a .d.cts with its relative './x.js'
// specifiers rewritten to './x.cjs' (which TypeScript resolves to './x.d.cts'), so CommonJS
// consumers get the same types in the CommonJS format (package.json exports["."].require.types).
//
//   node tools/build-cjs.mjs          (after `tsc -p tsconfig.json`; `npm run build:ts` runs both)
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const entry = join(dist, 'index.js');
const output = join(dist, 'index.cjs');

const fail = (message) => {
  process.stderr.write(`build-cjs: ${message}\n`);
  process.exit(1);
};

if (!existsSync(entry)) fail(`${relative(root, entry)} is missing: run \`tsc -p tsconfig.json\` first (npm run build:ts does both)`);

// import.meta.url → the URL of the bundle file itself (CommonJS has __filename), computed once at
// the top of the bundle: a `require(...)` written in place could be shadowed by a local `require`
// (lib/native.ts has one).
const IMPORT_META_URL = '__tdmpc2_import_meta_url';
const importMetaUrl = {
  name: 'tdmpc2-import-meta-url',
  transform(code, id) {
    if (!code.includes('import.meta')) return null;
    if (code.includes(IMPORT_META_URL)) throw new Error(`${id} already uses the name ${IMPORT_META_URL}`);
    return { code: code.replace(/\bimport\.meta\.url\b/g, IMPORT_META_URL), map: null };
  },
};

const warnings = [];
await build({
  input: entry,
  platform: 'node',
  // Bare specifiers (packages, node: builtins) are the user's installed copies, never bundled.
  external: (id) => !id.startsWith('.') && !isAbsolute(id),
  plugins: [importMetaUrl],
  onLog(level, log) {
    if (level === 'warn') warnings.push(log.message);
  },
  output: {
    file: output,
    format: 'cjs',
    codeSplitting: false,
    dynamicImportInCjs: true,
    banner:
      '// tdmpc2: the CommonJS build, bundled from the ESM build (dist/index.js) by tools/build-cjs.mjs.\n' +
      `const ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;`,
  },
  write: true,
});
if (warnings.length) fail(`rolldown warned (treated as errors):\n  ${warnings.join('\n  ')}`);

// What the bundle must and must not contain (each line names why it would break on Node 20).
const code = readFileSync(output, 'utf8');
if (/\bimport\.meta\b/.test(code)) fail('dist/index.cjs still uses import.meta (a syntax error in CommonJS)');
if (/require\(\s*["']@mujoco\/mujoco["']\s*\)/.test(code)) fail("dist/index.cjs require()s @mujoco/mujoco, which is ESM-only");
if (!/import\(\s*["']@mujoco\/mujoco["']\s*\)/.test(code)) fail("dist/index.cjs lost the dynamic import('@mujoco/mujoco')");

// The CommonJS declarations.
const specifier = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.js\2/g;
let declarations = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8').replace(specifier, '$1$2$3.cjs$2');
      writeFileSync(path.slice(0, -'.d.ts'.length) + '.d.cts', text);
      declarations++;
    }
  }
};
walk(dist);
// stderr: `npm pack --json` runs this (prepare) and parses its own stdout.
process.stderr.write(`build-cjs: ${relative(root, output)} (${(code.length / 1024).toFixed(0)} KiB) and ${declarations} .d.cts declarations\n`);
