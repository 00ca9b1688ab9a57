/** The task table and the constructors `makeEnv` / `listTasks`. */
import { DmcEnv } from './dmc-env.js';
import { requireMujoco } from './mujoco.js';
import { closeMatches } from './names.js';
import { seedOption } from './options.js';
import type { TaskDefinition } from './task.js';
import { ACROBOT_SWINGUP } from './tasks/acrobot.js';
import { CARTPOLE_TASKS } from './tasks/cartpole.js';
import { CHEETAH_RUN } from './tasks/cheetah.js';
import { CUP_CATCH } from './tasks/cup.js';
import { FINGER_SPIN } from './tasks/finger.js';
import { HOPPER_TASKS } from './tasks/hopper.js';
import { PENDULUM_SWINGUP } from './tasks/pendulum.js';
import { POINT_MASS_EASY } from './tasks/point-mass.js';
import { REACHER_TASKS } from './tasks/reacher.js';
import { WALKER_TASKS } from './tasks/walker.js';
import { describeType } from './validate.js';

/** Every task, in the order {@link listTasks} reports them. */
const TASKS: ReadonlyMap<string, TaskDefinition> = new Map(
  [
    ...CARTPOLE_TASKS,
    PENDULUM_SWINGUP,
    ACROBOT_SWINGUP,
    POINT_MASS_EASY,
    ...REACHER_TASKS,
    FINGER_SPIN,
    CUP_CATCH,
    CHEETAH_RUN,
    ...WALKER_TASKS,
    ...HOPPER_TASKS,
  ].map((task) => [task.name, task]),
);

/** Names of the available tasks (`domain-task`), e.g. `cartpole-swingup`. */
export function listTasks(): string[] {
  return [...TASKS.keys()];
}

/** Options of {@link makeEnv}. */
export interface MakeEnvOptions {
  /**
   * Seed of the initial-state random stream (a non-negative safe integer). Same seed, same
   * actions → bit-identical episodes. @defaultValue a random seed
   */
  seed?: number;
}

/**
 * The definition of a task.
 * @throws TypeError when `name` is not a string; Error naming the close matches when unknown.
 */
export function taskDefinition(name: unknown, where: string): TaskDefinition {
  if (typeof name !== 'string') {
    throw new TypeError(`${where}: name: expected a task name string such as "cartpole-swingup", got ${describeType(name)}`);
  }
  const definition = TASKS.get(name);
  if (definition !== undefined) return definition;
  const matches = closeMatches(name, listTasks());
  const hint = matches.length > 0 ? `did you mean ${matches.map((m) => `"${m}"`).join(', ')}?` : `known tasks: ${listTasks().join(', ')}`;
  throw new Error(`${where}: unknown task "${name}"; ${hint}`);
}

/**
 * Creates the environment of a task. Synchronous: `await loadMujoco()` once before.
 * ```ts
 * await loadMujoco();
 * const env = makeEnv('cartpole-swingup', { seed: 1 });
 * let { obs } = env.reset();
 * ```
 * @throws Error when MuJoCo is not loaded or the task is unknown (naming the close matches).
 */
export function makeEnv(name: string, options?: MakeEnvOptions): DmcEnv {
  const definition = taskDefinition(name, 'makeEnv');
  const seed = seedOption(options, 'makeEnv');
  return new DmcEnv(requireMujoco('makeEnv'), definition, seed);
}
