// The agent's configuration: every default of SPEC §2 (the official config.yaml), the model-size
// table, and resolveConfig(), which validates a partial config and computes the derived values
// without mutating its input. camelCase here; the YAML names are in docs/config.md.

/** Architecture keys that `modelSize` sets (SPEC §2 model-size table). */
export interface ModelSizeEntry {
  encDim: number;
  mlpDim: number;
  latentDim: number;
  numEncLayers: number;
  numQ: number;
}

/** Official model sizes (in millions of parameters of the multitask model). */
export const MODEL_SIZES = Object.freeze({
  1: Object.freeze({ encDim: 256, mlpDim: 384, latentDim: 128, numEncLayers: 2, numQ: 2 }),
  5: Object.freeze({ encDim: 256, mlpDim: 512, latentDim: 512, numEncLayers: 2, numQ: 5 }),
  19: Object.freeze({ encDim: 1024, mlpDim: 1024, latentDim: 768, numEncLayers: 3, numQ: 5 }),
  48: Object.freeze({ encDim: 1792, mlpDim: 1792, latentDim: 768, numEncLayers: 4, numQ: 5 }),
  317: Object.freeze({ encDim: 4096, mlpDim: 4096, latentDim: 1376, numEncLayers: 5, numQ: 8 }),
} satisfies Record<number, ModelSizeEntry>);

export type ModelSize = keyof typeof MODEL_SIZES;

/** One task of a multitask agent (SPEC §11): its name and its own env shapes. */
export interface TaskShape {
  name: string;
  obsDim: number;
  actionDim: number;
  /** Episode length in agent steps (sets the task's discount). */
  episodeLength: number;
}

/** The task-embedding size of a multitask model (SPEC §2: 96 for sizes 1 and 317, else 64). */
export function defaultTaskDim(size: ModelSize): number {
  return size === 1 || size === 317 ? 96 : 64;
}

/** Every option of the agent. All are optional in `TDMPC2Options` except the env shapes. */
export interface TdMpc2Config {
  // --- environment shapes (required; no defaults) ---
  /** Observation dimension O (state observations). */
  obsDim: number;
  /** Action dimension A; actions live in [-1, 1]^A. */
  actionDim: number;
  /** Episode length T in agent steps; sets the discount and the seed steps. */
  episodeLength: number;

  // --- training ---
  /** Environment steps to train for (agent steps, action repeat applied). @defaultValue 10_000_000 */
  steps: number;
  /** Sub-trajectories per update. @defaultValue 256 */
  batchSize: number;
  /** Weight of the reward loss. @defaultValue 0.1 */
  rewardCoef: number;
  /** Weight of the value loss. @defaultValue 0.1 */
  valueCoef: number;
  /** Weight of the latent consistency loss. @defaultValue 20 */
  consistencyCoef: number;
  /** Weight of the termination loss (episodic only). @defaultValue 1 */
  terminationCoef: number;
  /** Temporal decay λ of the losses over the horizon. @defaultValue 0.5 */
  rho: number;
  /** Adam learning rate. @defaultValue 3e-4 */
  lr: number;
  /** Encoder learning-rate multiplier. @defaultValue 0.3 */
  encLrScale: number;
  /** Global gradient-norm clip, world model and policy separately. @defaultValue 20 */
  gradClipNorm: number;
  /** Target-Q EMA rate, also the RunningScale rate. @defaultValue 0.01 */
  tau: number;
  /** Discount heuristic: γ = clip((T/denom − 1)/(T/denom), min, max). @defaultValue 5 */
  discountDenom: number;
  /** @defaultValue 0.95 */
  discountMin: number;
  /** @defaultValue 0.995 */
  discountMax: number;
  /** Replay capacity in steps (capped at `steps`). @defaultValue 1_000_000 */
  bufferSize: number;

