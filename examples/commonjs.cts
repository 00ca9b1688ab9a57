// Example 4: CommonJS. `require('tdmpc2')` loads the package's CommonJS build (the same code and
// the same native binary as `import`), with types for .cts/.cjs consumers.
//
//   npx tsc -p examples && node examples/dist/commonjs.cjs [--smoke]
import tdmpc2 = require('tdmpc2');

const { TDMPC2, backends, listTasks, loadMujoco, makeEnv } = tdmpc2;

async function main(): Promise<void> {
  const b = backends();
  console.log(`binary: ${b.binary.path} (${b.binary.builder}); cpu ${b.cpu.isa} × ${b.cpu.threads}`);
  // The built-in MuJoCo tasks work from CommonJS too (MuJoCo's WebAssembly module is loaded with import()).
  await loadMujoco();
  console.log(`${listTasks().length} built-in tasks`);
  const env = makeEnv('cartpole-swingup', { seed: 1 });
  const agent = new TDMPC2({ obsDim: env.observationSpace.shape[0]!, actionDim: env.actionSpace.shape[0]!, episodeLength: env.maxEpisodeSteps, mpc: false, latentDim: 32, mlpDim: 64, encDim: 32, numQ: 2, device: 'cpu' });
  let obs = env.reset().obs;
  let ret = 0;
  const steps = process.argv.includes('--smoke') ? 20 : env.maxEpisodeSteps;
  for (let t = 0; t < steps; t++) {
    const s = env.step(agent.act(obs, { firstStep: t === 0, evalMode: true }));
    ret += s.reward;
    obs = s.obs;
  }
  console.log(`cartpole-swingup: return ${ret.toFixed(2)} over ${steps} steps of an untrained agent`);
  agent.dispose();
  env.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
