// `tdmpc2 train`: online training of one task (lib/train/trainer.ts), with console progress.
import type { ModelSize } from '../config.js';
import { MODEL_SIZES } from '../config.js';
import { consoleLogger } from '../train/console-logger.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';
import { intOption, parse, parseSets, println, UsageError, type CliIO } from './args.js';
import { trainMultitask } from './multitask.js';

export const TRAIN_HELP = `Usage: tdmpc2 train --task TASK [options]
       tdmpc2 train --tasks TASK,TASK,... [options]
       tdmpc2 train --resume DIR [--steps N] [--device D]

Trains a TD-MPC2 agent online on one task and writes the run directory: train.csv, eval.csv,
metrics.jsonl, config.json, curves.svg (eval return vs step) and checkpoint.safetensors.

Options:
  --task TASK          task to train on (see \`tdmpc2 tasks\`), e.g. cartpole-swingup
  --tasks A,B,...      multitask: one agent over these tasks (task embeddings, action masks;
                       steps count over all tasks; eval.jsonl holds per-task returns and the
                       normalised score)
  --save-dataset DIR   also write every episode to a dataset for train-offline
  --steps N            environment steps (default 10000000; stops at the episode boundary)
  --model-size S       1, 5, 19, 48 or 317 (default 5)
  --device D           auto, cpu, cuda or cuda:N (default auto)
  --seed K             seed of the agent, replay and environments (default 1)
  --out DIR            run directory (default runs/TASK-sSEED)
  --num-envs N         environment copies stepped together (default 1)
  --eval-freq N        evaluate every N steps, at the next episode boundary (default 50000)
  --eval-episodes N    episodes per evaluation (default 10)
  --save-every N       checkpoint every N steps (default: --eval-freq)
  --seed-steps N       random-action steps before updates start (default max(1000, 5·T))
  --set KEY=VALUE      any agent config key (camelCase or snake_case), repeatable,
                       e.g. --set mpc=false --set batch_size=128
  --resume DIR         continue the run in DIR from its checkpoint
  --verbose            stack traces on errors
  -h, --help           this help

Ctrl-C stops at the end of the current episode after saving a checkpoint (twice: quit now).`;

export async function trainCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse(
    'train',
    argv,
    {
      task: { type: 'string' },
      tasks: { type: 'string' },
      'save-dataset': { type: 'string' },
      steps: { type: 'string' },
      'model-size': { type: 'string' },
      device: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      'num-envs': { type: 'string' },
      'eval-freq': { type: 'string' },
      'eval-episodes': { type: 'string' },
      'save-every': { type: 'string' },
      'seed-steps': { type: 'string' },
      set: { type: 'string', multiple: true },
      resume: { type: 'string' },
    },
  );
  if (v.help) {
    println(io.stdout, TRAIN_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError('train', `unexpected argument "${positionals[0]}"`);
  if (v.tasks !== undefined) return trainMultitask(v, io);
  const modelSize = intOption('train', 'model-size', v['model-size'], 1);
  if (modelSize !== undefined && !(modelSize in MODEL_SIZES))
    throw new UsageError('train', `--model-size: expected one of ${Object.keys(MODEL_SIZES).join(', ')}, got ${modelSize}`);
  const device = v.device as TrainerOptions['device'];
  if (device !== undefined && !/^(auto|cpu|cuda|cuda:\d+)$/.test(device))
    throw new UsageError('train', `--device: expected auto, cpu, cuda or cuda:N, got "${device}"`);
  const steps = intOption('train', 'steps', v.steps, 1);

  const controller = new AbortController();
  const logger = consoleLogger(io.stderr);
  let trainer: Trainer;
  if (v.resume !== undefined) {
    const other = ['task', 'save-dataset', 'model-size', 'seed', 'out', 'num-envs', 'eval-freq', 'eval-episodes', 'save-every', 'seed-steps', 'set'].filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    if (other.length) throw new UsageError('train', `--resume takes its options from the run; only --steps and --device may change (got --${other[0]})`);
    trainer = Trainer.resume(v.resume, { ...(steps !== undefined && { steps }), ...(device !== undefined && { device }), logger, signal: controller.signal });
  } else {
    if (v.task === undefined) throw new UsageError('train', '--task is required (see `tdmpc2 tasks`), or --resume DIR');
    const options: TrainerOptions = {
      task: v.task,
      config: parseSets('train', v.set ?? []),
      logger,
      signal: controller.signal,
    };
    const put = <K extends keyof TrainerOptions>(k: K, value: TrainerOptions[K] | undefined) => {
      if (value !== undefined) options[k] = value;
    };
    put('steps', steps);
    put('modelSize', modelSize as ModelSize | undefined);
    put('device', device);
    put('seed', intOption('train', 'seed', v.seed, 0));
    put('logDir', v.out);
    put('numEnvs', intOption('train', 'num-envs', v['num-envs'], 1));
    put('evalFreq', intOption('train', 'eval-freq', v['eval-freq'], 1));
    put('evalEpisodes', intOption('train', 'eval-episodes', v['eval-episodes'], 0));
    put('saveEvery', intOption('train', 'save-every', v['save-every'], 1));
    put('seedSteps', intOption('train', 'seed-steps', v['seed-steps'], 1));
    put('saveDataset', v['save-dataset']);
    trainer = new Trainer(options);
  }

  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      println(io.stderr, '\nstopping at the end of this episode after a checkpoint (Ctrl-C again to quit now)');
      controller.abort();
    } else {
      process.exit(130);
    }
  };
  if (io.signals) process.on('SIGINT', onSigint);
  try {
    const summary = await trainer.run();
    println(io.stdout, JSON.stringify({ logDir: summary.logDir, step: summary.step, finalEval: summary.finalEval }));
    return controller.signal.aborted ? 130 : 0;
  } finally {
    if (io.signals) process.off('SIGINT', onSigint);
  }
}
