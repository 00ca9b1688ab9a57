// Learning curves as standalone SVG: eval return against environment steps, one line per run (with
// its min–max band over the eval episodes when known), axes with 1-2-5 ticks, a legend. No
// dependencies; the trainer rewrites `curves.svg` at each eval and `tdmpc2 plot` puts several runs
// on one chart.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

/** One point of a curve: x (steps), y (mean return), optional band [lo, hi] (min and max). */
export interface CurvePoint {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

/** One line of the chart. */
export interface CurveSeries {
  label: string;
  points: readonly CurvePoint[];
}

/** Options of {@link plotCurves}. */
export interface PlotOptions {
  /** @defaultValue 'Evaluation return' */
  title?: string;
  /** @defaultValue 'environment steps' */
  xLabel?: string;
  /** @defaultValue 'episode return' */
  yLabel?: string;
  /** @defaultValue 720 */
  width?: number;
  /** @defaultValue 440 */
  height?: number;
  /** Fixed y range (e.g. [0, 1000] for DMC); otherwise fitted to the data. */
  yRange?: readonly [number, number];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** XML-escapes text for SVG content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`niceTicks: expected finite bounds, got [${lo}, ${hi}]`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(count - 1, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999)!;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9 || ticks.length < 2; v += step) ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  if (ticks[ticks.length - 1]! < hi - step * 1e-9) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

/** Compact tick labels: 1500 → "1.5k", 2000000 → "2M". */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  const trim = (x: number) => String(Number(x.toPrecision(4)));
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4 || (a >= 1e3 && v % 100 === 0)) return `${trim(v / 1e3)}k`;
  return trim(v);
}

const f = (v: number) => (Math.round(v * 100) / 100).toString();

/** An SVG document of the curves. Series without points are listed in the legend only. */
export function plotCurves(series: readonly CurveSeries[], options: PlotOptions = {}): string {
  if (!Array.isArray(series)) throw new TypeError(`plotCurves: series: expected an array, got ${typeof series}`);
  const W = options.width ?? 720;
  const Ht = options.height ?? 440;
  for (const [k, v] of [['width', W], ['height', Ht]] as const)
    if (!Number.isInteger(v) || v < 200 || v > 10000) throw new RangeError(`plotCurves: ${k}: expected an integer in [200, 10000], got ${v}`);
  const title = options.title ?? 'Evaluation return';
  const xLabel = options.xLabel ?? 'environment steps';
  const yLabel = options.yLabel ?? 'episode return';
  const pts = series.flatMap((s) => s.points);
  for (const p of pts)
    if (![p.x, p.y, p.lo ?? 0, p.hi ?? 0].every(Number.isFinite)) throw new RangeError(`plotCurves: point (${p.x}, ${p.y}) is not finite`);
  const xs = pts.map((p) => p.x);
  const ys = pts.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]);
  const xTicks = niceTicks(0, xs.length ? Math.max(...xs, 1) : 1, 6);
  const yTicks = options.yRange ? niceTicks(options.yRange[0], options.yRange[1], 6) : niceTicks(ys.length ? Math.min(0, ...ys) : 0, ys.length ? Math.max(...ys, 1) : 1, 6);
  const [x0, x1] = [xTicks[0]!, xTicks[xTicks.length - 1]!];
  const [y0, y1] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const m = { left: 64, right: 20, top: 40, bottom: 52 };
  const pw = W - m.left - m.right;
  const ph = Ht - m.top - m.bottom;
  const X = (v: number) => m.left + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v: number) => m.top + ph - ((v - y0) / (y1 - y0)) * ph;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Ht}" viewBox="0 0 ${W} ${Ht}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${Ht}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  // Grid and ticks.
  for (const t of yTicks) {
    const y = f(Y(t));
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(t))}</text>`);
  }
  for (const t of xTicks) {
    const x = f(X(t));
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeXml(formatTick(t))}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${Ht - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  // Curves.
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const p = [...s.points].sort((a, b) => a.x - b.x);
    if (p.length && p.every((q) => q.lo !== undefined && q.hi !== undefined)) {
      const band = [...p.map((q) => `${f(X(q.x))},${f(Y(q.hi!))}`), ...p.reverse().map((q) => `${f(X(q.x))},${f(Y(q.lo!))}`)];
      p.reverse();
      out.push(`<polygon points="${band.join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (p.length > 1) out.push(`<polyline points="${p.map((q) => `${f(X(q.x))},${f(Y(q.y))}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const q of p) out.push(`<circle cx="${f(X(q.x))}" cy="${f(Y(q.y))}" r="3" fill="${color}"><title>${escapeXml(`${s.label}: ${q.y.toFixed(1)} at step ${q.x}`)}</title></circle>`);
  });
  // Legend (top left inside the plot).
  if (series.length) {
    const lh = 18;
    const lw = Math.min(pw - 20, 24 + 7 * Math.max(...series.map((s) => s.label.length)));
    out.push(`<rect x="${m.left + 10}" y="${m.top + 10}" width="${lw}" height="${lh * series.length + 8}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`);
    series.forEach((s, i) => {
      const y = m.top + 14 + lh * i + lh / 2;
      const color = PALETTE[i % PALETTE.length]!;
      out.push(`<line x1="${m.left + 16}" y1="${y}" x2="${m.left + 32}" y2="${y}" stroke="${color}" stroke-width="3"/>`);
      out.push(`<text x="${m.left + 38}" y="${y}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
    });
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * The eval curve of a run directory (its `eval.csv`: step, mean, min, max per evaluation).
 * @throws Error naming the file when it is missing or malformed.
 */
export async function readEvalCurve(runDir: string, label = basename(resolve(runDir))): Promise<CurveSeries> {
  const path = `${runDir}/eval.csv`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is ${runDir} a training run directory?`);
  }
  return { label, points: parseEvalCsv(text, path) };
}

/** Parses eval.csv text (header row with step, return_mean, return_min, return_max). */
export function parseEvalCsv(text: string, source = 'eval.csv'): CurvePoint[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new RangeError(`${source}: empty (no header)`);
  const cols = lines[0]!.split(',');
  const idx = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new RangeError(`${source}: no "${name}" column in the header "${lines[0]}"`);
    return i;
  };
  const [iStep, iMean, iMin, iMax] = [idx('step'), idx('return_mean'), idx('return_min'), idx('return_max')];
  return lines.slice(1).map((line, k) => {
    const c = line.split(',').map(Number);
    const p = { x: c[iStep]!, y: c[iMean]!, lo: c[iMin]!, hi: c[iMax]! };
    if (![p.x, p.y, p.lo, p.hi].every(Number.isFinite)) throw new RangeError(`${source}: line ${k + 2}: not numbers: "${line}"`);
    return p;
  });
}

/** Writes a chart of several runs' eval curves (atomically: temp file + rename). */
export async function plotRuns(runDirs: readonly string[], outPath: string, options: PlotOptions = {}): Promise<void> {
  if (runDirs.length === 0) throw new RangeError('plotRuns: expected at least one run directory');
  const series = await Promise.all(runDirs.map((d) => readEvalCurve(d)));
  await writeSvg(outPath, plotCurves(series, options));
}

/** Writes an SVG document atomically. */
export async function writeSvg(path: string, svg: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, svg);
  await rename(tmp, path);
}
