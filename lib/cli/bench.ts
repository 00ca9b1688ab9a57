// `tdmpc2 bench update|planner|kernels`: timings of what this build has, with the analytic FLOPs
// (update, planner) or the core's measured FMA peak (kernels).
import { TDMPC2 } from '../agent/agent.js';
import type { ModelSize } from '../config.js';
import { MODEL_SIZES } from '../config.js';
import { loadMujoco } from '../envs/mujoco.js';
import { makeEnv } from '../envs/registry.js';
import { planMacs, updateMacs } from '../model/flops.js';
import { cpuFmaPeak } from '../agent/planner.js';
import { backends } from '../native.js';
import { formatGemmProfile, profileGemms, type GemmProfile } from '../bench/gemm-profile.js';
import { runKernelBenchmarks } from '../bench/kernels.js';
import { syntheticUpdateBatch } from '../bench/update-batch.js';
import { median } from '../bench/median.js';
import { intList, intOption, parse, println, UsageError, type CliIO } from './args.js';

export const BENCH_HELP = `Usage: tdmpc2 bench update|planner|kernels [options]

  update    milliseconds per gradient update (batch 256 by default) for model sizes 1 and 5,
            with the analytic FLOPs of an update and the rate they imply
  planner   milliseconds per MPPI planning call for B observations at once
  kernels   the CPU GEMM on the agent's shapes against this core's FMA peak measured in the
            same run, the fused LayerNorm epilogues against their bare GEMM, and the dynamics
            MLP (518→512→512→512) forward and training step, all at one thread (the GEMM also
            at two against one); the peers (OpenBLAS, tfjs-wasm) are in the source repository's
            benchmarks/kernels.ts

Options:
  --sizes LIST      model sizes (default 1,5)
  --batch LIST      update: batch size (default 256); planner: observations per call (default 1,64)
  --repeats N       timed repeats after 2 warm-ups; the median is reported (default 5);
                    kernels: interleaved rounds of 4 calls each (default 15)
  --task TASK       shapes of this task (default cartpole-swingup: obs 5, action 1)
  --device D        auto, cpu, cuda or cuda:N (default auto); kernels: cpu only
  --gemm-profile    update, planner (cpu): after the timing, the repeats again with every CPU
                    GEMM timed: each product form and shape and B's packs per call, against one
                    core's FMA peak (measured first) times the thread count
  --json            print the results as JSON
  --verbose         stack traces on errors
  -h, --help        this help`;

function time(repeats: number, f: () => void): number {
  f();
  f();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return median(t);
}

