#!/usr/bin/env node
// Writes docs/config.md from DEFAULT_CONFIG (dist/config.js; run `npm run build:ts` first), so the
// documented defaults can never drift from the code. test/config-doc.test.ts checks it is current.
import { writeFileSync } from 'node:fs';

import { DEFAULT_CONFIG, MODEL_SIZES } from '../dist/config.js';
import { renderConfigDoc } from '../dist/config-doc.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), renderConfigDoc(DEFAULT_CONFIG, MODEL_SIZES));
