// Command-line plumbing shared by the commands: the output sinks, usage errors (exit code 2),
// typed option parsing on top of node:util parseArgs, and `--set key=value` config overrides
// checked against the types of DEFAULT_CONFIG.
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { DEFAULT_CONFIG, suggest, type TdMpc2Options } from '../config.js';
import type { LineSink } from '../train/console-logger.js';

/** Where a command writes: results to stdout, progress and diagnostics to stderr. */
export interface CliIO {
  stdout: LineSink;
  stderr: LineSink;
  /** Install SIGINT handling (the real process only, not in-process tests). @defaultValue false */
  signals?: boolean;
}

/** A bad command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  readonly command: string;
  constructor(command: string, message: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON = { help: { type: 'boolean', short: 'h' }, verbose: { type: 'boolean' } } as const;

/** parseArgs with --help and --verbose everywhere; unknown options become UsageErrors. */
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: typeof COMMON & T; allowPositionals: true; strict: true }>>;

export function parse<T extends Options>(command: string, argv: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(command, msg);
  }
}

/** An integer option ≥ min (accepts 100000, 100_000 and 1e5); undefined when absent. */
export function intOption(command: string, name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).replaceAll('_', '');
  const v = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(command, `--${name}: expected an integer ≥ ${min}, got "${String(value)}"`);
  return v;
}

/** A comma-separated list of integers ≥ min. */
export function intList(command: string, name: string, value: string, min: number): number[] {
  return value.split(',').map((p) => intOption(command, name, p.trim(), min)!);
}

const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG);
const TASK_KEYS = ['obsDim', 'actionDim', 'episodeLength'];

/** snake_case (the official YAML names) → camelCase. */
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * `--set key=value` pairs → a config override, each value parsed as the type of DEFAULT_CONFIG's
 * entry (number, boolean, string). Keys may be camelCase or the official snake_case names.
 */
export function parseSets(command: string, sets: readonly string[]): Partial<TdMpc2Options> {
  const out: Record<string, unknown> = {};
  for (const item of sets) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(command, `--set: expected key=value, got "${item}"`);
    const key = camel(item.slice(0, eq).trim());
    const raw = item.slice(eq + 1).trim();
    if (TASK_KEYS.includes(key)) throw new UsageError(command, `--set ${key}: set by the task, not configurable`);
    if (!CONFIG_KEYS.includes(key)) {
      const s = suggest(key, CONFIG_KEYS);
      throw new UsageError(command, `--set: unknown config key "${key}"${s.length ? `; did you mean "${s[0]}"?` : ''}`);
    }
    const def = (DEFAULT_CONFIG as Record<string, unknown>)[key];
    let value: unknown;
    if (typeof def === 'number') {
      value = raw === '' ? NaN : Number(raw.replaceAll('_', ''));
      if (!Number.isFinite(value)) throw new UsageError(command, `--set ${key}: expected a number, got "${raw}"`);
    } else if (typeof def === 'boolean') {
      if (!['true', 'false', '1', '0'].includes(raw.toLowerCase())) throw new UsageError(command, `--set ${key}: expected true or false, got "${raw}"`);
      value = raw.toLowerCase() === 'true' || raw === '1';
    } else {
      value = raw;
    }
    out[key] = value;
  }
  return out as Partial<TdMpc2Options>;
}

/** Writes `text` plus a newline. */
export function println(sink: LineSink, text = ''): void {
  sink.write(`${text}\n`);
}
