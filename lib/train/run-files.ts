// The files of a run directory: train.csv (one row per training episode), eval.csv (one row per
// evaluation), metrics.jsonl (update, episode and eval records), config.json, curves.svg. Rows are
// appended synchronously (a few per episode); on resume, rows written after the checkpoint's step
// (a run that crashed after its last checkpoint) are dropped so the logs continue seamlessly.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { plotCurves, writeSvg, type CurvePoint } from './plot.js';

export const TRAIN_COLUMNS = [
  'step',
  'episode',
  'return',
  'length',
  'steps_per_s',
  'elapsed_s',
  'updates',
  'consistency_loss',
  'reward_loss',
  'value_loss',
  'total_loss',
  'grad_norm',
  'pi_loss',
  'pi_grad_norm',
  'pi_entropy',
  'pi_scale',
] as const;

export const EVAL_COLUMNS = ['step', 'episode', 'return_mean', 'return_min', 'return_max', 'length_mean', 'episodes', 'elapsed_s'] as const;

export type TrainRow = Record<(typeof TRAIN_COLUMNS)[number], number | null>;
export type EvalRow = Record<(typeof EVAL_COLUMNS)[number], number>;

const cell = (v: number | null): string => (v === null ? '' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7))));

/** Paths and writers of one run directory. */
export class RunFiles {
  readonly dir: string;
  readonly train: string;
  readonly eval: string;
  readonly metrics: string;
  readonly config: string;
  readonly curves: string;
  readonly checkpoint: string;
  readonly #title: string;

  constructor(dir: string, title: string) {
    this.dir = dir;
    this.train = join(dir, 'train.csv');
    this.eval = join(dir, 'eval.csv');
    this.metrics = join(dir, 'metrics.jsonl');
    this.config = join(dir, 'config.json');
    this.curves = join(dir, 'curves.svg');
    this.checkpoint = join(dir, 'checkpoint.safetensors');
    this.#title = title;
  }

  /** A fresh run: creates the directory, writes the CSV headers (replacing old logs). */
  start(config: unknown): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.train, `${TRAIN_COLUMNS.join(',')}\n`);
    writeFileSync(this.eval, `${EVAL_COLUMNS.join(',')}\n`);
    writeFileSync(this.metrics, '');
    this.writeConfig(config);
  }

  writeConfig(config: unknown): void {
    const tmp = `${this.config}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
    renameSync(tmp, this.config);
  }

  /**
   * A resumed run: keeps the rows up to `step` (inclusive) and drops later ones, so logs written
   * after the checkpoint by an interrupted process do not appear twice.
   */
  resume(step: number): void {
    const keepCsv = (path: string, header: readonly string[]) => {
      const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
      const kept = lines.slice(1).filter((l) => Number(l.split(',')[0]) <= step);
      writeFileSync(path, [header.join(','), ...kept].map((l) => `${l}\n`).join(''));
    };
    keepCsv(this.train, TRAIN_COLUMNS);
    keepCsv(this.eval, EVAL_COLUMNS);
    const lines = existsSync(this.metrics) ? readFileSync(this.metrics, 'utf8').split('\n').filter((l) => l !== '') : [];
    const kept = lines.filter((l) => {
      try {
        return (JSON.parse(l) as { step?: number }).step! <= step;
      } catch {
        return false; // a line cut short by a crash
      }
    });
    writeFileSync(this.metrics, kept.map((l) => `${l}\n`).join(''));
  }

  appendTrain(row: TrainRow): void {
    appendFileSync(this.train, `${TRAIN_COLUMNS.map((c) => cell(row[c])).join(',')}\n`);
  }

  appendEval(row: EvalRow): void {
    appendFileSync(this.eval, `${EVAL_COLUMNS.map((c) => cell(row[c])).join(',')}\n`);
  }

  appendMetrics(record: Record<string, unknown>): void {
    appendFileSync(this.metrics, `${JSON.stringify(record)}\n`);
  }

  /** The eval points logged so far (for the curve after a resume). */
  readEvalPoints(): CurvePoint[] {
    if (!existsSync(this.eval)) return [];
    const lines = readFileSync(this.eval, 'utf8').split('\n').filter((l) => l !== '');
    return lines.slice(1).map((l) => {
      const c = l.split(',').map(Number);
      return { x: c[0]!, y: c[2]!, lo: c[3]!, hi: c[4]! };
    });
  }

  async writeCurves(points: readonly CurvePoint[], label: string): Promise<void> {
    await writeSvg(this.curves, plotCurves([{ label, points }], { title: this.#title }));
  }
}
