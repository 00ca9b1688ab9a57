// The episode dataset format (lib/io/dataset.ts, docs/datasets.md): written episode by episode,
// read back identically through a read buffer much smaller than a file and than one record,
// across several files; appending, corruption and mismatches are errors naming the file.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { DatasetWriter, datasetFiles, padEpisode, readEpisodes, readManifest, RECORD_HEADER_BYTES, type DatasetEpisode } from '../../lib/io/dataset.js';
import { ReplayBuffer } from '../../lib/train/replay-buffer.js';
import { rng } from '../helpers/random.js';

const root = mkdtempSync(join(tmpdir(), 'tdmpc2-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TASKS = [
  { name: 'a', obsDim: 3, actionDim: 1, episodeLength: 20 },
  { name: 'b', obsDim: 5, actionDim: 2, episodeLength: 20 },
];

/** An episode of L entries in the replay convention, rows padded to (O, A) (a multitask buffer's). */
function episode(L: number, O: number, A: number, seed: number) {
  const r = rng(seed);
  const obs = Float32Array.from({ length: L * O }, () => 2 * r() - 1);
  const action = Float32Array.from({ length: L * A }, (_, i) => (i < A ? Number.NaN : 2 * r() - 1));
  const reward = Float32Array.from({ length: L }, (_, i) => (i === 0 ? Number.NaN : r()));
  return { obs, action, reward };
}

async function readAll(dir: string, chunkBytes: number): Promise<DatasetEpisode[]> {
  const out: DatasetEpisode[] = [];
  for await (const ep of readEpisodes(dir, { chunkBytes })) out.push({ ...ep, obs: ep.obs.slice(), action: ep.action.slice(), reward: ep.reward.slice() });
  return out;
}

describe('dataset', () => {
  const dir = join(root, 'd1');
  // 12 episodes over two tasks, written from padded rows (O 5, A 2), in files of ≤ 2 KB.
  const written = Array.from({ length: 12 }, (_, k) => ({ task: k % 2, ep: episode(21, 5, 2, k + 1) }));
  const w = new DatasetWriter(dir, TASKS, { maxFileBytes: 2048 });
  for (const { task, ep } of written) w.add(ep, task);
  w.close();

  test('the manifest and the files', () => {
    const m = readManifest(dir);
    expect(m.tasks).toEqual(TASKS);
    expect(m.episodes).toBe(12);
    expect(m.entries).toBe(12 * 21);
    const files = datasetFiles(dir);
    expect(files.length).toBeGreaterThan(2);
    const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
    // Stored at each task's own dims: header + 21·(O + A + 1) floats per episode.
    expect(bytes).toBe(6 * (RECORD_HEADER_BYTES + 4 * 21 * (3 + 1 + 1)) + 6 * (RECORD_HEADER_BYTES + 4 * 21 * (5 + 2 + 1)));
  });

  test('read back in chunks smaller than a record (and than a file): identical episodes', async () => {
    const record = RECORD_HEADER_BYTES + 4 * 21 * 4;
    for (const chunk of [7, 100, record - 1, 1 << 20]) {
      const back = await readAll(dir, chunk);
      expect(back.length).toBe(12);
      back.forEach((ep, k) => {
        const { task, ep: want } = written[k]!;
        const t = TASKS[task]!;
        expect(ep.task).toBe(task);
        expect([ep.obsDim, ep.actionDim]).toEqual([t.obsDim, t.actionDim]);
        for (let l = 0; l < 21; l++) {
          expect(Array.from(ep.obs.subarray(l * t.obsDim, (l + 1) * t.obsDim))).toEqual(Array.from(want.obs.subarray(l * 5, l * 5 + t.obsDim)));
          expect(Array.from(ep.action.subarray(l * t.actionDim, (l + 1) * t.actionDim))).toEqual(Array.from(want.action.subarray(l * 2, l * 2 + t.actionDim)));
        }
        expect(Array.from(ep.reward)).toEqual(Array.from(want.reward));
      });
    }
  });

  test('padEpisode widens to the agent dims and feeds a multitask replay buffer', async () => {
    const buffer = new ReplayBuffer({ capacity: 1000, obsDim: 5, actionDim: 2, horizon: 3, batchSize: 8, multitask: true });
    for await (const ep of readEpisodes(dir, { chunkBytes: 64 })) {
      const p = padEpisode(ep, 5, 2);
      if (ep.task === 0) {
        expect(p.obs[3]).toBe(0);
        expect(p.obs[4]).toBe(0);
        expect(p.action[2 + 1]).toBe(0); // entry 1, dim 1: beyond task a's single action dim
      }
      buffer.addEpisode(p, ep.task);
    }
    const batch = buffer.sample();
    expect(batch.task!.length).toBe(8);
    expect(batch.task!.every((t) => t === 0 || t === 1)).toBe(true);
    buffer.dispose();
  });

  test('appending continues the dataset; another task list is refused', async () => {
    const w2 = new DatasetWriter(dir, TASKS, { maxFileBytes: 2048 });
    w2.add(episode(21, 5, 2, 99), 1);
    w2.close();
    expect(readManifest(dir).episodes).toBe(13);
    expect((await readAll(dir, 4096)).length).toBe(13);
    expect(() => new DatasetWriter(dir, [TASKS[0]!])).toThrow(/cannot append/);
  });

  test('a corrupted or truncated record is an error naming the file and offset', async () => {
    const bad = join(root, 'bad');
    const wb = new DatasetWriter(bad, TASKS);
    wb.add(episode(21, 5, 2, 5), 1);
    wb.add(episode(21, 5, 2, 6), 1);
    wb.close();
    const [file] = datasetFiles(bad);
    const bytes = readFileSync(file!);
    bytes[RECORD_HEADER_BYTES + 10]! ^= 0xff;
    writeFileSync(file!, bytes);
    await expect(readAll(bad, 50)).rejects.toThrow(/episodes-00000\.bin: episode record at byte 0 is corrupted/);
    bytes[RECORD_HEADER_BYTES + 10]! ^= 0xff;
    writeFileSync(file!, bytes.subarray(0, bytes.length - 3));
    await expect(readAll(bad, 50)).rejects.toThrow(/truncated episode record at byte \d+/);
    await expect(readAll(join(root, 'nothing'), 50)).rejects.toThrow(/dataset\.json/);
  });
});
