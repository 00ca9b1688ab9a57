// The `tdmpc2` command line: every command in process through main(argv, io) (exit codes, output,
// bad arguments), and the built bin (dist/cli.js, compiled in beforeAll so it is never stale)
// spawned as a user runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { main } from '../../lib/cli.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tdmpc2-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs main() with captured output. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const TINY = ['--set', 'mpc=false', '--set', 'latent_dim=16', '--set', 'mlpDim=32', '--set', 'enc_dim=16', '--set', 'num_q=2', '--set', 'batch_size=16', '--device', 'cpu'];

describe('tdmpc2 (in process)', () => {
  test('--version names the package version, the binary and the ISA', async () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await run('--version');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`tdmpc2 ${version}`);
    expect(r.out).toMatch(/binary: .*\.node \((source|prebuilt), built with /);
    expect(r.out).toMatch(/cpu: (avx512|avx2|scalar)/);
  });

  test('help everywhere; no command or an unknown one is a usage error', async () => {
    for (const cmd of [[], ['train'], ['eval'], ['tasks'], ['plot'], ['bench']]) {
      const r = await run(...cmd, '--help');
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: tdmpc2/);
    }
    expect((await run()).code).toBe(2);
    const r = await run('trian');
    expect(r.code).toBe(2);
    expect(r.err).toBe("tdmpc2: unknown command \"trian\"\nRun 'tdmpc2 --help' for usage.\n");
  });

  test('train rejects bad arguments with one line and exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--task', 'cartpole-balance', '--bogus'], /Unknown option '--bogus'/],
      [['--task', 'cartpole-balance', '--steps', 'ten'], /--steps: expected an integer ≥ 1, got "ten"/],
      [['--task', 'cartpole-balance', '--steps', '0'], /--steps: expected an integer ≥ 1, got "0"/],
      [['--task', 'cartpole-balance', '--model-size', '3'], /--model-size: expected one of 1, 5, 19, 48, 317, got 3/],
      [['--task', 'cartpole-balance', '--device', 'gpu'], /--device: expected auto, cpu, cuda or cuda:N, got "gpu"/],
      [['--task', 'cartpole-balance', '--set', 'batchsize=3'], /unknown config key "batchsize"; did you mean "batchSize"\?/],
      [['--task', 'cartpole-balance', '--set', 'mpc=maybe'], /--set mpc: expected true or false, got "maybe"/],
      [['--task', 'cartpole-balance', '--set', 'lr=fast'], /--set lr: expected a number, got "fast"/],
      [['--task', 'cartpole-balance', '--set', 'obs_dim=3'], /--set obsDim: set by the task/],
      [['--task', 'cartpole-balance', '--set', 'lr'], /--set: expected key=value, got "lr"/],
      [['--steps', '10'], /--task is required/],
      [['--resume', dir, '--task', 'cartpole-balance'], /only --steps and --device may change \(got --task\)/],
      [['--task', 'cartpole-balance', 'extra'], /unexpected argument "extra"/],
    ];
    for (const [argv, message] of cases) {
      const r = await run('train', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err.split('\n')).toHaveLength(3); // message, pointer to --help, final newline
    }
  });

  test('runtime errors: one line and exit code 1; --verbose adds the stack', async () => {
    const r = await run('eval', join(dir, 'none.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tdmpc2 eval: error: .*none\.safetensors: cannot read \(ENOENT\)\n$/);
    const v = await run('eval', join(dir, 'none.safetensors'), '--verbose');
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/\n\s+at /);
    const t = await run('train', '--task', 'cartpole-swingupp', '--steps', '1000', '--out', join(dir, 'bad'));
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/unknown task "cartpole-swingupp"; did you mean "cartpole-swingup"/);
    const s = await run('train', '--task', 'cartpole-balance', '--steps', '1000', '--set', 'lr=-1', '--out', join(dir, 'bad2'), ...TINY.slice(0, 2));
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/config\.lr: expected a number in \(0, 1\], got -1/);
  });

  test('train, resume, eval (with video), plot', async () => {
    const out = join(dir, 'run');
    const common = ['--task', 'cartpole-balance', '--seed-steps', '1000', '--eval-freq', '1000', '--eval-episodes', '2', '--out', out];
    const t = await run('train', ...common, '--steps', '1000', ...TINY);
    expect(t.code, t.err).toBe(0);
    expect(JSON.parse(t.out)).toMatchObject({ step: 1000, logDir: out });
    expect(t.err).toMatch(/^training cartpole-balance for 1000 steps/);
    expect(t.err).toMatch(/eval {2}step 1000 {2}return \d/);
    for (const f of ['train.csv', 'eval.csv', 'metrics.jsonl', 'config.json', 'curves.svg', 'checkpoint.safetensors', 'replay-0000001000.safetensors'])
      expect(existsSync(join(out, f)), f).toBe(true);

    const r = await run('train', '--resume', out, '--steps', '1500');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^resuming at step 1000: cartpole-balance for 1500 steps/);
    expect(JSON.parse(r.out)).toMatchObject({ step: 1500 });

    const video = join(dir, 'episode.svg');
    const e = await run('eval', join(out, 'checkpoint.safetensors'), '--episodes', '2', '--video', video, '--json');
    expect(e.code, e.err).toBe(0);
    const res = JSON.parse(e.out) as { task: string; returns: number[]; mean: number; length: number };
    expect(res.task).toBe('cartpole-balance'); // from the checkpoint
    expect(res.returns).toHaveLength(2);
    expect(res.length).toBe(500);
    expect(readFileSync(video, 'utf8').match(/<animate /g)).toHaveLength(501); // the first frame + 500 steps
    const text = await run('eval', join(out, 'checkpoint.safetensors'), '--episodes', '1');
    expect(text.out).toMatch(/^cartpole-balance: return \d+\.\d ± 0\.0 \(min .*\) over 1 episodes of 500 steps\n$/);

    const chart = join(dir, 'chart.svg');
    const p = await run('plot', out, out, '-o', chart, '--title', 'two <runs>');
    expect(p.code, p.err).toBe(0);
    const svg = readFileSync(chart, 'utf8');
    expect(svg).toContain('two &lt;runs&gt;');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect((await run('plot', join(dir, 'nowhere'))).err).toMatch(/nowhere[/\\]eval\.csv: cannot read \(ENOENT\)/);
  });

  test('multitask commands: help, usage errors, and a tiny train --tasks → --save-dataset → train-offline → finetune chain', async () => {
    for (const cmd of [['train-offline'], ['finetune']]) {
      const r = await run(...cmd, '--help');
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.out).toContain(`tdmpc2 ${cmd[0]}`);
    }
    expect((await run('train-offline')).code).toBe(2);
    expect((await run('finetune', '--task', 'cartpole-swingup')).code).toBe(2);
    expect((await run('finetune', 'x.safetensors')).code).toBe(2);
    expect((await run('train', '--tasks', 'cartpole-swingup,reacher-easy', '--num-envs', '2')).code).toBe(2);
    const mt = join(dir, 'mt');
    const data = join(dir, 'mt-data');
    // Plumbing only (learning is tested in test/train): runs end at their first episode boundary.
    const small = ['--steps', '1000', '--seed-steps', '1000', '--eval-freq', '1000', '--eval-episodes', '1', ...TINY];
    const r1 = await run('train', '--tasks', 'cartpole-swingup,reacher-easy', '--out', mt, '--save-dataset', data, ...small);
    expect(r1.code, r1.err).toBe(0);
    expect(r1.err).toMatch(/eval @ 1000: cartpole-swingup [\d.]+, reacher-easy [\d.]+; normalised score/);
    expect(existsSync(join(mt, 'checkpoint.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(data, 'dataset.json'), 'utf8')).episodes).toBe(2);
    const r2 = await run('train-offline', '--data', data, '--steps', '20', '--eval-freq', '20', '--eval-episodes', '1', '--out', join(dir, 'off'), ...TINY);
    expect(r2.code, r2.err).toBe(0);
    expect(JSON.parse(r2.out).updates).toBe(20);
    const r3 = await run('finetune', join(mt, 'checkpoint.safetensors'), '--task', 'pendulum-swingup', '--steps', '500', '--seed-steps', '500', '--eval-freq', '500', '--eval-episodes', '1', '--out', join(dir, 'ft'));
    expect(r3.code, r3.err).toBe(0);
    expect(r3.err).toContain('pendulum-swingup as task 2 of 3');
  }, 120_000);

  test('tasks lists every task with its sizes', async () => {
    const r = await run('tasks', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{ task: string; obs: number; action: number; episodeLength: number }>;
    expect(rows).toHaveLength(17);
    expect(rows.find((x) => x.task === 'cheetah-run')).toEqual({ task: 'cheetah-run', obs: 17, action: 6, episodeLength: 500 });
    expect((await run('tasks')).out.split('\n')[1]).toMatch(/^cartpole-balance\s+5\s+1\s+500$/);
  });

  test('bench: update timings with the analytic FLOPs; the planner only when present', async () => {
    const r = await run('bench', 'update', '--sizes', '1', '--batch', '4', '--repeats', '1', '--json');
    expect(r.code, r.err).toBe(0);
    const [row] = JSON.parse(r.out) as Array<{ size: number; batch: number; msMedian: number; gflop: number; parameters: number }>;
    expect(row).toMatchObject({ size: 1, batch: 4, parameters: 1_198_257 }); // SPEC §2, cartpole-swingup
    expect(row!.msMedian).toBeGreaterThan(0);
    expect(row!.gflop).toBeCloseTo((4.335e9 * 2 * 4) / 256 / 1e9, 1); // the update's MACs scale with the batch
    const p = await run('bench', 'planner', '--sizes', '1', '--batch', '1', '--repeats', '1');
    if (p.code === 0) expect(p.out).toMatch(/planner on cartpole-swingup/);
    else expect(p.err).toMatch(/^tdmpc2 bench planner: not available in this build \(/);
    expect((await run('bench', 'everything')).code).toBe(2);
  });

  test('bench update --gemm-profile: each GEMM form and shape of the update, summing to its FLOPs', async () => {
    const r = await run('bench', 'update', '--sizes', '1', '--batch', '4', '--repeats', '2', '--gemm-profile', '--json');
    expect(r.code, r.err).toBe(0);
    const [row] = JSON.parse(r.out) as Array<{ gflop: number; gemmProfile: { runs: number; msPerRun: number; entries: { form: string; M: number; N: number; K: number; calls: number }[] } }>;
    const p = row!.gemmProfile;
    expect(p.runs).toBe(2);
    expect(p.msPerRun).toBeGreaterThan(0);
    const flop = p.entries.filter((e) => !e.form.startsWith('pack')).reduce((s, e) => s + 2 * e.M * e.N * e.K * e.calls, 0);
    expect(flop / p.runs / 1e9).toBeCloseTo(row!.gflop, 9);
    const t = await run('bench', 'update', '--sizes', '1', '--batch', '4', '--repeats', '1', '--gemm-profile');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/GEMM profile: update, size 1, batch 4, 1 calls, (\d+) thread\(s\) \(ceiling \1 × \d+ GFLOP\/s, one core's FMA peak\)/);
    expect(t.out).toMatch(/^tn\s+384×129×12\s/m); // dW of a first layer on [z, a] (latent 128 + 1 action) over H·B rows
    expect(t.out).toMatch(/^products .* packs .* the rest .* of [\d.]+ ms$/m);
    const bad = await run('bench', 'update', '--device', 'cuda', '--gemm-profile');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--gemm-profile: profiles the CPU GEMM \(--device cpu\), got --device cuda/);
    expect((await run('bench', 'kernels', '--gemm-profile')).code).toBe(2);
  }, 60_000);

  test('bench kernels: every listed GEMM shape against the FMA peak, the epilogues and the MLP, without peers', async () => {
    const k = await run('bench', 'kernels', '--repeats', '1', '--json');
    expect(k.code, k.err).toBe(0);
    const report = JSON.parse(k.out) as {
      threads: number;
      fmaPeakGflops: number;
      openblas: string[];
      tfjs: string;
      gemm: { form: string; M: number; K: number; N: number; gflops: number; peakShare: number; peers: unknown[]; vsOpenBlas: number | null; twoThreadSpeedup: number | null; twoThreadHelpedShare: number | null }[];
      epilogue: { workload: string; ms: number; gemmMs: number }[];
      mlp: { workload: string; batch: number; ms: number; peerMs: number | null }[];
    };
    expect(report.threads).toBe(1);
    expect(report.fmaPeakGflops).toBeGreaterThan(0);
    // The shapes of the CPU-speed issue, in its order.
    expect(report.gemm.map((g) => `${g.form} ${g.M}x${g.K}x${g.N}`)).toEqual([
      'nt 256x512x512', 'nt 536x512x512', 'nt 1024x512x512', 'nt 256x128x384', 'nt 536x384x384', 'nt 256x512x101',
      'tn 512x256x512', 'nn 256x512x512',
    ]);
    for (const g of report.gemm) {
      expect(g.gflops).toBeGreaterThan(0);
      expect(g.peakShare).toBeGreaterThan(0);
      expect(g.peers).toEqual([]);
      expect(g.vsOpenBlas).toBeNull();
      expect(g.twoThreadSpeedup).toBeGreaterThan(0);
      // The share of the timed two-thread loops a helper joined: how many depends on the machine.
      expect(g.twoThreadHelpedShare).toBeGreaterThanOrEqual(0);
      expect(g.twoThreadHelpedShare).toBeLessThanOrEqual(1);
    }
    expect(report.openblas[0]).toMatch(/no GEMM peer/);
    expect(report.tfjs).toMatch(/no peer/);
    expect(report.epilogue.map((e) => e.workload)).toEqual([
      'bias + LN + Mish (inference)', 'bias + LN + Mish (training: saves H, stats)', 'bias + LN + SimNorm (inference)',
    ]);
    for (const e of report.epilogue) expect(Math.min(e.ms, e.gemmMs)).toBeGreaterThan(0);
    expect(report.mlp.map((m) => [m.workload, m.batch, m.peerMs])).toEqual([
      ['forward (inference)', 536, null],
      ['forward + backward + Adam', 256, null],
    ]);
    for (const m of report.mlp) expect(m.ms).toBeGreaterThan(0);
    // The table without --json; shape options are refused.
    const t = await run('bench', 'kernels', '--repeats', '1');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/^CPU kernels on .*1 rounds × 4 calls/);
    expect(t.out).toMatch(/dW \+= dYᵀ·X\s+512×256×512/);
    expect(t.out).toMatch(/FMA peak \(/);
    const bad = await run('bench', 'kernels', '--sizes', '5');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--sizes: not an option of bench kernels/);
    expect((await run('bench', 'kernels', '--device', 'cuda')).code).toBe(2);
  }, 120_000);
});

describe('tdmpc2 (the built bin)', () => {
  beforeAll(() => {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 120_000);

  test('dist/cli.js runs as an executable: --version, a usage error, a runtime error', () => {
    const cli = join(root, 'dist/cli.js');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const v = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^tdmpc2 \d+\.\d+\.\d+\nbinary: /);
    const u = spawnSync(process.execPath, [cli, 'train', '--steps', 'x'], { encoding: 'utf8' });
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/^tdmpc2 train: --steps: expected an integer ≥ 1, got "x"\n/);
    const e = spawnSync(process.execPath, [cli, 'eval', join(dir, 'missing.safetensors')], { encoding: 'utf8' });
    expect(e.status).toBe(1);
    expect(e.stderr.trim().split('\n')).toHaveLength(1);
  });
});