  // --- planning ---
  /** Plan with MPPI; false acts with the policy prior only. @defaultValue true */
  mpc: boolean;
  /** MPPI iterations (+2 when actionDim ≥ 20, applied by resolveConfig). @defaultValue 6 */
  iterations: number;
  /** Action sequences sampled per iteration. @defaultValue 512 */
  numSamples: number;
  /** Elites kept per iteration. @defaultValue 64 */
  numElites: number;
  /** Sequences drawn from the policy prior. @defaultValue 24 */
  numPiTrajs: number;
  /** Planning (and loss) horizon H. @defaultValue 3 */
  horizon: number;
  /** @defaultValue 0.05 */
  minStd: number;
  /** @defaultValue 2 */
  maxStd: number;
  /** Inverse temperature of the MPPI weights: exp(temperature·(V − Vmax)). @defaultValue 0.5 */
  temperature: number;

  // --- actor ---
  /** @defaultValue -10 */
  logStdMin: number;
  /** @defaultValue 2 */
  logStdMax: number;
  /** @defaultValue 1e-4 */
  entropyCoef: number;

  // --- critic ---
  /** Bins of the two-hot reward/value distributions. @defaultValue 101 */
  numBins: number;
  /** Lowest bin centre, in symlog space. @defaultValue -10 */
  vmin: number;
  /** Highest bin centre, in symlog space. @defaultValue 10 */
  vmax: number;

  // --- architecture ---
  /** Sets encDim, mlpDim, latentDim, numEncLayers, numQ (explicit keys win). @defaultValue 5 */
  modelSize: ModelSize;
  /** @defaultValue 2 (size 5) */
  numEncLayers: number;
  /** @defaultValue 256 (size 5) */
  encDim: number;
  /** @defaultValue 512 (size 5) */
  mlpDim: number;
  /** @defaultValue 512 (size 5); must be divisible by simnormDim */
  latentDim: number;
  /** Task-embedding size (multitask only; 0 single-task). @defaultValue 0 (multitask: 96 for sizes 1 and 317, else 64) */
  taskDim: number;
  /** Q-ensemble members. @defaultValue 5 (size 5) */
  numQ: number;
  /** Dropout on the first hidden layer of each Q. @defaultValue 0.01 */
  dropout: number;
  /** SimNorm group size. @defaultValue 8 */
  simnormDim: number;

  // --- evaluation ---
  /** @defaultValue 10 */
  evalEpisodes: number;
  /** @defaultValue 50_000 */
  evalFreq: number;

  // --- multitask (SPEC §11) ---
  /**
   * The task set of a multitask agent (task id = index); null for a single-task agent. With a
   * task set, obsDim/actionDim/episodeLength must be the maxima over the tasks (observations are
   * zero-padded, actions masked) and the model gains task embeddings. @defaultValue null
   */
  tasks: readonly TaskShape[] | null;

  // --- misc ---
  /** @defaultValue 1 */
  seed: number;
  /** Episodic tasks: termination head and masked bootstraps. @defaultValue false */
  episodic: boolean;
  /** 'auto' picks CUDA when available. @defaultValue 'auto' */
  device: 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;
}

/** What a user passes: the env shapes plus any overrides. */
export type TdMpc2Options = Pick<TdMpc2Config, 'obsDim' | 'actionDim' | 'episodeLength'> &
  Partial<Omit<TdMpc2Config, 'obsDim' | 'actionDim' | 'episodeLength'>>;

/** The resolved, frozen config: every option plus the derived values. */
export interface ResolvedConfig extends Readonly<TdMpc2Config> {
  /** γ from the episode length (SPEC §2 discount heuristic). */
  readonly discount: number;
  /** Uniform-random steps before updates start: max(1000, 5·T). */
  readonly seedSteps: number;
  /** (vmax − vmin)/(numBins − 1). */
  readonly binSize: number;
  /** Replay capacity: min(bufferSize, steps). */
  readonly bufferCapacity: number;
  /** Tasks of a multitask agent; 0 for a single-task agent. */
  readonly numTasks: number;
  /** Per-task γ from each task's episode length (multitask; empty single-task). */
  readonly discounts: readonly number[];
}

