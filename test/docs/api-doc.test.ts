// docs/api.md against the package's exports, both ways: every runtime export of the ESM entry and
// every name lib/index.ts exports (values and types) has a `### name` heading, and every `###`
// heading names an export. A new export fails here until it is documented; a removed or renamed
// one fails until its heading goes. (TypeScript 7 has no JS compiler API, so typedoc cannot
// generate the reference; it is kept by hand and held in place by this test.)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { describe, expect, test } from 'vitest';

import * as entry from '../../lib/index.js';

const root = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
const index = readFileSync(join(root, 'lib/index.ts'), 'utf8');

/**
 * The names lib/index.ts exports, from its export statements: `export { a, type B, c as d } from`,
 * `export type { X } from`, `export * as ns from`, and declarations written in the file itself.
 * `export * from` cannot be listed without resolving the module, so it is rejected.
 */
export function exportedNames(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const names: string[] = [];
  if (/export\s*\*\s*from/.test(code)) throw new Error('lib/index.ts: `export * from` hides the exported names; list them (or use `export * as name`)');
  for (const m of code.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const raw of m[1]!.split(',')) {
      const spec = raw.trim().replace(/^type\s+/, '');
      if (spec === '') continue;
      const as = /\bas\s+([A-Za-z_$][\w$]*)$/.exec(spec);
      names.push(as ? as[1]! : spec);
    }
  }
  for (const m of code.matchAll(/export\s*\*\s*as\s+([A-Za-z_$][\w$]*)/g)) names.push(m[1]!);
  for (const m of code.matchAll(/export\s+(?:declare\s+)?(?:abstract\s+)?(?:const|let|var|function\*?|async\s+function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g))
    names.push(m[1]!);
  return names;
}

/** The `### name` headings of docs/api.md (a name may be written in backticks). */
function headings(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return [...withoutCode.matchAll(/^###\s+(.+?)\s*$/gm)].map((m) => m[1]!.replace(/^`(.*)`$/, '$1'));
}

describe('docs/api.md', () => {
  const documented = headings(doc);
  const declared = exportedNames(index);
  const runtime = Object.keys(entry);

  test('the parser sees the export forms lib/index.ts uses', () => {
    expect(exportedNames("export { a, type B, c as d } from './x.js';\nexport type { E, F } from './y.js';\nexport * as ns from './z.js';\nexport const g = 1;\nexport interface H {}"))
      .toEqual(['a', 'B', 'd', 'E', 'F', 'ns', 'g', 'H']);
    expect(() => exportedNames("export * from './x.js';")).toThrow(/export \* from/);
    // Every runtime export is among the declared names, so the parse found the value exports.
    expect(runtime.filter((n) => !declared.includes(n))).toEqual([]);
    expect(declared.length).toBeGreaterThan(runtime.length);
  });

  test('every export of lib/index.ts (values and types) has a ### heading', () => {
    const missing = [...new Set([...runtime, ...declared])].filter((n) => !documented.includes(n)).sort();
    expect(missing, `add a "### name" section to docs/api.md for: ${missing.join(', ')}`).toEqual([]);
  });

  test('every ### heading names an export, once', () => {
    const all = new Set([...runtime, ...declared]);
    const stray = documented.filter((h) => !all.has(h));
    expect(stray, `docs/api.md has headings for names the package does not export: ${stray.join(', ')}`).toEqual([]);
    const twice = documented.filter((h, i) => documented.indexOf(h) !== i);
    expect(twice, `documented more than once: ${twice.join(', ')}`).toEqual([]);
  });

  test('the ops table lists every op', () => {
    const missing = Object.keys(entry.ops).filter((op) => !new RegExp(`\`${op}\\(`).test(doc));
    expect(missing, `docs/api.md's ops table misses: ${missing.join(', ')}`).toEqual([]);
  });

  test('README links the API reference', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/\]\(docs\/api\.md\)/);
  });
});
