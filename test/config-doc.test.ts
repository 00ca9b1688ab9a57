// docs/config.md is generated from DEFAULT_CONFIG: it must be current (regenerate with
// `npm run build:ts && node tools/gen-config-doc.mjs`).
import { readFileSync } from 'node:fs';

import { expect, test } from 'vitest';

import { DEFAULT_CONFIG, MODEL_SIZES } from '../lib/config.js';
import { renderConfigDoc } from '../lib/config-doc.js';

test('docs/config.md matches DEFAULT_CONFIG', () => {
  const doc = readFileSync(new URL('../docs/config.md', import.meta.url), 'utf8');
  expect(doc).toBe(renderConfigDoc(DEFAULT_CONFIG, MODEL_SIZES));
});
