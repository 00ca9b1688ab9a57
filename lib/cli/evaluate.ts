// `tdmpc2 eval CHECKPOINT`: evaluation episodes of a saved agent, optionally as an animated SVG.
import { TDMPC2 } from '../agent/agent.js';
import { readCheckpoint } from '../agent/checkpoint.js';
import { loadMujoco } from '../envs/mujoco.js';
import { writeEpisodeSvg } from '../envs/render/episode.js';
import { makeVectorEnv } from '../envs/vector-env.js';
import { evaluateAgent } from '../train/evaluate.js';
import { intOption, parse, println, UsageError, type CliIO } from './args.js';

export const EVAL_HELP = `Usage: tdmpc2 eval CHECKPOINT [options]

Runs evaluation episodes (eval mode) of a saved agent and prints the returns.

Options:
  --episodes N      episodes, run side by side (default 10)
  --task TASK       task (default: the one the checkpoint was trained on)
  --seed K          seed of the environments (copy i: K + i) (default 1)
  --device D        auto, cpu, cuda or cuda:N (default: the checkpoint's)
  --video FILE.svg  write the first episode as an animated SVG
  --fps N           frames per second of the video (default 25)
  --json            print the result as JSON
  --verbose         stack traces on errors
  -h, --help        this help`;

export async function evalCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse(
    'eval',
    argv,
    {
      episodes: { type: 'string' },
      task: { type: 'string' },
      seed: { type: 'string' },
      device: { type: 'string' },
      video: { type: 'string' },
      fps: { type: 'string' },
      json: { type: 'boolean' },
    },
  );
  if (v.help) {
    println(io.stdout, EVAL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('eval', positionals.length ? `expected one checkpoint, got ${positionals.length} arguments` : 'expected a CHECKPOINT file');
  const path = positionals[0]!;
  const episodes = intOption('eval', 'episodes', v.episodes, 1) ?? 10;
  const seed = intOption('eval', 'seed', v.seed, 0) ?? 1;
  const fps = intOption('eval', 'fps', v.fps, 1) ?? 25;
  if (v.device !== undefined && !/^(auto|cpu|cuda|cuda:\d+)$/.test(v.device))
    throw new UsageError('eval', `--device: expected auto, cpu, cuda or cuda:N, got "${v.device}"`);

  const contents = await readCheckpoint(path);
  const trainer = contents.extra.trainer as { task?: string } | undefined;
  const task = v.task ?? trainer?.task ?? (contents.extra.task as string | undefined);
  if (!task) throw new UsageError('eval', `${path} does not name its task; pass --task`);
  await loadMujoco();
  const envs = makeVectorEnv(task, episodes, { seed });
  const agent = await TDMPC2.load(path, v.device ? { device: v.device as 'auto' } : {});
  try {
    const O = envs.singleObservationSpace.shape[0]!;
    const A = envs.singleActionSpace.shape[0]!;
    if (agent.cfg.obsDim !== O || agent.cfg.actionDim !== A)
      throw new RangeError(`${path}: the agent takes obsDim ${agent.cfg.obsDim} / actionDim ${agent.cfg.actionDim}, but ${task} has ${O} / ${A}`);
    const frames: string[] = [];
    const r = evaluateAgent(agent, envs, v.video ? { onStep: () => frames.push(envs.render(0)) } : {});
    if (v.video) await writeEpisodeSvg(v.video, frames, { fps });
    const sd = Math.sqrt(r.returns.reduce((s, x) => s + (x - r.mean) ** 2, 0) / r.returns.length);
    if (v.json) println(io.stdout, JSON.stringify({ task, checkpoint: path, episodes, ...r, std: sd, video: v.video ?? null }));
    else {
      println(io.stdout, `${task}: return ${r.mean.toFixed(1)} ± ${sd.toFixed(1)} (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)}) over ${episodes} episodes of ${r.length} steps`);
      if (v.video) println(io.stdout, `video: ${v.video} (${frames.length} frames)`);
    }
    return 0;
  } finally {
    agent.dispose();
    envs.close();
  }
}
