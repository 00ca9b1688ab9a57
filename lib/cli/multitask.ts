// The multitask commands (SPEC §11): `train --tasks a,b,c` (online over a task set),
// `train-offline --data DIR` (from a dataset) and `finetune CHECKPOINT --task T` (a multitask
// checkpoint on a new or held-out task, or the same architecture from scratch with --scratch).
// Progress goes to stderr (one line per eval), the summary as JSON to stdout.
import { MODEL_SIZES, type ModelSize, type TdMpc2Options } from '../config.js';
import { loadMujoco } from '../envs/mujoco.js';
import { finetuneAgent } from '../train/finetune.js';
import { MultitaskTrainer, taskShapes, type MultitaskEval } from '../train/multitask-trainer.js';
import { OfflineTrainer } from '../train/offline-trainer.js';
import type { Device } from '../nn/device.js';
import { intOption, parse, parseSets, println, UsageError, type CliIO } from './args.js';

export const TRAIN_OFFLINE_HELP = `Usage: tdmpc2 train-offline --data DIR [options]

Trains an agent offline on a dataset (docs/datasets.md; written by \`train --save-dataset\`):
--steps gradient updates, evaluation of every task every --eval-freq updates, the normalised
score (DMC return / 10). Datasets larger than --buffer-size entries stream from disk.

Options:
  --data DIR           dataset directory
  --steps N            gradient updates (default 10000000)
  --model-size S       1, 5, 19, 48 or 317 (default 5)
  --device D           auto, cpu, cuda or cuda:N (default auto)
  --seed K             seed (default 1)
  --out DIR            run directory (default runs/offline-sSEED)
  --eval-freq N        evaluate every N updates (default 50000)
  --eval-episodes N    episodes per task and evaluation (default 10)
  --buffer-size N      replay entries held in memory (default the config's 1000000)
  --set KEY=VALUE      any agent config key, repeatable
  -h, --help           this help`;

export const FINETUNE_HELP = `Usage: tdmpc2 finetune CHECKPOINT --task TASK [options]

Finetunes a multitask checkpoint online on TASK (a new task joins the task list with a fresh
embedding row; a known task keeps its own). --scratch trains the same architecture from a
fresh initialisation instead: the control of a finetuning comparison.

Options:
  --task TASK          task to finetune on
  --steps N            environment steps (default 10000000)
  --seed K             seed (default 1)
  --device D           auto, cpu, cuda or cuda:N (default: the checkpoint's)
  --out DIR            run directory (default runs/finetune-TASK-sSEED)
  --eval-freq N        evaluate every N steps (default 50000)
  --eval-episodes N    episodes per evaluation (default 10)
  --seed-steps N       random-action steps before updates start (default max(1000, 5·T))
  --scratch            same architecture, freshly initialised (no pretrained weights)
  --set KEY=VALUE      config keys that leave the architecture unchanged, repeatable
  -h, --help           this help`;

function evalLine(e: MultitaskEval): string {
  const per = Object.entries(e.returns)
    .map(([t, r]) => `${t} ${r.toFixed(1)}`)
    .join(', ');
  return `eval @ ${e.step}: ${per}; normalised score ${e.normalizedScore.toFixed(2)}`;
}

function commonOptions(command: string, v: Record<string, unknown>): { device?: 'auto' | Device; modelSize?: ModelSize } {
  const modelSize = intOption(command, 'model-size', v['model-size'], 1);
  if (modelSize !== undefined && !(modelSize in MODEL_SIZES))
    throw new UsageError(command, `--model-size: expected one of ${Object.keys(MODEL_SIZES).join(', ')}, got ${modelSize}`);
  const device = v.device as string | undefined;
  if (device !== undefined && !/^(auto|cpu|cuda|cuda:\d+)$/.test(device))
    throw new UsageError(command, `--device: expected auto, cpu, cuda or cuda:N, got "${device}"`);
  return { ...(device !== undefined && { device: device as 'auto' | Device }), ...(modelSize !== undefined && { modelSize: modelSize as ModelSize }) };
}

/** `train --tasks a,b,c`: the options trainCommand parsed, for a task set. */
export async function trainMultitask(v: Record<string, unknown>, io: CliIO): Promise<number> {
  const tasks = String(v.tasks)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tasks.length === 0) throw new UsageError('train', '--tasks: expected a comma-separated list of tasks');
  for (const k of ['resume', 'num-envs', 'save-every', 'task']) if (v[k] !== undefined) throw new UsageError('train', `--tasks does not take --${k}`);
  const summary = await new MultitaskTrainer({
    tasks,
    ...commonOptions('train', v),
    ...(v.steps !== undefined && { steps: intOption('train', 'steps', v.steps, 1) }),
    ...(v.seed !== undefined && { seed: intOption('train', 'seed', v.seed, 0) }),
    ...(v.out !== undefined && { logDir: String(v.out) }),
    ...(v['eval-freq'] !== undefined && { evalFreq: intOption('train', 'eval-freq', v['eval-freq'], 1) }),
    ...(v['eval-episodes'] !== undefined && { evalEpisodes: intOption('train', 'eval-episodes', v['eval-episodes'], 0) }),
    ...(v['seed-steps'] !== undefined && { seedSteps: intOption('train', 'seed-steps', v['seed-steps'], 1) }),
    ...(v['save-dataset'] !== undefined && { saveDataset: String(v['save-dataset']) }),
    config: parseSets('train', (v.set as string[] | undefined) ?? []),
    logger: (e) => {
      if (e.type === 'start') println(io.stderr, `multitask: ${e.tasks.join(', ')}; ${e.parameters.toLocaleString('en')} parameters; ${e.steps} steps; run ${e.logDir}`);
      if (e.type === 'eval') println(io.stderr, evalLine(e));
    },
  }).run();
  const last = summary.evals[summary.evals.length - 1];
  println(io.stdout, JSON.stringify({ logDir: summary.logDir, step: summary.step, finalEval: last ?? null }));
  return 0;
}

