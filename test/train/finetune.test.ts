// finetuneAgent (lib/train/finetune.ts): a multitask checkpoint extended by a new task keeps every
// pretrained weight and embedding row, the new row starts as a fresh U(−0.02, 0.02) row; a known
// task keeps its id; --scratch is the same architecture untrained; shape limits are enforced.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { TDMPC2 } from '../../lib/agent/agent.js';
import type { TaskShape, TdMpc2Options } from '../../lib/config.js';
import { finetuneAgent } from '../../lib/train/finetune.js';

const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-finetune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TASKS: TaskShape[] = [
  { name: 'cartpole-swingup', obsDim: 5, actionDim: 1, episodeLength: 500 },
  { name: 'reacher-easy', obsDim: 6, actionDim: 2, episodeLength: 500 },
];
const SMALL = { latentDim: 16, mlpDim: 24, encDim: 20, numQ: 2, taskDim: 4, mpc: false, device: 'cpu' } as const;

describe('finetuneAgent', async () => {
  const base = new TDMPC2({ ...SMALL, obsDim: 6, actionDim: 2, episodeLength: 500, tasks: TASKS, seed: 3 } as TdMpc2Options);
  const path = join(dir, 'mt.safetensors');
  await base.save(path);
  afterAll(() => base.dispose());

  test('a new task: pretrained weights and rows kept, a fresh row for it', async () => {
    const { agent, taskId } = await finetuneAgent(path, { name: 'pendulum-swingup', obsDim: 3, actionDim: 1, episodeLength: 500 }, { overrides: { seed: 9 } });
    expect(taskId).toBe(2);
    expect(agent.cfg.tasks!.map((t) => t.name)).toEqual(['cartpole-swingup', 'reacher-easy', 'pendulum-swingup']);
    expect([agent.cfg.obsDim, agent.cfg.actionDim]).toEqual([6, 2]);
    for (const net of agent.model.nets) expect(Array.from(net.params.data.toArray()), net.name).toEqual(Array.from(base.model.nets.find((n) => n.name === net.name)!.params.data.toArray()));
    expect(Array.from(agent.model.targetQs.data.toArray())).toEqual(Array.from(base.model.targetQs.data.toArray()));
    const table = agent.model.tasks!.params.data.toArray();
    const old = base.model.tasks!.params.data.toArray();
    expect(Array.from(table.subarray(0, 8))).toEqual(Array.from(old));
    const fresh = table.subarray(8);
    expect(fresh.every((x) => Math.abs(x) <= 0.02)).toBe(true);
    expect(fresh.some((x) => x !== 0)).toBe(true);
    expect(Array.from(agent.model.tasks!.mask(2))).toEqual([1, 0]);
    agent.dispose();
  });

  test('a known task keeps its id and row; scratch is untrained; too-large dims are refused', async () => {
    const known = await finetuneAgent(path, TASKS[1]!);
    expect(known.taskId).toBe(1);
    expect(known.agent.cfg.numTasks).toBe(2);
    expect(Array.from(known.agent.model.tasks!.params.data.toArray())).toEqual(Array.from(base.model.tasks!.params.data.toArray()));
    known.agent.dispose();
    const scratch = await finetuneAgent(path, { name: 'pendulum-swingup', obsDim: 3, actionDim: 1, episodeLength: 500 }, { scratch: true, overrides: { seed: 9 } });
    expect(Array.from(scratch.agent.model.encoder.params.data.toArray())).not.toEqual(Array.from(base.model.encoder.params.data.toArray()));
    expect(scratch.agent.model.encoder.inDim).toBe(base.model.encoder.inDim);
    scratch.agent.dispose();
    await expect(finetuneAgent(path, { name: 'cheetah-run', obsDim: 17, actionDim: 6, episodeLength: 500 })).rejects.toThrow(/at most \(6, 2\)/);
  });
});
