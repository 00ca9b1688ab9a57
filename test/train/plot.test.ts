// The SVG learning-curve plotter and the console rendering of trainer events.
import { describe, expect, test } from 'vitest';

import { consoleLogger, formatDuration } from '../../lib/train/console-logger.js';
import { formatTick, niceTicks, parseEvalCsv, plotCurves } from '../../lib/train/plot.js';

describe('plot', () => {
  test('ticks are round numbers covering the range', () => {
    expect(niceTicks(0, 1000, 6)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0, 100_000, 6)).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(niceTicks(0, 7, 6)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(-3.2, 41, 5)).toEqual([-20, 0, 20, 40, 60]);
    expect(niceTicks(5, 5)).toContain(5); // a degenerate range is padded
    expect(() => niceTicks(0, NaN)).toThrow(RangeError);
    expect([0, 500, 1500, 20_000, 2_500_000, 999].map(formatTick)).toEqual(['0', '500', '1.5k', '20k', '2.5M', '999']);
  });

  test('curves: one line, markers and band per run, a legend, axes fitted to the data', () => {
    const svg = plotCurves(
      [
        { label: 'run <a>', points: [{ x: 0, y: 10, lo: 5, hi: 20 }, { x: 5000, y: 300, lo: 250, hi: 320 }, { x: 10000, y: 700, lo: 650, hi: 760 }] },
        { label: 'run b', points: [{ x: 0, y: 12 }, { x: 10000, y: 400 }] },
      ],
      { title: 'cartpole & co' },
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="440"/);
    expect(svg).toContain('cartpole &amp; co');
    expect(svg).toContain('>run &lt;a&gt;</text>');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<polygon /g)).toHaveLength(1); // only the run with min/max
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('>10k</text>'); // x axis to 10k steps
    expect(svg).toContain('>800</text>'); // y axis covers the band's 760
    expect(svg).toContain('environment steps');
    // Every coordinate lies inside the canvas.
    for (const m of svg.matchAll(/c[xy]="([-\d.]+)"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(0);
    expect(() => plotCurves([{ label: 'x', points: [{ x: 0, y: NaN }] }])).toThrow(/not finite/);
    expect(plotCurves([])).toMatch(/<\/svg>\n$/);
  });

  test('eval.csv parsing names the file and line on bad input', () => {
    const text = 'step,episode,return_mean,return_min,return_max,length_mean,episodes,elapsed_s\n0,0,10,5,20,500,10,1\n1000,2,30,25,40,500,10,9\n';
    expect(parseEvalCsv(text, 'x/eval.csv')).toEqual([{ x: 0, y: 10, lo: 5, hi: 20 }, { x: 1000, y: 30, lo: 25, hi: 40 }]);
    expect(() => parseEvalCsv('step,foo\n1,2\n', 'x/eval.csv')).toThrow('x/eval.csv: no "return_mean" column');
    expect(() => parseEvalCsv(text + 'oops,1,2,3,4\n', 'x/eval.csv')).toThrow('x/eval.csv: line 4: not numbers');
  });
});

describe('console logger', () => {
  const progress = { type: 'progress', phase: 'training', step: 1500, steps: 3000, episode: 3, updates: 500, stepsPerSecond: 12.5, etaSeconds: 120, lastReturn: 321.04 } as const;

  test('a TTY gets one carriage-return progress line, replaced before the next event line', () => {
    let out = '';
    const log = consoleLogger({ write: (s: string) => (out += s), isTTY: true, columns: 100 });
    log(progress);
    log({ ...progress, step: 1600 });
    log({ type: 'eval', step: 2000, episode: 4, returnMean: 500, returnMin: 400, returnMax: 600, lengthMean: 500, episodes: 10 });
    const parts = out.split('\r');
    expect(parts[1]).toMatch(/^training step 1500\/3000 \(50\.0%\) {2}episode 3 {2}return 321\.0 {2}12\.5 steps\/s {2}ETA 2:00 +$/);
    expect(parts[1]).toHaveLength(99);
    expect(out).toContain('\r\x1b[2Keval  step 2000  return 500.0 (min 400.0, max 600.0, 10 episodes)\n');
  });

  test('a pipe gets plain lines, progress at most every plainEvery seconds', () => {
    let out = '';
    const log = consoleLogger({ write: (s: string) => (out += s) }, { plainEvery: 3600 });
    log(progress);
    log({ ...progress, step: 1600 });
    log({ type: 'checkpoint', step: 2000, path: 'runs/x/checkpoint.safetensors' });
    expect(out).not.toContain('\r');
    expect(out.split('\n')).toEqual([expect.stringMatching(/^training step 1500\/3000/), 'checkpoint  step 2000  runs/x/checkpoint.safetensors', '']);
    expect([0, 59.6, 61, 3725, Infinity].map(formatDuration)).toEqual(['0:00', '1:00', '1:01', '1:02:05', '--:--']);
  });
});
