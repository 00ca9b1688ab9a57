// Agent checkpoints in safetensors: every network's parameters (and the target Qs) under their
// names, plus — for training checkpoints — both optimisers' moments and each MPPI planner's
// warm-start means; the config, the running scale, the optimiser step counts and the RNG
// positions (the planners' per-environment ones included) go in the string metadata. Written
// atomically (temp file + rename) so a crash never leaves a half-written checkpoint.
import { crc32 } from 'node:zlib';

import type { ResolvedConfig, TdMpc2Options } from '../config.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readSafeTensors, serializeSafeTensors, type SafeTensor } from '../io/safetensors.js';
import type { RngState, RngStream } from '../nn/rng.js';
import type { WorldModel } from '../model/world-model.js';
import type { Planner } from './planner.js';
import type { Updater } from './update.js';

export const CHECKPOINT_FORMAT = 'tdmpc2-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface TrainingState {
  scale: number;
  optimStep: number;
  piOptimStep: number;
  rng: Record<string, RngState>;
  /** The agent's planners (one per batch size used): each environment's Philox address. Their
   * warm-start means are the tensors `planner.<batch>.mean` [batch, horizon, actionDim]. Absent in
   * checkpoints written before planners were saved. */
  planners?: PlannerState[];
}

export interface PlannerState {
  batch: number;
  rng: RngState[];
}

export interface CheckpointContents {
  /** The options the agent was built from (resolveConfig(options) rebuilds its config). */
  options: TdMpc2Options;
  /** The resolved config, for information. */
  config: ResolvedConfig;
  tensors: Map<string, SafeTensor>;
  training: TrainingState | null;
  /** Free-form extra metadata (the trainer's step counters, ...). */
  extra: Record<string, unknown>;
}

export function collectTensors(model: WorldModel, updater: Updater | null): Map<string, SafeTensor> {
  const out = new Map<string, SafeTensor>();
  for (const group of model.paramGroups) for (const [k, v] of group.exportTensors(group.name)) out.set(k, v);
  for (const [k, v] of model.targetQs.exportTensors('target_qs')) out.set(k, v);
  // Multitask: the masks follow from the task list in the options; stored for readers of the file.
  if (model.tasks) out.set('action_masks', { shape: [...model.tasks.masks.shape], data: model.tasks.masks.toArray() });
  if (updater) {
    for (const [prefix, opt] of [['optim', updater.optim], ['pi_optim', updater.piOptim]] as const) {
      const s = opt.state();
      opt.groups.forEach((g, i) => {
        out.set(`${prefix}.m.${g.name}`, { shape: [s.m[i]!.length], data: s.m[i]! });
        out.set(`${prefix}.v.${g.name}`, { shape: [s.v[i]!.length], data: s.v[i]! });
      });
    }
  }
  return out;
}

/** CRC-32 of the tensors' data in file order (sorted names), to detect corrupted data sections. */
export function tensorsCrc32(tensors: ReadonlyMap<string, SafeTensor>): number {
  let crc = 0;
  for (const name of [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const d = tensors.get(name)!.data;
    crc = crc32(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), crc);
  }
  return crc;
}

const plannerMeanKey = (batch: number) => `planner.${batch}.mean`;

/**
 * Writes a checkpoint. With an updater it is a training checkpoint: optimiser moments, running
 * scale and the positions of the update's RNG streams plus `rng` (the acting streams), and the
 * state of `planners` (warm-start means, per-environment Philox addresses).
 */
export async function writeCheckpoint(
  path: string,
  options: TdMpc2Options,
  model: WorldModel,
  updater: Updater | null,
  extra: Record<string, unknown> = {},
  rng: Record<string, RngStream> = {},
  planners: readonly Planner[] = [],
): Promise<void> {
  const training: TrainingState | null = updater && {
    scale: updater.scale.value,
    optimStep: updater.optim.stepCount,
    piOptimStep: updater.piOptim.stepCount,
    rng: Object.fromEntries(Object.entries({ ...updater.rng, ...rng }).map(([k, r]) => [k, r.state()])),
    planners: planners.map((p) => ({ batch: p.batch, rng: p.rngState() })),
  };
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    version: String(CHECKPOINT_VERSION),
    options: JSON.stringify(options),
    config: JSON.stringify(model.cfg),
    extra: JSON.stringify(extra),
  };
  if (training) metadata.training = JSON.stringify(training);
  const tensors = collectTensors(model, updater);
  if (training)
    for (const p of planners) tensors.set(plannerMeanKey(p.batch), { shape: [p.batch, model.cfg.horizon, model.cfg.actionDim], data: p.mean() });
  metadata.crc32 = String(tensorsCrc32(tensors));
  const bytes = serializeSafeTensors(tensors, metadata);
  await writeFileAtomic(path, bytes, 'checkpoint');
}

