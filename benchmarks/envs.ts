/**
 * Environment throughput: decisions per second for every task, single env and a 16-copy
 * VectorEnv, median of repeats after a warm-up, random actions (drawn up front).
 *
 *   node benchmarks/run-ts.mjs benchmarks/envs.ts [--quick] [--tasks cartpole-swingup,walker-walk]
 *
 * (from the repository root.) Prints a Markdown table and writes benchmarks/results/envs.json
 * with the machine, Node and date.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { listTasks, loadMujoco, makeEnv, makeVectorEnv, type Mujoco } from '../lib/envs/index.js';
import { CompiledModel } from '../lib/envs/model.js';
import { Rng } from '../lib/envs/rng.js';
import { taskDefinition } from '../lib/envs/registry.js';
import { median } from './util.js';

const VECTOR_SIZE = 16;

interface Settings {
  /** Decisions per timed repeat of the single env. */
  singleDecisions: number;
  /** Vector steps (each NUM copies) per timed repeat. */
  vectorSteps: number;
  repeats: number;
}

interface TaskResult {
  task: string;
  /** Physics steps per decision: 2 (action repeat) × DMC's substeps per control step. */
  physicsStepsPerDecision: number;
  singleDecisionsPerSecond: number;
  vectorDecisionsPerSecond: number;
  singlePhysicsStepsPerSecond: number;
}

/** `count` actions of `size` values uniform in [-1, 1], flat. */
function randomActions(count: number, size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * size }, () => rng.uniform(-1, 1));
}

/** Seconds taken by `run`, median over repeats after two untimed warm-up runs (JIT). */
function timeIt(run: () => void, repeats: number): number {
  run();
  run();
  const seconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    run();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(seconds);
}

function benchmarkTask(mj: Mujoco, task: string, settings: Settings): TaskResult {
  const definition = taskDefinition(task, 'bench');
  const single = makeEnv(task, { seed: 1 });
  const actionSize = single.actionSpace.shape[0]!;
  const actions = randomActions(settings.singleDecisions, actionSize, 2);
  // Episodes are 500 decisions: reset when one ends, as a training loop would.
  const singleSeconds = timeIt(() => {
    single.reset();
    for (let t = 0; t < settings.singleDecisions; t++) {
      if (single.step(actions.subarray(t * actionSize, (t + 1) * actionSize)).truncated) single.reset();
    }
  }, settings.repeats);
  single.close();

  const vector = makeVectorEnv(task, VECTOR_SIZE, { seed: 1 });
  const batch = VECTOR_SIZE * actionSize;
  const vectorActions = randomActions(settings.vectorSteps, batch, 3);
  const vectorSeconds = timeIt(() => {
    vector.reset();
    for (let t = 0; t < settings.vectorSteps; t++) vector.step(vectorActions.subarray(t * batch, (t + 1) * batch));
  }, settings.repeats);
  vector.close();

  const physicsStepsPerDecision = 2 * Math.round(definition.controlTimestep / physicsTimestep(mj, task));
  const singleRate = settings.singleDecisions / singleSeconds;
  return {
    task,
    physicsStepsPerDecision,
    singleDecisionsPerSecond: singleRate,
    vectorDecisionsPerSecond: (settings.vectorSteps * VECTOR_SIZE) / vectorSeconds,
    singlePhysicsStepsPerSecond: singleRate * physicsStepsPerDecision,
  };
}

/** The compiled model's physics timestep. */
function physicsTimestep(mj: Mujoco, task: string): number {
  const compiled = new CompiledModel(mj, taskDefinition(task, 'bench').xml);
  const timestep = compiled.timestep;
  compiled.delete();
  return timestep;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const tasksArg = args[args.indexOf('--tasks') + 1];
  const tasks = args.includes('--tasks') && tasksArg ? tasksArg.split(',') : listTasks();
  const settings: Settings = quick
    ? { singleDecisions: 200, vectorSteps: 20, repeats: 3 }
    : { singleDecisions: 1000, vectorSteps: 100, repeats: 5 };

  const mj = await loadMujoco();
  const results = tasks.map((task) => benchmarkTask(mj, task, settings));

  const rows = results.map(
    (r) =>
      `| ${r.task} | ${r.physicsStepsPerDecision} | ${Math.round(r.singleDecisionsPerSecond)} | ` +
      `${Math.round(r.vectorDecisionsPerSecond)} | ${Math.round(r.singlePhysicsStepsPerSecond)} |`,
  );
  const machine = os.cpus()[0]?.model ?? 'unknown CPU';
  // Run from the repository root (the package's exports do not include its package.json).
  const mujocoVersion = (JSON.parse(readFileSync('node_modules/@mujoco/mujoco/package.json', 'utf8')) as { version: string }).version;
  process.stdout.write(
    [
      `env decisions/s (1 decision = 2 DMC control steps), median of ${settings.repeats} after warm-up`,
      `${machine}, ${os.cpus().length} cores, Node ${process.version}, @mujoco/mujoco ${mujocoVersion}`,
      '',
      `| task | physics steps/decision | single env | vector ×${VECTOR_SIZE} (total) | single env physics steps/s |`,
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    ].join('\n'),
  );

  mkdirSync('benchmarks/results', { recursive: true });
  const report = {
    benchmark: 'envs',
    date: new Date().toISOString(),
    machine,
    cores: os.cpus().length,
    node: process.version,
    mujoco: mujocoVersion,
    vectorSize: VECTOR_SIZE,
    settings,
    results,
  };
  writeFileSync('benchmarks/results/envs.json', `${JSON.stringify(report, null, 2)}\n`);
}

await main();
