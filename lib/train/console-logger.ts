// A console rendering of the trainer's events (the CLI passes it as `logger`; library code never
// prints by itself). On a TTY the progress line is rewritten in place with a carriage return; on
// anything else (a file, CI) progress is printed as plain lines at most every `plainEvery` seconds.
import type { TrainerEvent } from './trainer.js';

/** Where the lines go: a writable stream (process.stderr / process.stdout) or anything like it. */
export interface LineSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ConsoleLoggerOptions {
  /** Rewrite the progress line in place. @defaultValue `sink.isTTY` */
  tty?: boolean;
  /** Seconds between plain progress lines when not a TTY. @defaultValue 30 */
  plainEvery?: number;
}

/** Seconds as h:mm:ss (or m:ss). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

/** One line per event (without the trailing newline); null for events not shown. */
export function formatEvent(e: TrainerEvent): string | null {
  switch (e.type) {
    case 'start':
      return (
        `${e.resumedAt === null ? 'training' : `resuming at step ${e.resumedAt}:`} ${e.task} for ${e.steps} steps` +
        ` (${e.numEnvs} env${e.numEnvs > 1 ? 's' : ''}, ${e.seedSteps} seed steps, ${(e.parameters / 1e6).toFixed(2)}M parameters, ${e.device}) → ${e.logDir}`
      );
    case 'progress': {
      const pct = ((100 * e.step) / e.steps).toFixed(1);
      const what =
        e.phase === 'pretraining'
          ? `pretraining ${e.pretrained}/${e.pretrainTotal} updates`
          : `${e.phase} step ${e.step}/${e.steps} (${pct}%)`;
      const ret = e.lastReturn === null ? '' : `  return ${num(e.lastReturn)}`;
      return `${what}  episode ${e.episode}${ret}  ${num(e.stepsPerSecond)} steps/s  ETA ${formatDuration(e.etaSeconds)}`;
    }
    case 'episode':
      return (
        `step ${e.step}  episode ${e.episode}  return ${num(e.return)}  ${num(e.stepsPerSecond)} steps/s` +
        (e.losses ? `  loss ${num(e.losses.totalLoss, 3)}  pi ${num(e.losses.piLoss, 3)}` : '')
      );
    case 'eval':
      return `eval  step ${e.step}  return ${num(e.returnMean)} (min ${num(e.returnMin)}, max ${num(e.returnMax)}, ${e.episodes} episodes)`;
    case 'checkpoint':
      return `checkpoint  step ${e.step}  ${e.path}`;
    case 'done':
      return `done  ${e.step} steps, ${e.episode} episodes, ${e.updates} updates in ${formatDuration(e.elapsedSeconds)}` + (e.finalEval === null ? '' : `; final eval return ${num(e.finalEval)}`) + `  (${e.logDir})`;
  }
}

/** A `logger` for {@link Trainer} writing to `sink`. */
export function consoleLogger(sink: LineSink, options: ConsoleLoggerOptions = {}): (event: TrainerEvent) => void {
  const tty = options.tty ?? sink.isTTY === true;
  const plainEvery = (options.plainEvery ?? 30) * 1000;
  let lastPlain = 0;
  let pending = false; // a progress line is on screen without its newline
  return (event) => {
    const line = formatEvent(event);
    if (line === null) return;
    if (event.type === 'progress') {
      if (tty) {
        const width = Math.max((sink.columns ?? 120) - 1, 20);
        sink.write(`\r${line.slice(0, width).padEnd(width)}`);
        pending = true;
      } else if (Date.now() - lastPlain >= plainEvery) {
        lastPlain = Date.now();
        sink.write(`${line}\n`);
      }
      return;
    }
    if (pending) {
      sink.write('\r\x1b[2K');
      pending = false;
    }
    sink.write(`${line}\n`);
  };
}