export async function readCheckpoint(path: string): Promise<CheckpointContents> {
  const f = await readSafeTensors(path);
  const meta = f.metadata;
  if (meta.format !== CHECKPOINT_FORMAT)
    throw new RangeError(`${path}: not a tdmpc2 checkpoint (format ${JSON.stringify(meta.format ?? null)})`);
  if (Number(meta.version) !== CHECKPOINT_VERSION)
    throw new RangeError(`${path}: checkpoint version ${meta.version} is not supported (this build reads ${CHECKPOINT_VERSION})`);
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(meta[key]!);
    } catch {
      throw new RangeError(`${path}: corrupted checkpoint metadata "${key}"`);
    }
  };
  if (meta.crc32 !== undefined && Number(meta.crc32) !== tensorsCrc32(f.tensors))
    throw new RangeError(`${path}: corrupted checkpoint: the tensor data does not match its CRC-32`);
  return {
    options: parse('options') as TdMpc2Options,
    config: parse('config') as ResolvedConfig,
    tensors: f.tensors,
    training: meta.training ? (parse('training') as TrainingState) : null,
    extra: meta.extra ? (parse('extra') as Record<string, unknown>) : {},
  };
}

/**
 * Loads parameters (and, when present and wanted, the training state) into model and updater;
 * `rng` are the acting streams saved next to the update's, `planner(batch)` the agent's planner
 * for a batch size, which receives the saved planner state.
 */
export function restoreCheckpoint(
  path: string,
  c: CheckpointContents,
  model: WorldModel,
  updater: Updater | null,
  rng: Record<string, RngStream> = {},
  planner: ((batch: number) => Planner) | null = null,
): void {
  for (const group of model.paramGroups) group.importTensors(c.tensors, group.name, path);
  model.targetQs.importTensors(c.tensors, 'target_qs', path);
  if (model.tasks) {
    const stored = c.tensors.get('action_masks');
    const want = model.tasks.masks.toArray();
    if (!stored || stored.data.length !== want.length || stored.data.some((v, i) => v !== want[i]))
      throw new RangeError(`${path}: the stored action_masks do not match the checkpoint's task list`);
  }
  if (!updater || !c.training) return;
  for (const [prefix, opt, step] of [
    ['optim', updater.optim, c.training.optimStep],
    ['pi_optim', updater.piOptim, c.training.piOptimStep],
  ] as const) {
    const get = (kind: 'm' | 'v', name: string) => {
      const t = c.tensors.get(`${prefix}.${kind}.${name}`);
      if (!t) throw new RangeError(`${path}: missing optimiser state "${prefix}.${kind}.${name}"`);
      return t.data;
    };
    opt.loadState({ step, m: opt.groups.map((g) => get('m', g.name!)), v: opt.groups.map((g) => get('v', g.name!)) });
  }
  updater.scale.value = c.training.scale;
  for (const [k, r] of Object.entries({ ...updater.rng, ...rng })) {
    const s = c.training.rng[k];
    if (!s) throw new RangeError(`${path}: missing RNG state "${k}"`);
    r.restore(s);
  }
  if (!planner) return;
  const { horizon, actionDim } = model.cfg;
  for (const st of c.training.planners ?? []) {
    const key = plannerMeanKey(st.batch);
    const mean = c.tensors.get(key);
    if (!Number.isSafeInteger(st.batch) || st.batch < 1 || !Array.isArray(st.rng) || st.rng.length !== st.batch)
      throw new RangeError(`${path}: corrupted planner state for batch ${JSON.stringify(st.batch)}`);
    if (!mean || mean.data.length !== st.batch * horizon * actionDim)
      throw new RangeError(`${path}: ${key}: expected ${st.batch}×${horizon}×${actionDim} warm-start means, got ${mean ? mean.data.length : 'none'}`);
    const p = planner(st.batch);
    p.setMean(mean.data);
    p.setRngState(st.rng);
  }
}