type Defaults = Omit<TdMpc2Config, 'obsDim' | 'actionDim' | 'episodeLength'>;

/** SPEC §2 defaults (config.yaml), architecture of model size 5. */
export const DEFAULT_CONFIG = Object.freeze({
  steps: 10_000_000,
  batchSize: 256,
  rewardCoef: 0.1,
  valueCoef: 0.1,
  consistencyCoef: 20,
  terminationCoef: 1,
  rho: 0.5,
  lr: 3e-4,
  encLrScale: 0.3,
  gradClipNorm: 20,
  tau: 0.01,
  discountDenom: 5,
  discountMin: 0.95,
  discountMax: 0.995,
  bufferSize: 1_000_000,
  mpc: true,
  iterations: 6,
  numSamples: 512,
  numElites: 64,
  numPiTrajs: 24,
  horizon: 3,
  minStd: 0.05,
  maxStd: 2,
  temperature: 0.5,
  logStdMin: -10,
  logStdMax: 2,
  entropyCoef: 1e-4,
  numBins: 101,
  vmin: -10,
  vmax: 10,
  modelSize: 5,
  ...MODEL_SIZES[5],
  taskDim: 0,
  dropout: 0.01,
  simnormDim: 8,
  evalEpisodes: 10,
  evalFreq: 50_000,
  tasks: null,
  seed: 1,
  episodic: false,
  device: 'auto',
} as const satisfies Defaults);

const KNOWN_KEYS: readonly string[] = ['obsDim', 'actionDim', 'episodeLength', ...Object.keys(DEFAULT_CONFIG)];

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  let prev = Array.from({ length: bl.length + 1 }, (_, j) => j);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (al[i - 1] === bl[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[bl.length]!;
}

/** The closest known names to `name` (distance ≤ 3), best first. */
export function suggest(name: string, known: readonly string[]): string[] {
  return known
    .map((k) => [k, editDistance(name, k)] as const)
    .filter(([, d]) => d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((x, y) => x[1] - y[1])
    .map(([k]) => k);
}

/** γ = clip((T/denom − 1)/(T/denom), min, max) (SPEC §2). */
export function discountFor(episodeLength: number, denom: number, min: number, max: number): number {
  const f = episodeLength / denom;
  return Math.min(Math.max((f - 1) / f, min), max);
}

function checkInt(cfg: Record<string, unknown>, key: string, lo: number, hi = Number.MAX_SAFE_INTEGER): void {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi)
    throw new RangeError(`config.${key}: expected an integer in [${lo}, ${hi}], got ${String(v)}`);
}

function checkNum(cfg: Record<string, unknown>, key: string, lo: number, hi: number, openLo = false): void {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (openLo && v === lo))
    throw new RangeError(`config.${key}: expected a number in ${openLo ? '(' : '['}${lo}, ${hi}], got ${String(v)}`);
}

function checkBool(cfg: Record<string, unknown>, key: string): void {
  if (typeof cfg[key] !== 'boolean') throw new TypeError(`config.${key}: expected a boolean, got ${typeof cfg[key]}`);
}

/**
 * The task set of a multitask config, validated: names unique, shapes positive integers, and the
 * agent's obsDim/actionDim/episodeLength equal to the maxima over the tasks (SPEC §11). Null for
 * a single-task config.
 */
