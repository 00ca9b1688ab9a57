/**
 * Loading the MuJoCo WebAssembly module (`@mujoco/mujoco`).
 *
 * The module is instantiated once per thread and shared by every environment: instantiating
 * it compiles ~10 MB of wasm, and one instance can hold many models and datas. Each worker
 * thread that imports this file gets its own instance, as the module requires.
 */
// Types only: the module itself is loaded by a dynamic import() in loadMujoco(). `@mujoco/mujoco`
// is ESM-only and Node 20 cannot require() ESM, so the CommonJS build (dist/index.cjs) keeps this
// import() as it is; a static import would become a require() there and fail to load.
import type { MainModule } from '@mujoco/mujoco';

/** The instantiated MuJoCo WebAssembly module (embind API of `@mujoco/mujoco`). */
export type Mujoco = MainModule;

// The one lazily created instance per thread. Both are set once and never cleared: a failed
// load keeps its rejected promise so every caller sees the same error.
let loading: Promise<Mujoco> | undefined;
let loaded: Mujoco | undefined;

/**
 * Loads the MuJoCo WebAssembly module, once per thread; later calls return the same promise.
 * Await it before calling {@link makeEnv} or {@link makeVectorEnv}, which are synchronous.
 *
 * @returns the module, for callers who want to use the MuJoCo API directly.
 */
export function loadMujoco(): Promise<Mujoco> {
  loading ??= import('@mujoco/mujoco')
    .then(({ default: createModule }) => createModule())
    .then((module) => {
      loaded = module;
      return module;
    });
  return loading;
}

/**
 * The loaded module, for the synchronous constructors.
 * @throws Error when {@link loadMujoco} has not finished yet.
 */
export function requireMujoco(caller: string): Mujoco {
  if (loaded === undefined) {
    throw new Error(
      `${caller}: the MuJoCo WebAssembly module is not loaded; ` +
        '`await loadMujoco()` once before creating environments',
    );
  }
  return loaded;
}