export async function benchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse(
    'bench',
    argv,
    {
      sizes: { type: 'string' },
      batch: { type: 'string' },
      repeats: { type: 'string' },
      task: { type: 'string' },
      device: { type: 'string' },
      json: { type: 'boolean' },
      'gemm-profile': { type: 'boolean' },
    },
  );
  if (v.help) {
    println(io.stdout, BENCH_HELP);
    return 0;
  }
  const what = positionals[0];
  if (positionals.length !== 1 || !['update', 'planner', 'kernels'].includes(what!))
    throw new UsageError('bench', `expected one of update, planner, kernels${what ? `, got "${positionals.join(' ')}"` : ''}`);
  if (what === 'kernels') {
    for (const k of ['sizes', 'batch', 'task'] as const)
      if (v[k] !== undefined) throw new UsageError('bench', `--${k}: not an option of bench kernels (its shapes are fixed)`);
    if (v['gemm-profile']) throw new UsageError('bench', '--gemm-profile: an option of bench update and bench planner (bench kernels times each GEMM itself)');
    if (v.device !== undefined && !/^(auto|cpu)$/.test(v.device))
      throw new UsageError('bench', `--device: bench kernels measures the CPU kernels (cpu or auto), got "${v.device}"`);
    const rounds = intOption('bench', 'repeats', v.repeats, 1) ?? 15;
    const report = await runKernelBenchmarks({
      rounds,
      gemmPeerNotes: ["no GEMM peer (the source repository's benchmarks/kernels.ts adds OpenBLAS)"],
      mlpPeer: "no peer (the source repository's benchmarks/kernels.ts adds tfjs-wasm)",
      log: v.json ? () => {} : (line) => println(io.stdout, line),
    });
    if (v.json) println(io.stdout, JSON.stringify(report));
    return 0;
  }
  const sizes = (v.sizes ? intList('bench', 'sizes', v.sizes, 1) : [1, 5]) as ModelSize[];
  for (const s of sizes) if (!(s in MODEL_SIZES)) throw new UsageError('bench', `--sizes: expected sizes among ${Object.keys(MODEL_SIZES).join(', ')}, got ${s}`);
  const batches = v.batch ? intList('bench', 'batch', v.batch, 1) : what === 'update' ? [256] : [1, 64];
  const repeats = intOption('bench', 'repeats', v.repeats, 1) ?? 5;
  const gemmProfile = v['gemm-profile'] === true;
  const device = (v.device ?? (gemmProfile ? 'cpu' : 'auto')) as 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;
  if (!/^(auto|cpu|cuda|cuda:\d+)$/.test(device)) throw new UsageError('bench', `--device: expected auto, cpu, cuda or cuda:N, got "${device}"`);
  if (gemmProfile && device !== 'cpu') throw new UsageError('bench', `--gemm-profile: profiles the CPU GEMM (--device cpu), got --device ${device}`);
  // The profile's ceiling: the best of three probes (other processes can only lower one).
  const peak = gemmProfile ? Math.max(cpuFmaPeak(300), cpuFmaPeak(300), cpuFmaPeak(300)) : 0;
  const threads = backends().cpu.threads;
  const profiles: { label: string; profile: GemmProfile }[] = [];
  const profile = (label: string, f: () => void) => {
    if (!gemmProfile) return undefined;
    const p = profileGemms(f, repeats);
    profiles.push({ label, profile: p });
    return p;
  };
  const task = v.task ?? 'cartpole-swingup';
  await loadMujoco();
  const env = makeEnv(task, { seed: 1 });
  const [O, A, T] = [env.observationSpace.shape[0]!, env.actionSpace.shape[0]!, env.maxEpisodeSteps];
  env.close();

  const rows: Record<string, unknown>[] = [];
  for (const size of sizes)
    for (const B of batches) {
      if (what === 'update') {
        const agent = new TDMPC2({ obsDim: O, actionDim: A, episodeLength: T, modelSize: size, batchSize: B, device, seed: 1 });
        const batch = syntheticUpdateBatch(agent.cfg.horizon, B, O, A, agent.device);
        const ms = time(repeats, () => agent.update(batch));
        const gflop = (2 * updateMacs(agent.cfg)) / 1e9;
        const gemms = profile(`update, size ${size}, batch ${B}`, () => agent.update(batch));
        rows.push({ bench: 'update', task, size, batch: B, device: agent.device, parameters: agent.model.numParams, msMedian: ms, gflop, gflops: gflop / (ms / 1000), ...(gemms && { gemmProfile: gemms }) });
        for (const t of Object.values(batch)) t.dispose();
        agent.dispose();
      } else {
        const agent = new TDMPC2({ obsDim: O, actionDim: A, episodeLength: T, modelSize: size, device, seed: 1, mpc: true });
        const obs = Float32Array.from({ length: B * O }, (_, i) => Math.sin(i));
        const first = new Array<boolean>(B).fill(true);
        try {
          agent.actBatch(obs, first);
        } catch (e) {
          agent.dispose();
          println(io.stderr, `tdmpc2 bench planner: not available in this build (${(e as Error).message})`);
          return 1;
        }
        const ms = time(repeats, () => agent.actBatch(obs, first));
        const gflop = (2 * B * planMacs(agent.cfg, 2)) / 1e9; // the planner evaluates the 2 sampled Q heads
        const gemms = profile(`planner, size ${size}, batch ${B}`, () => agent.actBatch(obs, first));
        rows.push({ bench: 'planner', task, size, batch: B, device: agent.device, parameters: agent.model.numParams, msMedian: ms, gflop, gflops: gflop / (ms / 1000), ...(gemms && { gemmProfile: gemms }) });
        agent.dispose();
      }
    }
  if (v.json) println(io.stdout, JSON.stringify(rows));
  else {
    println(io.stdout, `${what} on ${task} (obs ${O}, action ${A}), median of ${repeats} after 2 warm-ups`);
    println(io.stdout, 'size  batch  device   parameters   ms/call    GFLOP/call  GFLOP/s');
    for (const r of rows)
      println(
        io.stdout,
        `${String(r.size).padEnd(6)}${String(r.batch).padEnd(7)}${String(r.device).padEnd(9)}${String(r.parameters).padStart(10)}` +
          `${(r.msMedian as number).toFixed(1).padStart(10)}${(r.gflop as number).toFixed(2).padStart(13)}${(r.gflops as number).toFixed(1).padStart(9)}`,
      );
    for (const { label, profile: p } of profiles)
      println(
        io.stdout,
        `\nGEMM profile: ${label}, ${repeats} calls, ${threads} thread(s) (ceiling ${threads} × ${peak.toFixed(0)} GFLOP/s, one core's FMA peak)\n` +
          formatGemmProfile(p, threads * peak),
      );
  }
  return 0;
}
