// Shared by the child processes of the CPU path tests (gemm-child.mjs, epilogue-child.mjs): the
// raw addon as the package would load it (or TDMPC2_ADDON), Float32 data as base64, and the JSON
// request read from stdin.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const addon = process.env.TDMPC2_ADDON
  ? require(process.env.TDMPC2_ADDON)
  : require(require('node-gyp-build').path(root));

export const fromB64 = (s) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

export const toB64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The JSON request on stdin. */
export async function readRequest() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  return JSON.parse(input);
}
