// Runs a TypeScript benchmark as a plain script: `node benchmarks/run.mjs benchmarks/kernels/X.ts
// [args...]`. Node 20 cannot strip types itself, so this loads the file through vite's module
// runner (vite is already a dev dependency via vitest); the benchmark then runs top to bottom
// like any script, with import.meta.url pointing at its real location.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { createServer, createServerModuleRunner } from 'vite';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node benchmarks/run.mjs <benchmark.ts> [args...]\n');
  process.exit(2);
}
const server = await createServer({
  configFile: false,
  root: resolve(import.meta.dirname, '..'),
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
try {
  await runner.import(pathToFileURL(resolve(file)).href);
} finally {
  await runner.close();
  await server.close();
}
