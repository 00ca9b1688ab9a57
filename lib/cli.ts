#!/usr/bin/env node
// The `tdmpc2` command (package.json bin → dist/cli.js): train, eval, tasks, plot, bench,
// --version. main(argv, io) returns the exit code and never throws, so tests can run it in
// process; errors print one line (a stack trace only with --verbose). Exit codes: 0 success,
// 1 failure, 2 bad command line, 130 training stopped by Ctrl-C.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { backends } from './native.js';
import { println, UsageError, type CliIO } from './cli/args.js';
import { benchCommand, BENCH_HELP } from './cli/bench.js';
import { evalCommand, EVAL_HELP } from './cli/evaluate.js';
import { plotCommand, PLOT_HELP, tasksCommand, TASKS_HELP } from './cli/misc.js';
import { trainCommand, TRAIN_HELP } from './cli/train.js';
import { finetuneCommand, FINETUNE_HELP, trainOfflineCommand, TRAIN_OFFLINE_HELP } from './cli/multitask.js';

export const HELP = `Usage: tdmpc2 <command> [options]

TD-MPC2 model-based reinforcement learning: native CPU/CUDA kernels, MuJoCo tasks.

Commands:
  train      train an agent on a task          tdmpc2 train --task cartpole-swingup
             or on a task set                  tdmpc2 train --tasks cartpole-swingup,finger-spin
  train-offline  train from a dataset          tdmpc2 train-offline --data runs/data
  finetune   finetune a multitask checkpoint   tdmpc2 finetune runs/mt/checkpoint.safetensors --task T
  eval       evaluate a checkpoint             tdmpc2 eval runs/x/checkpoint.safetensors
  tasks      list the tasks
  plot       learning curves of runs as SVG    tdmpc2 plot runs/a runs/b -o curves.svg
  bench      time update | planner | kernels   tdmpc2 bench update

Options:
  --version    package version and the native binary loaded
  --verbose    stack traces on errors
  -h, --help   this help; \`tdmpc2 <command> --help\` for a command's options`;

const COMMANDS: Record<string, { run: (argv: string[], io: CliIO) => Promise<number>; help: string }> = {
  train: { run: trainCommand, help: TRAIN_HELP },
  'train-offline': { run: trainOfflineCommand, help: TRAIN_OFFLINE_HELP },
  finetune: { run: finetuneCommand, help: FINETUNE_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  tasks: { run: tasksCommand, help: TASKS_HELP },
  plot: { run: plotCommand, help: PLOT_HELP },
  bench: { run: benchCommand, help: BENCH_HELP },
};

/** The package version (package.json next to lib/ or dist/). */
export function packageVersion(): string {
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function versionText(): string {
  const b = backends();
  const cuda = b.cuda.available
    ? `available (${b.cuda.devices.map((d) => `${d.name}, sm_${d.computeCapability.replace('.', '')}`).join('; ')})`
    : `${b.cuda.compiled ? 'compiled, ' : 'not compiled, '}unavailable (${b.cuda.reason})`;
  return [
    `tdmpc2 ${packageVersion()}`,
    `binary: ${b.binary.path} (${b.binary.origin}, built with ${b.binary.builder})`,
    `cpu: ${b.cpu.isa}, ${b.cpu.threads} thread${b.cpu.threads === 1 ? '' : 's'}`,
    `cuda: ${cuda}`,
    `node: ${process.version}`,
  ].join('\n');
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const args = [...argv];
  const verbose = args.includes('--verbose');
  const name = args[0];
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      println(name === undefined ? io.stderr : io.stdout, HELP);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      println(io.stdout, versionText());
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError('', `unknown command "${name}"`);
    return await command.run(args.slice(1), io);
  } catch (e) {
    const err = e as Error;
    if (err instanceof UsageError) {
      const where = err.command ? `tdmpc2 ${err.command}` : 'tdmpc2';
      println(io.stderr, `${where}: ${err.message}`);
      println(io.stderr, `Run '${where} --help' for usage.`);
      return 2;
    }
    const message = `tdmpc2${name && COMMANDS[name] ? ` ${name}` : ''}: error: ${err?.message ?? String(e)}`;
    println(io.stderr, verbose && err?.stack ? `${message}\n${err.stack}` : message.split('\n')[0]!);
    return 1;
  }
}

// Run when executed as the bin (dist/cli.js, possibly through npm's symlink), not when imported.
const invoked = process.argv[1];
let isMain = false;
try {
  isMain = invoked !== undefined && realpathSync(invoked) === fileURLToPath(import.meta.url);
} catch {
  isMain = false;
}
if (isMain) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signals: true }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tdmpc2: ${(e as Error)?.message ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