export async function trainOfflineCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('train-offline', argv, {
    data: { type: 'string' },
    steps: { type: 'string' },
    'model-size': { type: 'string' },
    device: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'eval-freq': { type: 'string' },
    'eval-episodes': { type: 'string' },
    'buffer-size': { type: 'string' },
    set: { type: 'string', multiple: true },
  });
  if (v.help) {
    println(io.stdout, TRAIN_OFFLINE_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError('train-offline', `unexpected argument "${positionals[0]}"`);
  if (v.data === undefined) throw new UsageError('train-offline', '--data DIR is required');
  const summary = await new OfflineTrainer({
    data: v.data,
    ...commonOptions('train-offline', v),
    ...(v.steps !== undefined && { steps: intOption('train-offline', 'steps', v.steps, 1) }),
    ...(v.seed !== undefined && { seed: intOption('train-offline', 'seed', v.seed, 0) }),
    ...(v.out !== undefined && { logDir: v.out }),
    ...(v['eval-freq'] !== undefined && { evalFreq: intOption('train-offline', 'eval-freq', v['eval-freq'], 1) }),
    ...(v['eval-episodes'] !== undefined && { evalEpisodes: intOption('train-offline', 'eval-episodes', v['eval-episodes'], 0) }),
    ...(v['buffer-size'] !== undefined && { bufferSize: intOption('train-offline', 'buffer-size', v['buffer-size'], 1) }),
    config: parseSets('train-offline', v.set ?? []),
    logger: (e) => {
      if (e.type === 'start') println(io.stderr, `offline: ${e.tasks.join(', ')}; ${e.episodes} episodes (${e.entries} entries${e.streaming ? ', streamed' : ''}); ${e.parameters.toLocaleString('en')} parameters; ${e.steps} updates; run ${e.logDir}`);
      if (e.type === 'eval') println(io.stderr, evalLine(e));
    },
  }).run();
  const last = summary.evals[summary.evals.length - 1];
  println(io.stdout, JSON.stringify({ logDir: summary.logDir, updates: summary.updates, finalEval: last ?? null }));
  return 0;
}

export async function finetuneCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('finetune', argv, {
    task: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    device: { type: 'string' },
    out: { type: 'string' },
    'eval-freq': { type: 'string' },
    'eval-episodes': { type: 'string' },
    'seed-steps': { type: 'string' },
    scratch: { type: 'boolean' },
    set: { type: 'string', multiple: true },
  });
  if (v.help) {
    println(io.stdout, FINETUNE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('finetune', `expected one CHECKPOINT, got ${positionals.length} arguments`);
  if (v.task === undefined) throw new UsageError('finetune', '--task TASK is required');
  await loadMujoco();
  const steps = intOption('finetune', 'steps', v.steps, 1);
  const seed = intOption('finetune', 'seed', v.seed, 0) ?? 1;
  const overrides: Partial<TdMpc2Options> = { ...parseSets('finetune', v.set ?? []), seed, ...commonOptions('finetune', v), ...(steps !== undefined && { steps }) };
  const [shape] = taskShapes([v.task]);
  const { agent, taskId } = await finetuneAgent(positionals[0]!, shape!, { scratch: v.scratch ?? false, overrides });
  try {
    const summary = await new MultitaskTrainer({
      tasks: [v.task],
      agent,
      taskIds: [taskId],
      seed,
      ...(steps !== undefined && { steps }),
      logDir: v.out ?? `runs/finetune-${v.task}${v.scratch ? '-scratch' : ''}-s${seed}`,
      ...(v['eval-freq'] !== undefined && { evalFreq: intOption('finetune', 'eval-freq', v['eval-freq'], 1) }),
      ...(v['eval-episodes'] !== undefined && { evalEpisodes: intOption('finetune', 'eval-episodes', v['eval-episodes'], 0) }),
      ...(v['seed-steps'] !== undefined && { seedSteps: intOption('finetune', 'seed-steps', v['seed-steps'], 1) }),
      logger: (e) => {
        if (e.type === 'start') println(io.stderr, `finetune${v.scratch ? ' (from scratch)' : ''}: ${v.task} as task ${taskId} of ${agent.cfg.numTasks}; ${e.steps} steps; run ${e.logDir}`);
        if (e.type === 'eval') println(io.stderr, evalLine(e));
      },
    }).run();
    println(io.stdout, JSON.stringify({ logDir: summary.logDir, step: summary.step, evals: summary.evals }));
    return 0;
  } finally {
    agent.dispose();
  }
}