function checkTasks(merged: Record<string, unknown>): TaskShape[] | null {
  const tasks = merged.tasks;
  if (tasks === null || tasks === undefined) return null;
  if (!Array.isArray(tasks)) throw new TypeError(`config.tasks: expected an array of { name, obsDim, actionDim, episodeLength } or null, got ${typeof tasks}`);
  if (tasks.length === 0) throw new RangeError('config.tasks: expected at least one task, got an empty array');
  const seen = new Set<string>();
  const out = tasks.map((t: unknown, i: number): TaskShape => {
    if (t === null || typeof t !== 'object') throw new TypeError(`config.tasks[${i}]: expected { name, obsDim, actionDim, episodeLength }, got ${t === null ? 'null' : typeof t}`);
    const r = t as Record<string, unknown>;
    if (typeof r.name !== 'string' || r.name === '') throw new TypeError(`config.tasks[${i}].name: expected a non-empty string, got ${JSON.stringify(r.name)}`);
    if (seen.has(r.name)) throw new RangeError(`config.tasks[${i}].name: duplicate task "${r.name}"`);
    seen.add(r.name);
    for (const k of ['obsDim', 'actionDim', 'episodeLength']) {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
        throw new RangeError(`config.tasks[${i}].${k}: expected a positive integer, got ${String(v)}`);
    }
    return { name: r.name, obsDim: r.obsDim as number, actionDim: r.actionDim as number, episodeLength: r.episodeLength as number };
  });
  for (const k of ['obsDim', 'actionDim', 'episodeLength'] as const) {
    const max = Math.max(...out.map((t) => t[k]));
    if (merged[k] !== max) throw new RangeError(`config.${k}: expected the maximum over the tasks, ${max}, got ${String(merged[k])}`);
  }
  return out;
}

/** obsDim, actionDim and episodeLength of a multitask agent: the maxima over its tasks. */
export function multitaskShape(tasks: readonly TaskShape[]): Pick<TdMpc2Config, 'obsDim' | 'actionDim' | 'episodeLength'> {
  return {
    obsDim: Math.max(...tasks.map((t) => t.obsDim)),
    actionDim: Math.max(...tasks.map((t) => t.actionDim)),
    episodeLength: Math.max(...tasks.map((t) => t.episodeLength)),
  };
}

/**
 * Validates options against the known keys and ranges, applies the model-size table (explicit
 * architecture keys win over it), computes the derived values and returns a frozen config.
 * Never mutates `options`.
 */
