// Feeds every exported native function bad input, argument by argument, and reports what each
// call threw as JSON on stdout. Runs in a forked child so that a crash (abort, segfault) fails
// the test that forked it instead of killing the test runner.
//
// ARGUMENT TABLE: one entry per native export. Each argument has a kind; the kinds define the bad
// values to try and the error each must raise. A new export without an entry fails the test.
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const addon = process.env.TDMPC2_ADDON
  ? require(process.env.TDMPC2_ADDON)
  : require(require('node-gyp-build').path(root));

const cuda = addon.backends().cuda;
const T = (shape) => addon.tensorZeros(shape, -1);
const F = (n) => new Float32Array(n);

// Argument kinds:
//   tensor(shape, strict) a live tensor; strict 'shape' gets wrong-shape variants (last dim + 1,
//                   an extra dim), 'numel' only the wrong element count, false none
//   optTensor(shape) the same, or null
//   handle()        any tensor handle, disposed allowed (dispose, isDisposed)
//   f32(n)          a Float32Array of length n;  optF32(n) the same, or undefined
//   shape(dims)     an array of dimensions;      device()  -1 or a CUDA id
//   number(v)       a number;                    int(v, lo, hi) an integer in [lo, hi]
//   bool(v)         a boolean
//   bounded(v, below, above)  a finite number in a range; below/above are values just outside it
//   u32s(values)    an array of that many integers in [0, 2^32 − 1]
//   u8(n)           a Uint8Array of length n
//   planner(args)   a live planner made by plannerCreate(...args)
//   plannerHandle(args)  any planner handle, disposed allowed (plannerDispose)
//   ints(values, limits) an array of exactly that many integers, element k in [0, limits[k]]
//   i32(values, limit) an Int32Array of exactly those values, each in [0, limit]
//   tensors(n)      an array of n live tensors (any shape)
const tensor = (shape, strict = 'shape') => ({ kind: 'tensor', make: () => T(shape), shape, strict });
const optTensor = (shape, strict = 'shape') => ({ kind: 'optTensor', make: () => T(shape), shape, strict });
const handle = () => ({ kind: 'handle', make: () => T([2]) });
const f32 = (n) => ({ kind: 'f32', make: () => F(n), n });
const optF32 = (n) => ({ kind: 'optF32', make: () => F(n), n });
const shape = (dims) => ({ kind: 'shape', make: () => dims });
const device = () => ({ kind: 'device', make: () => -1 });
const number = (v) => ({ kind: 'number', make: () => v });
const int = (v, lo, hi) => ({ kind: 'int', make: () => v, lo, hi });
const bool = (v = false) => ({ kind: 'bool', make: () => v });
const bounded = (v, below, above) => ({ kind: 'bounded', make: () => v, below, above });
const u32s = (values) => ({ kind: 'u32s', make: () => values.slice(), values });
const u8 = (n) => ({ kind: 'u8', make: () => new Uint8Array(n), n });
const planner = (args) => ({ kind: 'planner', make: () => addon.plannerCreate(...args), args });
const plannerHandle = (args) => ({ kind: 'plannerHandle', make: () => addon.plannerCreate(...args), args });
const ints = (values, limits) => ({ kind: 'ints', make: () => values.slice(), values, limits });

// One table file per family under tables/: each default-exports (kinds, T) => ({ fn: [args] }).
const i32 = (values, limit) => ({ kind: 'i32', make: () => Int32Array.from(values), values, limit });
const tensors = (n) => ({ kind: 'tensors', make: () => Array.from({ length: n }, () => T([2])), n });
const kinds = { tensor, optTensor, handle, f32, optF32, shape, device, number, int, bool, bounded, u32s, u8, planner, plannerHandle, ints, i32, tensors };
const tableDir = join(dirname(fileURLToPath(import.meta.url)), 'tables');
export const TABLE = {};
for (const file of readdirSync(tableDir).filter((f) => f.endsWith('.mjs')).sort()) {
  const mod = await import(pathToFileURL(join(tableDir, file)).href);
  Object.assign(TABLE, mod.default(kinds));
}

function disposed() {
  const t = T([2]);
  addon.tensorDispose(t);
  return t;
}

function wrongShape(dims) {
  const d = dims.slice();
  d[d.length - 1] += 1;
  return T(d);
}

