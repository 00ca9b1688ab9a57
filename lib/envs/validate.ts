/**
 * Argument checks at the environment boundary. Every message names the environment, the
 * argument, the expected and the actual value, and nothing is mutated before the checks pass.
 */
import type { EnvState } from './types.js';

/** A short description of a value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? '?'})`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  return typeof value;
}

/**
 * Checks an action vector (or a batch of them): a Float32Array, a Float64Array or an array of
 * numbers, of length `expectedLength`, all finite.
 * @param where e.g. `cartpole-swingup.step`
 * @param argument e.g. `action`
 * @param lengthNote how the length is made up, for batched actions (`16 envs × 1`)
 * @throws TypeError for a wrong type or a non-number element
 * @throws RangeError for a wrong length or a non-finite element
 */
export function checkActionVector(
  action: unknown,
  expectedLength: number,
  where: string,
  argument: string,
  lengthNote?: string,
): ArrayLike<number> {
  const isFloatArray = action instanceof Float32Array || action instanceof Float64Array;
  if (!isFloatArray && !Array.isArray(action)) {
    throw new TypeError(
      `${where}: ${argument}: expected a Float32Array, Float64Array or number[] of length ${expectedLength}, ` +
        `got ${describeType(action)}`,
    );
  }
  const values = action as ArrayLike<unknown>;
  if (values.length !== expectedLength) {
    const note = lengthNote === undefined ? '' : ` (${lengthNote})`;
    throw new RangeError(`${where}: ${argument}: expected length ${expectedLength}${note}, got ${values.length}`);
  }
  for (let i = 0; i < expectedLength; i++) {
    const value = values[i];
    if (typeof value !== 'number') {
      throw new TypeError(`${where}: ${argument}[${i}]: expected a number, got ${describeType(value)}`);
    }
    if (!Number.isFinite(value)) {
      throw new RangeError(`${where}: ${argument}[${i}]: expected a finite number, got ${value}`);
    }
  }
  return values as ArrayLike<number>;
}

/** Expected sizes of an {@link EnvState} for one task. */
export interface StateShape {
  readonly task: string;
  readonly physicsLength: number;
  readonly parameterCount: number;
  readonly observationSize: number;
  readonly maxEpisodeSteps: number;
}

/**
 * Checks that `state` came from {@link DmcEnv.getState} of an environment of the same task.
 * @throws TypeError when it is not such an object; RangeError when a size or the task differs.
 */
export function checkEnvState(state: unknown, shape: StateShape, where: string): EnvState {
  if (typeof state !== 'object' || state === null) {
    throw new TypeError(`${where}: state: expected an EnvState from getState(), got ${describeType(state)}`);
  }
  const s = state as Partial<EnvState>;
  const fields: [keyof EnvState, unknown, number][] = [
    ['physics', Float64Array, shape.physicsLength],
    ['taskParameters', Float64Array, shape.parameterCount],
    ['rng', Uint32Array, 4],
    ['observation', Float32Array, shape.observationSize],
  ];
  if (s.task !== shape.task) {
    throw new RangeError(`${where}: state.task: expected "${shape.task}", got ${JSON.stringify(s.task)}`);
  }
  for (const [field, type, length] of fields) {
    const value = s[field];
    if (!(value instanceof (type as typeof Float64Array | typeof Uint32Array | typeof Float32Array))) {
      throw new TypeError(
        `${where}: state.${field}: expected a ${(type as { name: string }).name}, got ${describeType(value)}`,
      );
    }
    if (value.length !== length) {
      throw new RangeError(`${where}: state.${field}: expected length ${length}, got ${value.length}`);
    }
  }
  const elapsed = s.elapsedSteps;
  if (typeof elapsed !== 'number' || !Number.isInteger(elapsed) || elapsed < 0 || elapsed > shape.maxEpisodeSteps) {
    throw new RangeError(
      `${where}: state.elapsedSteps: expected an integer in [0, ${shape.maxEpisodeSteps}], got ${String(elapsed)}`,
    );
  }
  return s as EnvState;
}
