// Episode datasets for offline training (docs/datasets.md): a directory with a JSON manifest
// (dataset.json: format, version, the task list) and episode files (episodes-NNNNN.bin), each a
// plain sequence of records, one per episode:
//
//   header, 32 bytes, little-endian u32: magic 0x50454454 ('TDEP'), version 1, task id,
//            L (entries), obsDim, actionDim, CRC-32 of the payload, 0 (reserved)
//   payload: obs f32[L·obsDim], action f32[L·actionDim], reward f32[L]
//
// Entries follow the replay buffer's convention (SPEC §10.3): entry t holds (obs_t, action_{t−1},
// reward_{t−1}); entry 0 holds the first observation with NaN action and reward. obsDim and
// actionDim are the task's own (no multitask padding is stored). Files are append-only, so a
// training run writes each episode as it ends; readers stream them record by record through a
// fixed-size read buffer (readEpisodes' chunkBytes), so a dataset never has to fit in memory.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

import type { TaskShape } from '../config.js';

export const DATASET_FORMAT = 'tdmpc2-dataset';
export const DATASET_VERSION = 1;
export const EPISODE_MAGIC = 0x50454454; // 'TDEP' read as a little-endian u32
export const RECORD_HEADER_BYTES = 32;
const MANIFEST = 'dataset.json';
const FILE_RE = /^episodes-(\d{5})\.bin$/;

/** The manifest (dataset.json). */
export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  version: number;
  /** Task id i of a record is tasks[i]. */
  tasks: TaskShape[];
  /** Episodes and entries written (updated when a writer closes). */
  episodes: number;
  entries: number;
}

/** One episode as stored (the task's own dims). */
export interface DatasetEpisode {
  task: number;
  obsDim: number;
  actionDim: number;
  /** L·obsDim */
  obs: Float32Array;
  /** L·actionDim; row 0 NaN */
  action: Float32Array;
  /** L; entry 0 NaN */
  reward: Float32Array;
}

function fileName(i: number): string {
  return `episodes-${String(i).padStart(5, '0')}.bin`;
}

