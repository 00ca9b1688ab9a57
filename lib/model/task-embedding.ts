// The multitask parts of the world model (SPEC §11; official world_model.py `_task_emb`,
// `_action_masks`): a learnable Embedding(numTasks, taskDim, max_norm=1) and the per-task action
// masks (1 on the task's first A_task dims, 0 on the padding).
//
// torch's Embedding(max_norm=1) renormalises, on every lookup and in place, each looked-up row
// whose L2 norm exceeds 1: row ← row · (1/(‖row‖ + 1e-7)) (embedding_renorm_). The gradient of
// a lookup flows to the (renormalised) rows as a plain gather's would (scatter-add); the
// renormalisation itself is not differentiated. lookup() does exactly that, on the host: the
// table is numTasks × taskDim, a few KB.
import type { Device } from '../nn/device.js';
import { Var, type Graph } from '../nn/graph.js';
import { ParamGroup } from '../nn/params.js';
import { Tensor } from '../nn/tensor.js';

/** SPEC §3: Embedding ~ U(−0.02, 0.02) (official init.weight_init). */
export const EMBEDDING_INIT = Object.freeze({ kind: 'uniform', low: -0.02, high: 0.02 } as const);

/** The task inputs of a batch of rows: the looked-up embeddings and the action masks. */
export interface TaskRows {
  /** [M, taskDim] embedding of each row's task (differentiable into the table). */
  emb: Var;
  /** [M, A] action mask of each row's task. */
  mask: Tensor;
}

export class TaskEmbedding {
  readonly numTasks: number;
  readonly taskDim: number;
  readonly actionDim: number;
  /** The table [numTasks, taskDim] (one Adam group, 'task_emb'). */
  readonly params: ParamGroup;
  /** [numTasks, A]: 1 on the valid action dims of each task. */
  readonly masks: Tensor;
  readonly #maskHost: Float32Array;
  readonly #table: Float32Array;
  readonly #grad: Float32Array;
  readonly #seen: Uint8Array;
  #rows = new Float32Array(0);
  #maskRows = new Float32Array(0);

  constructor(actionDims: readonly number[], taskDim: number, actionDim: number, device: Device) {
    this.numTasks = actionDims.length;
    this.taskDim = taskDim;
    this.actionDim = actionDim;
    this.params = new ParamGroup('task_emb', [{ name: 'weight', shape: [this.numTasks, taskDim], init: EMBEDDING_INIT }], device);
    this.#maskHost = new Float32Array(this.numTasks * actionDim);
    actionDims.forEach((a, i) => this.#maskHost.fill(1, i * actionDim, i * actionDim + a));
    this.masks = Tensor.from(this.#maskHost, [this.numTasks, actionDim], device);
    this.#table = new Float32Array(this.numTasks * taskDim);
    this.#grad = new Float32Array(this.numTasks * taskDim);
    this.#seen = new Uint8Array(this.numTasks);
  }

  /** The mask of task `id` [A] (a copy). */
  mask(id: number): Float32Array {
    return this.#maskHost.slice(id * this.actionDim, (id + 1) * this.actionDim);
  }

  #checkIds(op: string, ids: ArrayLike<number>): void {
    for (let m = 0; m < ids.length; m++) {
      const id = ids[m]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.numTasks)
        throw new RangeError(`${op}: task id at row ${m}: expected an integer in [0, ${this.numTasks - 1}], got ${id}`);
    }
  }

  /**
   * max_norm renormalisation of the rows `ids` reads, in place in the parameter table (what
   * torch does at each lookup). Leaves the table in this.#table.
   */
  renorm(ids: ArrayLike<number>): void {
    this.#checkIds('TaskEmbedding.renorm', ids);
    const T = this.taskDim;
    const table = this.params.data.toArray(this.#table);
    let changed = false;
    const done = this.#seen.fill(0); // no allocation: the planner renormalises on every call
    for (let m = 0; m < ids.length; m++) {
      const id = ids[m]!;
      if (done[id]) continue;
      done[id] = 1;
      let sq = 0;
      for (let k = 0; k < T; k++) sq += table[id * T + k]! ** 2;
      const norm = Math.fround(Math.sqrt(sq)); // torch: a float32 norm, read as a double
      if (norm > 1) {
        const scale = Math.fround(1 / (norm + 1e-7)); // row *= scale: a float32 multiply
        for (let k = 0; k < T; k++) table[id * T + k] = Math.fround(table[id * T + k]! * scale);
        changed = true;
      }
    }
    if (changed) this.params.data.write(table);
  }

  /**
   * Looks up the rows `ids` (after the max-norm renormalisation) into a graph Var [M, T], with
   * the matching mask rows [M, A]. Gradients reaching the Var are added into the table's grad
   * (accumulated, never overwritten: HEAD leaves the policy loss's embedding gradient in place
   * until the next world-model step, and so does this).
   */
  lookup(g: Graph, ids: ArrayLike<number>): TaskRows {
    this.renorm(ids);
    const M = ids.length;
    const T = this.taskDim;
    const A = this.actionDim;
    if (this.#rows.length < M * T) this.#rows = new Float32Array(M * T);
    if (this.#maskRows.length < M * A) this.#maskRows = new Float32Array(M * A);
    const rows = this.#rows.subarray(0, M * T);
    const maskRows = this.#maskRows.subarray(0, M * A);
    for (let m = 0; m < M; m++) {
      const id = ids[m]!;
      rows.set(this.#table.subarray(id * T, (id + 1) * T), m * T);
      maskRows.set(this.#maskHost.subarray(id * A, (id + 1) * A), m * A);
    }
    const emb = new Var(g.tensor([M, T]).write(rows), g.gradEnabled);
    const mask = g.tensor([M, A]).write(maskRows);
    if (emb.requiresGrad) {
      const idsCopy = Int32Array.from(ids);
      g.record(() => {
        if (emb.grad === null) return;
        const d = emb.grad.toArray();
        const grad = this.params.grad!.toArray(this.#grad);
        for (let m = 0; m < M; m++) {
          const id = idsCopy[m]!;
          for (let k = 0; k < T; k++) grad[id * T + k] = Math.fround(grad[id * T + k]! + d[m * T + k]!);
        }
        this.params.grad!.write(grad);
      });
    }
    return { emb, mask };
  }

  dispose(): void {
    this.params.dispose();
    this.masks.dispose();
  }
}