// [label, value, expected error: 'TypeError' | 'RangeError' | code string]
function badValues(spec) {
  const notTensor = [
    ['undefined', undefined, 'TypeError'],
    ['a number', 42, 'TypeError'],
    ['a string', 'x', 'TypeError'],
    ['a plain object', {}, 'TypeError'],
    ['a Float32Array', F(2), 'TypeError'],
    ['an external of another kind', addon.exportNames, 'TypeError'],
  ];
  switch (spec.kind) {
    case 'tensor':
    case 'optTensor': {
      const out = spec.kind === 'tensor' ? notTensor : notTensor.slice(1);
      out.push(['a disposed tensor', disposed(), 'ERR_DISPOSED']);
      if (spec.strict) {
        out.push(['a tensor of the wrong shape', wrongShape(spec.shape), 'RangeError']);
        if (spec.strict === 'shape') out.push(['a tensor with an extra dim', T([...spec.shape, 1]), 'RangeError']);
      }
      return out;
    }
    case 'handle':
      return notTensor;
    case 'f32':
    case 'optF32': {
      const out = [
        ['a number array', [1, 2], 'TypeError'],
        ['a Float64Array', new Float64Array(spec.n), 'TypeError'],
        ['a Float32Array of the wrong length', F(spec.n + 1), 'RangeError'],
      ];
      if (spec.kind === 'f32') out.unshift(['undefined', undefined, 'TypeError']);
      return out;
    }
    case 'shape':
      return [
        ['a string', 'x', 'TypeError'],
        ['an empty array', [], 'RangeError'],
        ['five dims', [1, 1, 1, 1, 1], 'RangeError'],
        ['a negative dim', [-1], 'RangeError'],
        ['a fractional dim', [1.5], 'RangeError'],
        ['a string dim', ['a'], 'TypeError'],
        ['a huge shape', [2 ** 30, 2 ** 30], 'RangeError'],
        ['an infinite dim', [Infinity], 'RangeError'],
      ];
    case 'device':
      return [
        ['a string', 'cpu', 'TypeError'],
        ['-2', -2, 'RangeError'],
        ['a fraction', 0.5, 'RangeError'],
        ['NaN', NaN, 'RangeError'],
        cuda.available ? ['a missing device', 999, 'RangeError'] : ['cuda:0 without CUDA', 0, 'ERR_CUDA'],
      ];
    case 'number':
      return [
        ['undefined', undefined, 'TypeError'],
        ['a string', '1', 'TypeError'],
        ['an object', {}, 'TypeError'],
      ];
    case 'bool':
      return [
        ['undefined', undefined, 'TypeError'],
        ['a number', 1, 'TypeError'],
        ['a string', 'true', 'TypeError'],
      ];
    case 'int':
      return [
        ['a string', '1', 'TypeError'],
        ['below range', spec.lo - 1, 'RangeError'],
        ['above range', spec.hi + 1, 'RangeError'],
        ['a fraction', spec.lo + 0.5, 'RangeError'],
        ['NaN', NaN, 'RangeError'],
      ];
    case 'bounded':
      return [
        ['undefined', undefined, 'TypeError'],
        ['a string', '1', 'TypeError'],
        ['NaN', NaN, 'RangeError'],
        ['below range', spec.below, 'RangeError'],
        ['above range', spec.above, 'RangeError'],
      ];
    case 'u32s': {
      const withAt = (k, x) => spec.values.map((v, j) => (j === k ? x : v));
      return [
        ['undefined', undefined, 'TypeError'],
        ['a Uint32Array', Uint32Array.from(spec.values), 'TypeError'],
        ['one element short', spec.values.slice(1), 'RangeError'],
        ['one element too many', [...spec.values, 0], 'RangeError'],
        ['a negative element', withAt(0, -1), 'RangeError'],
        ['an element of 2^32', withAt(spec.values.length - 1, 2 ** 32), 'RangeError'],
        ['a fractional element', withAt(0, 0.5), 'RangeError'],
        ['a string element', withAt(0, '1'), 'TypeError'],
      ];
    }
    case 'u8':
      return [
        ['undefined', undefined, 'TypeError'],
        ['a number array', [1, 0], 'TypeError'],
        ['a Uint16Array', new Uint16Array(spec.n), 'TypeError'],
        ['a Uint8Array of the wrong length', new Uint8Array(spec.n + 1), 'RangeError'],
      ];
    case 'planner':
    case 'plannerHandle': {
      const out = [...notTensor, ['a tensor', T([2]), 'TypeError']];
      if (spec.kind === 'planner') {
        const gone = addon.plannerCreate(...spec.args);
        addon.plannerDispose(gone);
        out.push(['a disposed planner', gone, 'ERR_DISPOSED']);
      }
      return out;
    }
    case 'ints': {
      const withAt = (k, x) => spec.values.map((v, j) => (j === k ? x : v));
      return [
        ['undefined', undefined, 'TypeError'],
        ['a Float64Array', Float64Array.from(spec.values), 'TypeError'],
        ['one element short', spec.values.slice(1), 'RangeError'],
        ['one element too many', [...spec.values, 0], 'RangeError'],
        ['a negative element', withAt(0, -1), 'RangeError'],
        ...spec.limits.map((lim, k) => [`element ${k} above its limit ${lim}`, withAt(k, lim + 1), 'RangeError']),
        ['a fractional element', withAt(0, 0.5), 'RangeError'],
        ['a string element', withAt(0, '1'), 'TypeError'],
      ];
    }
    case 'i32': {
      const withAt = (k, x) => Int32Array.from(spec.values.map((v, j) => (j === k ? x : v)));
      return [
        ['undefined', undefined, 'TypeError'],
        ['a number array', spec.values.slice(), 'TypeError'],
        ['a Uint32Array', Uint32Array.from(spec.values), 'TypeError'],
        ['one element short', Int32Array.from(spec.values.slice(1)), 'RangeError'],
        ['one element too many', Int32Array.from([...spec.values, 0]), 'RangeError'],
        ['a negative element', withAt(0, -1), 'RangeError'],
        [`an element above ${spec.limit}`, withAt(0, spec.limit + 1), 'RangeError'],
      ];
    }
    case 'tensors':
      return [
        ['undefined', undefined, 'TypeError'],
        ['a tensor, not an array', T([2]), 'TypeError'],
        ['an array holding a number', [T([2]), 42], 'TypeError'],
        ['an array holding a Float32Array', [F(2)], 'TypeError'],
        ['an array holding a disposed tensor', [T([2]), disposed()], 'ERR_DISPOSED'],
      ];
    default:
      throw new Error(`unknown kind ${spec.kind}`);
  }
}