export function resolveConfig(options: TdMpc2Options): ResolvedConfig {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`config: expected an options object, got ${options === null ? 'null' : typeof options}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key)) {
      const s = suggest(key, KNOWN_KEYS);
      throw new RangeError(`Unknown option "${key}"${s.length ? `; did you mean "${s[0]}"?` : ''}`);
    }
  }
  for (const key of ['obsDim', 'actionDim', 'episodeLength'] as const)
    if ((options as Partial<TdMpc2Options>)[key] === undefined) throw new TypeError(`config.${key} is required`);

  const size = options.modelSize ?? DEFAULT_CONFIG.modelSize;
  if (!(size in MODEL_SIZES))
    throw new RangeError(`config.modelSize: expected one of ${Object.keys(MODEL_SIZES).join(', ')}, got ${String(size)}`);
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG, ...MODEL_SIZES[size], ...options };
  // Explicit undefined means "default".
  for (const [k, v] of Object.entries(options)) if (v === undefined) merged[k] = (DEFAULT_CONFIG as Record<string, unknown>)[k];
  merged.modelSize = size;

  checkInt(merged, 'obsDim', 1);
  checkInt(merged, 'actionDim', 1);
  checkInt(merged, 'episodeLength', 1);
  checkInt(merged, 'steps', 0);
  checkInt(merged, 'batchSize', 1);
  for (const k of ['rewardCoef', 'valueCoef', 'consistencyCoef', 'terminationCoef', 'entropyCoef'])
    checkNum(merged, k, 0, Number.MAX_VALUE);
  checkNum(merged, 'rho', 0, 1);
  checkNum(merged, 'lr', 0, 1, true);
  checkNum(merged, 'encLrScale', 0, Number.MAX_VALUE);
  checkNum(merged, 'gradClipNorm', 0, Number.MAX_VALUE, true);
  checkNum(merged, 'tau', 0, 1);
  checkNum(merged, 'discountDenom', 0, Number.MAX_VALUE, true);
  checkNum(merged, 'discountMin', 0, 1);
  checkNum(merged, 'discountMax', 0, 1);
  checkInt(merged, 'bufferSize', 1);
  checkBool(merged, 'mpc');
  checkInt(merged, 'iterations', 1);
  checkInt(merged, 'numSamples', 1);
  checkInt(merged, 'numElites', 1, merged.numSamples as number);
  checkInt(merged, 'numPiTrajs', 0, merged.numSamples as number);
  checkInt(merged, 'horizon', 1);
  checkNum(merged, 'minStd', 0, Number.MAX_VALUE, true);
  checkNum(merged, 'maxStd', merged.minStd as number, Number.MAX_VALUE);
  checkNum(merged, 'temperature', 0, Number.MAX_VALUE, true);
  checkNum(merged, 'logStdMin', -Number.MAX_VALUE, Number.MAX_VALUE);
  checkNum(merged, 'logStdMax', merged.logStdMin as number, Number.MAX_VALUE);
  checkInt(merged, 'numBins', 0);
  checkNum(merged, 'vmin', -Number.MAX_VALUE, Number.MAX_VALUE);
  checkNum(merged, 'vmax', merged.vmin as number, Number.MAX_VALUE, true);
  checkInt(merged, 'numEncLayers', 1);
  checkInt(merged, 'encDim', 1);
  checkInt(merged, 'mlpDim', 1);
  checkInt(merged, 'simnormDim', 1);
  checkInt(merged, 'latentDim', 1);
  if ((merged.latentDim as number) % (merged.simnormDim as number) !== 0)
    throw new RangeError(`config.latentDim: must be divisible by simnormDim ${String(merged.simnormDim)}, got ${String(merged.latentDim)}`);
  checkInt(merged, 'taskDim', 0);
  const tasks = checkTasks(merged);
  if (tasks) {
    if ((options as Partial<TdMpc2Config>).taskDim === undefined) merged.taskDim = defaultTaskDim(size);
    checkInt(merged, 'taskDim', 1);
  }
  checkInt(merged, 'numQ', 2);
  checkNum(merged, 'dropout', 0, 1);
  if (merged.dropout === 1) throw new RangeError('config.dropout: must be < 1, got 1');
  checkInt(merged, 'evalEpisodes', 0);
  checkInt(merged, 'evalFreq', 1);
  checkInt(merged, 'seed', 0);
  checkBool(merged, 'episodic');
  const device = merged.device;
  if (typeof device !== 'string' || !/^(auto|cpu|cuda|cuda:\d+)$/.test(device))
    throw new RangeError(`config.device: expected 'auto', 'cpu', 'cuda' or 'cuda:N', got ${JSON.stringify(device)}`);

  const T = merged.episodeLength as number;
  const A = merged.actionDim as number;
  // SPEC §2: two more MPPI iterations for large action spaces; like the official agent
  // (`cfg.iterations += 2*int(cfg.action_dim >= 20)`), added to whatever the config holds.
  const iterations = (merged.iterations as number) + (A >= 20 ? 2 : 0);
  const numBins = merged.numBins as number;
  const discountOf = (len: number) => discountFor(len, merged.discountDenom as number, merged.discountMin as number, merged.discountMax as number);
  const resolved: ResolvedConfig = {
    ...(merged as unknown as TdMpc2Config),
    tasks: tasks && Object.freeze(tasks.map((t) => Object.freeze({ ...t }))),
    numTasks: tasks ? tasks.length : 0,
    discounts: Object.freeze(tasks ? tasks.map((t) => discountOf(t.episodeLength)) : []),
    iterations,
    discount: discountFor(T, merged.discountDenom as number, merged.discountMin as number, merged.discountMax as number),
    seedSteps: Math.max(1000, 5 * T),
    binSize: numBins > 1 ? ((merged.vmax as number) - (merged.vmin as number)) / (numBins - 1) : 0,
    bufferCapacity: Math.min(merged.bufferSize as number, Math.max(merged.steps as number, 1)),
  };
  return Object.freeze(resolved);
}
