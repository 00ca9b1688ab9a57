// What a training checkpoint holds besides the agent: the replay buffer (its own safetensors file,
// named after the step so a crash between the two writes never pairs a checkpoint with the wrong
// buffer), the environments' states and the trainer's counters (in the agent checkpoint's `extra`).
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

import { tensorsCrc32 } from '../agent/checkpoint.js';
import type { EnvState, VectorEnv } from '../envs/types.js';
import { DmcVectorEnv } from '../envs/vector-env.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readSafeTensors, serializeSafeTensors } from '../io/safetensors.js';
import type { RngState } from '../nn/rng.js';
import type { ReplayBuffer, ReplayMeta } from './replay-buffer.js';

export const REPLAY_FORMAT = 'tdmpc2-replay';
export const REPLAY_VERSION = 1;

/** The trainer's counters and positions, stored in the checkpoint's `extra`. */
export interface TrainerState {
  task: string;
  /** Environment steps taken (over all copies). */
  step: number;
  /** Training episodes finished (over all copies). */
  episode: number;
  /** Gradient updates done. */
  updates: number;
  numEnvs: number;
  seedSteps: number;
  /** The replay buffer file next to the checkpoint. */
  replayFile: string;
  /** Stream of the seeding phase's uniform actions. */
  seedActionsRng: RngState;
  /** The training copies at the episode boundary where the checkpoint was taken (see envStateFormat). */
  envStates: unknown[];
  /** The evaluation copies (their random streams continue across evaluations). */
  evalEnvStates: unknown[] | null;
  /**
   * How envStates are stored: `dmc` (JsonEnvState, the built-in tasks; also when absent), `json`
   * (a user env's getState() results as JSON), `none` (the env has no getState: not restored).
   */
  envStateFormat?: EnvStateFormat;
  /** The last step an evaluation ran at (−1: none yet). */
  lastEvalStep: number;
  /** Wall seconds trained before this checkpoint (for steps/s and elapsed across resumes). */
  elapsed: number;
}

/** EnvState with plain arrays (JSON round-trips doubles and float32s exactly). */
export interface JsonEnvState {
  task: string;
  physics: number[];
  taskParameters: number[];
  rng: number[];
  elapsedSteps: number;
  observation: number[];
}

export function envStateToJson(s: EnvState): JsonEnvState {
  return {
    task: s.task,
    physics: Array.from(s.physics),
    taskParameters: Array.from(s.taskParameters),
    rng: Array.from(s.rng),
    elapsedSteps: s.elapsedSteps,
    observation: Array.from(s.observation),
  };
}

export function envStateFromJson(s: JsonEnvState, source: string): EnvState {
  if (s === null || typeof s !== 'object' || !Array.isArray(s.physics) || !Array.isArray(s.rng))
    throw new RangeError(`${source}: corrupted environment state in the checkpoint`);
  return {
    task: s.task,
    physics: Float64Array.from(s.physics),
    taskParameters: Float64Array.from(s.taskParameters),
    rng: Uint32Array.from(s.rng),
    elapsedSteps: s.elapsedSteps,
    observation: Float32Array.from(s.observation),
  };
}

export type EnvStateFormat = 'dmc' | 'json' | 'none';

/** How the states of `envs` are checkpointed. */
export function envStateFormat(envs: VectorEnv): EnvStateFormat {
  if (envs instanceof DmcVectorEnv) return 'dmc';
  return typeof envs.getState === 'function' && typeof envs.setState === 'function' ? 'json' : 'none';
}

/** The states of `envs` in the checkpoint's form (null for `none`). */
export function saveEnvStates(envs: VectorEnv, format: EnvStateFormat): unknown[] | null {
  if (format === 'dmc') return (envs as DmcVectorEnv).getState().map(envStateToJson);
  if (format === 'json') return JSON.parse(JSON.stringify(envs.getState!())) as unknown[];
  return null;
}

/** Restores states saved by {@link saveEnvStates} (nothing for `none`: the envs start fresh episodes). */
export function restoreEnvStates(envs: VectorEnv, states: unknown[] | null, format: EnvStateFormat, source: string): void {
  if (format === 'none' || states === null) return;
  if (format === 'dmc') (envs as DmcVectorEnv).setState(states.map((s) => envStateFromJson(s as JsonEnvState, source)));
  else if (typeof envs.setState === 'function') envs.setState(states);
}

export function replayFileName(step: number): string {
  return `replay-${String(step).padStart(10, '0')}.safetensors`;
}

/** Writes the buffer's snapshot atomically (temp file + rename). */
export async function writeReplay(path: string, buffer: ReplayBuffer, step: number): Promise<void> {
  const { tensors, meta } = buffer.snapshot();
  const bytes = serializeSafeTensors(tensors, {
    format: REPLAY_FORMAT,
    version: String(REPLAY_VERSION),
    step: String(step),
    meta: JSON.stringify(meta),
    crc32: String(tensorsCrc32(tensors)),
  });
  await writeFileAtomic(path, bytes, 'the replay buffer');
}

/** Reads a replay file into `buffer`, checking it belongs to the checkpoint's step. */
export async function readReplay(path: string, buffer: ReplayBuffer, step: number): Promise<void> {
  const f = await readSafeTensors(path);
  const m = f.metadata;
  if (m.format !== REPLAY_FORMAT) throw new RangeError(`${path}: not a tdmpc2 replay buffer file (format ${JSON.stringify(m.format ?? null)})`);
  if (Number(m.version) !== REPLAY_VERSION) throw new RangeError(`${path}: replay version ${m.version} is not supported (this build reads ${REPLAY_VERSION})`);
  if (Number(m.step) !== step) throw new RangeError(`${path}: holds the buffer of step ${m.step}, but the checkpoint is at step ${step}`);
  if (Number(m.crc32) !== tensorsCrc32(f.tensors)) throw new RangeError(`${path}: corrupted replay buffer: the data does not match its CRC-32`);
  let meta: ReplayMeta;
  try {
    meta = JSON.parse(m.meta!) as ReplayMeta;
  } catch {
    throw new RangeError(`${path}: corrupted replay metadata`);
  }
  buffer.restore(f.tensors, meta, path);
}

/** Deletes the replay files of older checkpoints in `dir` (all but `keep`). */
export async function removeOldReplays(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir))
    if (/^replay-\d+\.safetensors$/.test(name) && name !== keep) await unlink(join(dir, name)).catch(() => {});
}
