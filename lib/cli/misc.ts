// `tdmpc2 tasks` and `tdmpc2 plot`.
import { loadMujoco } from '../envs/mujoco.js';
import { listTasks, makeEnv } from '../envs/registry.js';
import { plotRuns } from '../train/plot.js';
import { parse, println, UsageError, type CliIO } from './args.js';

export const TASKS_HELP = `Usage: tdmpc2 tasks [--json]

Lists the tasks with their observation and action sizes and episode length (agent steps).`;

export async function tasksCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('tasks', argv, { json: { type: 'boolean' } });
  if (v.help) {
    println(io.stdout, TASKS_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError('tasks', `unexpected argument "${positionals[0]}"`);
  await loadMujoco();
  const rows = listTasks().map((name) => {
    const env = makeEnv(name, { seed: 1 });
    const row = { task: name, obs: env.observationSpace.shape[0]!, action: env.actionSpace.shape[0]!, episodeLength: env.maxEpisodeSteps };
    env.close();
    return row;
  });
  if (v.json) println(io.stdout, JSON.stringify(rows));
  else {
    const w = Math.max(...rows.map((r) => r.task.length)) + 2;
    println(io.stdout, `${'task'.padEnd(w)}obs  action  episode`);
    for (const r of rows) println(io.stdout, `${r.task.padEnd(w)}${String(r.obs).padStart(3)}  ${String(r.action).padStart(6)}  ${String(r.episodeLength).padStart(7)}`);
  }
  return 0;
}

export const PLOT_HELP = `Usage: tdmpc2 plot RUN_DIR... [-o curves.svg] [--title TEXT]

Draws the eval curves (eval.csv: mean return with its min–max band) of one or more runs on one
SVG chart, each run labelled with its directory name.

Options:
  -o, --out FILE    output file (default curves.svg)
  --title TEXT      chart title (default "Evaluation return")
  --y-max N         fix the y axis to [0, N] (e.g. 1000 for DMC)
  -h, --help        this help`;

export async function plotCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('plot', argv, { out: { type: 'string', short: 'o' }, title: { type: 'string' }, 'y-max': { type: 'string' } });
  if (v.help) {
    println(io.stdout, PLOT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('plot', 'expected at least one RUN_DIR');
  const out = v.out ?? 'curves.svg';
  let yRange: [number, number] | undefined;
  if (v['y-max'] !== undefined) {
    const y = Number(v['y-max']);
    if (!Number.isFinite(y) || y <= 0) throw new UsageError('plot', `--y-max: expected a positive number, got "${v['y-max']}"`);
    yRange = [0, y];
  }
  await plotRuns(positionals, out, { ...(v.title !== undefined && { title: v.title }), ...(yRange && { yRange }) });
  println(io.stdout, `${out}: ${positionals.length} run${positionals.length > 1 ? 's' : ''}`);
  return 0;
}
