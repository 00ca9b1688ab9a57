/**
 * Animated SVG of an episode: the frames from `render()` stacked, each shown for one frame
 * period by a discrete SMIL `visibility` animation (plays in browsers; no raster encoder
 * needed).
 */
import { writeFile } from 'node:fs/promises';
import { describeType } from '../validate.js';

/** Options of {@link renderEpisode}. */
export interface EpisodeSvgOptions {
  /** Frames per second. @defaultValue `25` (one frame per decision of most tasks is 25–50 Hz) */
  fps?: number;
  /** Play in a loop; otherwise stop on the last frame. @defaultValue `true` */
  loop?: boolean;
}

const SIZE = /^<svg\b[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"/;

const keyTime = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/0+$/, ''));

/**
 * Combines frames from {@link DmcEnv.render} into one animated SVG document.
 * @throws TypeError when `frames` is not an array of SVG strings; RangeError when it is empty
 *   or `fps` is not a positive finite number.
 */
export function renderEpisode(frames: readonly string[], options: EpisodeSvgOptions = {}): string {
  if (!Array.isArray(frames)) throw new TypeError(`renderEpisode: frames: expected an array of SVG strings, got ${describeType(frames)}`);
  if (frames.length === 0) throw new RangeError('renderEpisode: frames: expected at least one frame, got 0');
  frames.forEach((frame, i) => {
    if (typeof frame !== 'string' || !SIZE.test(frame)) {
      throw new TypeError(`renderEpisode: frames[${i}]: expected an SVG string from render(), got ${describeType(frame)}`);
    }
  });
  const fps = options.fps ?? 25;
  if (!(typeof fps === 'number' && Number.isFinite(fps) && fps > 0)) {
    throw new RangeError(`renderEpisode: options.fps: expected a positive number, got ${String(fps)}`);
  }
  const loop = options.loop ?? true;
  const [, width, height] = SIZE.exec(frames[0]!)!;
  const n = frames.length;
  const duration = `${keyTime(n / fps)}s`;
  const body = frames.map((frame, i) => {
    if (n === 1) return frame;
    // Hidden until its slot, visible during it, hidden after (the last frame stays if not looping).
    const steps: [string, number][] = [];
    if (i > 0) steps.push(['hidden', 0]);
    steps.push(['visible', i / n]);
    if (i < n - 1 || loop) steps.push(['hidden', (i + 1) / n]);
    const values = steps.map(([value]) => value).join(';');
    const times = steps.map(([, time]) => keyTime(time)).join(';');
    const repeat = loop ? 'repeatCount="indefinite"' : 'fill="freeze"';
    return (
      `<g visibility="${i === 0 ? 'visible' : 'hidden'}"><animate attributeName="visibility" calcMode="discrete" ` +
      `values="${values}" keyTimes="${times}" dur="${duration}" ${repeat}/>${frame}</g>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body.join('')}</svg>\n`;
}

/** Writes {@link renderEpisode}'s document to `path`. */
export async function writeEpisodeSvg(path: string, frames: readonly string[], options?: EpisodeSvgOptions): Promise<void> {
  await writeFile(path, renderEpisode(frames, options));
}
