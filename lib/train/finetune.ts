// Few-shot finetuning of a multitask checkpoint on a new or held-out task (the TD-MPC2 paper's
// finetuning experiment; the official code has no finetuning path, so this follows the paper:
// start from the pretrained world model and continue online training on the new task).
//
// The new task joins the checkpoint's task list as the last task id: every network keeps its
// pretrained weights (input sizes are the model's: the new task's obs/action dims must not
// exceed them; smaller ones are zero-padded/masked as for any task), the pretrained tasks keep
// their embedding rows, and the new task's row starts as a fresh nn.Embedding row does in the
// official initialisation (init.weight_init: U(−0.02, 0.02)). A task already in the list keeps
// its id and its learned row. Optimiser state starts fresh. `scratch: true` builds the same
// architecture with every parameter freshly initialised: the control of the comparison.
import { TDMPC2 } from '../agent/agent.js';
import { readCheckpoint } from '../agent/checkpoint.js';
import { multitaskShape, type TaskShape, type TdMpc2Options } from '../config.js';

export interface FinetuneSetup {
  agent: TDMPC2;
  /** The task's id in agent.cfg.tasks. */
  taskId: number;
}

/**
 * A multitask agent for finetuning on `task`, from the checkpoint at `path` (or, with
 * `scratch`, the same architecture untrained). `overrides` change config keys that do not touch
 * the architecture (steps, seed, device, batchSize, mpc, ...).
 */
export async function finetuneAgent(
  path: string,
  task: TaskShape,
  opts: { scratch?: boolean; overrides?: Partial<TdMpc2Options> } = {},
): Promise<FinetuneSetup> {
  const c = await readCheckpoint(path);
  const old = c.config.tasks;
  if (!old) throw new RangeError(`${path}: not a multitask checkpoint (no task list); finetuning starts from a multitask model`);
  const { obsDim, actionDim } = c.config;
  if (task.obsDim > obsDim || task.actionDim > actionDim)
    throw new RangeError(`finetune: task ${task.name} has obs/action dims (${task.obsDim}, ${task.actionDim}); the checkpoint's model takes at most (${obsDim}, ${actionDim})`);
  let taskId = old.findIndex((t) => t.name === task.name);
  const tasks: TaskShape[] = old.map((t) => ({ ...t }));
  if (taskId < 0) {
    tasks.push({ ...task });
    taskId = tasks.length - 1;
  } else if (old[taskId]!.obsDim !== task.obsDim || old[taskId]!.actionDim !== task.actionDim) {
    throw new RangeError(`finetune: ${path} knows task ${task.name} with dims (${old[taskId]!.obsDim}, ${old[taskId]!.actionDim}), not (${task.obsDim}, ${task.actionDim})`);
  }
  const shape = multitaskShape(tasks);
  const agent = new TDMPC2({ ...c.options, ...opts.overrides, ...shape, obsDim, actionDim, tasks } as TdMpc2Options);
  if (opts.scratch) return { agent, taskId };
  try {
    const m = agent.model;
    for (const net of m.nets) net.params.importTensors(c.tensors, net.name, path);
    m.targetQs.importTensors(c.tensors, 'target_qs', path);
    const stored = c.tensors.get('task_emb.weight');
    const T = agent.cfg.taskDim;
    if (!stored || stored.shape[0] !== old.length || stored.shape[1] !== T)
      throw new RangeError(`${path}: missing or mis-shaped tensor "task_emb.weight" (expected [${old.length}, ${T}])`);
    const table = m.tasks!.params.data.toArray();
    table.set(stored.data); // pretrained rows; a new task's row keeps its fresh U(−0.02, 0.02) init
    m.tasks!.params.data.write(table);
  } catch (e) {
    agent.dispose();
    throw e;
  }
  return { agent, taskId };
}