function classify(e) {
  if (!(e instanceof Error)) return { kind: `non-Error ${typeof e}`, message: String(e) };
  if (e instanceof TypeError) return { kind: 'TypeError', message: e.message };
  if (e instanceof RangeError) return { kind: 'RangeError', message: e.message };
  return { kind: e.code ?? 'Error', message: e.message };
}

const results = [];
const missing = addon.exportNames().filter((name) => !(name in TABLE));
for (const [name, specs] of Object.entries(TABLE)) {
  const fn = addon[name];
  if (typeof fn !== 'function') {
    results.push({ name, label: 'export exists', ok: false, got: 'not exported' });
    continue;
  }
  // The valid call must succeed.
  try {
    fn(...specs.map((s) => s.make()));
    results.push({ name, label: 'valid arguments', ok: true });
  } catch (e) {
    results.push({ name, label: 'valid arguments', ok: false, got: classify(e) });
  }
  if (specs.length > 0) {
    try {
      fn();
      results.push({ name, label: 'no arguments', ok: false, got: 'no error' });
    } catch (e) {
      const c = classify(e);
      results.push({ name, label: 'no arguments', ok: c.kind === 'TypeError' && c.message.startsWith(`${name}:`), got: c, want: 'TypeError' });
    }
  }
  specs.forEach((spec, i) => {
    for (const [label, value, want] of badValues(spec)) {
      const args = specs.map((s) => s.make());
      args[i] = value;
      try {
        fn(...args);
        results.push({ name, arg: i, label, ok: false, got: 'no error', want });
      } catch (e) {
        const c = classify(e);
        const ok = c.kind === want && c.message.startsWith(`${name}:`);
        results.push({ name, arg: i, label, ok, got: c, want });
      }
    }
  });
}
process.stdout.write(JSON.stringify({ missing, results }) + '\n');