/** The episode files of a dataset directory, in order. */
export function datasetFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => FILE_RE.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Reads and checks dataset.json. */
export function readManifest(dir: string): DatasetManifest {
  const path = join(dir, MANIFEST);
  let m: DatasetManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as DatasetManifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: cannot read the dataset manifest (${code ?? (e as Error).message}); is ${dir} a tdmpc2 dataset?`);
  }
  if (m?.format !== DATASET_FORMAT) throw new RangeError(`${path}: not a tdmpc2 dataset (format ${JSON.stringify(m?.format ?? null)})`);
  if (m.version !== DATASET_VERSION) throw new RangeError(`${path}: dataset version ${m.version} is not supported (this build reads ${DATASET_VERSION})`);
  if (!Array.isArray(m.tasks) || m.tasks.length === 0) throw new RangeError(`${path}: corrupted manifest (no tasks)`);
  return m;
}

function sameTasks(a: readonly TaskShape[], b: readonly TaskShape[]): boolean {
  return a.length === b.length && a.every((t, i) => JSON.stringify(t) === JSON.stringify({ name: b[i]!.name, obsDim: b[i]!.obsDim, actionDim: b[i]!.actionDim, episodeLength: b[i]!.episodeLength }));
}

/**
 * Appends episodes to a dataset directory (created if needed; an existing dataset with the same
 * task list is continued in a new file). Writes are synchronous: add() returns once the record
 * is in the file.
 */
export class DatasetWriter {
  readonly dir: string;
  readonly tasks: readonly TaskShape[];
  readonly maxFileBytes: number;
  #fd: number | null = null;
  #fileIndex: number;
  #fileBytes = 0;
  #episodes: number;
  #entries: number;
  #header = Buffer.alloc(RECORD_HEADER_BYTES);

  constructor(dir: string, tasks: readonly TaskShape[], opts: { maxFileBytes?: number } = {}) {
    this.dir = dir;
    this.tasks = tasks.map((t) => ({ name: t.name, obsDim: t.obsDim, actionDim: t.actionDim, episodeLength: t.episodeLength }));
    this.maxFileBytes = opts.maxFileBytes ?? 256 * 2 ** 20;
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(dir, MANIFEST))) {
      const m = readManifest(dir);
      if (!sameTasks(m.tasks, this.tasks))
        throw new RangeError(`${dir}: the dataset holds tasks ${m.tasks.map((t) => t.name).join(',')}; cannot append episodes of ${this.tasks.map((t) => t.name).join(',')}`);
      this.#episodes = m.episodes;
      this.#entries = m.entries;
      const files = datasetFiles(dir);
      this.#fileIndex = files.length ? Number(FILE_RE.exec(files[files.length - 1]!.slice(dir.length + 1))![1]) + 1 : 0;
    } else {
      this.#episodes = 0;
      this.#entries = 0;
      this.#fileIndex = 0;
    }
    this.#writeManifest();
  }

  get episodes(): number {
    return this.#episodes;
  }

  #writeManifest(): void {
    const m: DatasetManifest = { format: DATASET_FORMAT, version: DATASET_VERSION, tasks: [...this.tasks], episodes: this.#episodes, entries: this.#entries };
    const path = join(this.dir, MANIFEST);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(m, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }

  /**
   * Appends one episode of task `task` in the replay convention. obs/action rows may be wider
   * than the task's dims (a multitask buffer's padding): only the task's own columns are kept.
   */
  add(ep: { obs: Float32Array; action: Float32Array; reward: Float32Array }, task: number): void {
    const t = this.tasks[task];
    if (!t) throw new RangeError(`DatasetWriter.add: task: expected an id in [0, ${this.tasks.length - 1}], got ${task}`);
    const L = ep.reward.length;
    const rowO = ep.obs.length / L;
    const rowA = ep.action.length / L;
    if (!Number.isInteger(rowO) || !Number.isInteger(rowA) || rowO < t.obsDim || rowA < t.actionDim)
      throw new RangeError(`DatasetWriter.add: episode rows (${rowO} obs, ${rowA} action values) are narrower than task ${t.name} (${t.obsDim}, ${t.actionDim})`);
    const O = t.obsDim;
    const A = t.actionDim;
    const payload = new Float32Array(L * (O + A + 1));
    for (let l = 0; l < L; l++) {
      payload.set(ep.obs.subarray(l * rowO, l * rowO + O), l * O);
      payload.set(ep.action.subarray(l * rowA, l * rowA + A), L * O + l * A);
    }
    payload.set(ep.reward, L * (O + A));
    const bytes = new Uint8Array(payload.buffer);
    if (this.#fd === null || this.#fileBytes + RECORD_HEADER_BYTES + bytes.length > this.maxFileBytes) this.#nextFile();
    const h = this.#header;
    h.writeUInt32LE(EPISODE_MAGIC, 0);
    h.writeUInt32LE(DATASET_VERSION, 4);
    h.writeUInt32LE(task, 8);
    h.writeUInt32LE(L, 12);
    h.writeUInt32LE(O, 16);
    h.writeUInt32LE(A, 20);
    h.writeUInt32LE(crc32(bytes), 24);
    h.writeUInt32LE(0, 28);
    writeSync(this.#fd!, h);
    writeSync(this.#fd!, bytes);
    this.#fileBytes += RECORD_HEADER_BYTES + bytes.length;
    this.#episodes += 1;
    this.#entries += L;
  }

  #nextFile(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = openSync(join(this.dir, fileName(this.#fileIndex++)), 'wx');
    this.#fileBytes = 0;
  }

  /** Flushes and closes the current file and records the counts in the manifest. */
  close(): void {
    if (this.#fd !== null) {
      fsyncSync(this.#fd);
      closeSync(this.#fd);
      this.#fd = null;
    }
    this.#writeManifest();
  }
}

/**
 * Streams the episodes of a dataset, file by file, record by record, reading through a buffer of
 * `chunkBytes` (a record larger than that is assembled from several reads). Each record's CRC is
 * checked. Memory use is one chunk plus one episode.
 */
export async function* readEpisodes(dir: string, opts: { chunkBytes?: number } = {}): AsyncGenerator<DatasetEpisode> {
  const manifest = readManifest(dir);
  const chunkBytes = opts.chunkBytes ?? 8 * 2 ** 20;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`readEpisodes: chunkBytes: expected a positive integer, got ${chunkBytes}`);
  const chunk = Buffer.alloc(chunkBytes);
  for (const path of datasetFiles(dir)) {
    const fh = await open(path, 'r');
    try {
      let pending = Buffer.alloc(0); // bytes read but not consumed
      let position = 0; // file offset of the next read
      let recordAt = 0; // file offset of pending[0]
      let eof = false;
      // Makes at least n bytes available in `pending` (false at the end of the file).
      const need = async (n: number): Promise<boolean> => {
        while (pending.length < n && !eof) {
          const { bytesRead } = await fh.read(chunk, 0, chunkBytes, position);
          if (bytesRead === 0) eof = true;
          position += bytesRead;
          pending = pending.length === 0 ? Buffer.from(chunk.subarray(0, bytesRead)) : Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
        }
        return pending.length >= n;
      };
      for (;;) {
        if (!(await need(RECORD_HEADER_BYTES))) {
          if (pending.length > 0) throw new RangeError(`${path}: truncated record header at byte ${recordAt}`);
          break;
        }
        if (pending.readUInt32LE(0) !== EPISODE_MAGIC) throw new RangeError(`${path}: no episode record at byte ${recordAt} (bad magic)`);
        const version = pending.readUInt32LE(4);
        if (version !== DATASET_VERSION) throw new RangeError(`${path}: record version ${version} at byte ${recordAt} is not supported`);
        const task = pending.readUInt32LE(8);
        const L = pending.readUInt32LE(12);
        const O = pending.readUInt32LE(16);
        const A = pending.readUInt32LE(20);
        const crc = pending.readUInt32LE(24);
        const t = manifest.tasks[task];
        if (!t) throw new RangeError(`${path}: record at byte ${recordAt} has task id ${task}, but the manifest lists ${manifest.tasks.length} tasks`);
        if (O !== t.obsDim || A !== t.actionDim || L < 1)
          throw new RangeError(`${path}: record at byte ${recordAt}: dims (L ${L}, obs ${O}, action ${A}) do not match task ${t.name} (obs ${t.obsDim}, action ${t.actionDim})`);
        const n = RECORD_HEADER_BYTES + 4 * L * (O + A + 1);
        if (!(await need(n))) throw new RangeError(`${path}: truncated episode record at byte ${recordAt} (${pending.length} of ${n} bytes)`);
        const bytes = new Uint8Array(4 * L * (O + A + 1));
        bytes.set(pending.subarray(RECORD_HEADER_BYTES, n));
        if (crc32(bytes) !== crc) throw new RangeError(`${path}: episode record at byte ${recordAt} is corrupted (CRC-32 mismatch)`);
        const f = new Float32Array(bytes.buffer);
        yield { task, obsDim: O, actionDim: A, obs: f.subarray(0, L * O), action: f.subarray(L * O, L * (O + A)), reward: f.subarray(L * (O + A)) };
        pending = pending.subarray(n);
        recordAt += n;
      }
    } finally {
      await fh.close();
    }
  }
}

/**
 * An episode widened to an agent's padded dims (SPEC §11: observations zero-padded to the
 * largest task, actions zero beyond the task's dims; entry 0's action stays NaN).
 */
export function padEpisode(ep: DatasetEpisode, obsDim: number, actionDim: number): { obs: Float32Array; action: Float32Array; reward: Float32Array } {
  if (ep.obsDim > obsDim || ep.actionDim > actionDim)
    throw new RangeError(`padEpisode: the episode's dims (${ep.obsDim}, ${ep.actionDim}) exceed the agent's (${obsDim}, ${actionDim})`);
  const L = ep.reward.length;
  if (ep.obsDim === obsDim && ep.actionDim === actionDim) return { obs: ep.obs, action: ep.action, reward: ep.reward };
  const obs = new Float32Array(L * obsDim);
  const action = new Float32Array(L * actionDim);
  for (let l = 0; l < L; l++) {
    obs.set(ep.obs.subarray(l * ep.obsDim, (l + 1) * ep.obsDim), l * obsDim);
    action.set(ep.action.subarray(l * ep.actionDim, (l + 1) * ep.actionDim), l * actionDim);
  }
  action.fill(Number.NaN, 0, actionDim);
  return { obs, action, reward: ep.reward };
}
