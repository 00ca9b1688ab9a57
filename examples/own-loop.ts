// Example 2: you own the loop. Act, step your environment, hand the transition to the agent, and
// update when you choose; the agent keeps the episodes in its replay buffer.
//
//   npx tsc -p examples && node examples/dist/own-loop.js [--smoke]
//
// This is the shape of an existing training loop, a game server or a robot bridge: the agent never
// calls your environment. At the end, agent.world rolls the learned model forward in latent space.
import { TDMPC2 } from 'tdmpc2';

import { PointRobot, smoke } from './point-robot-env.js';

const env = new PointRobot();
const agent = new TDMPC2({
  obsDim: 6,
  actionDim: 2,
  episodeLength: env.maxEpisodeSteps,
  mpc: false, // act with the policy prior; remove to plan with MPPI (slower per step, better)
  latentDim: 64,
  mlpDim: 128,
  encDim: 64,
  numQ: 2,
  batchSize: 64,
  device: 'cpu',
});

const episodes = smoke ? 4 : 40;
const seedEpisodes = smoke ? 2 : 5; // random actions first, as the Trainer's seeding phase
for (let episode = 0; episode < episodes; episode++) {
  let obs = env.reset(episode === 0 ? { seed: 1 } : undefined).obs;
  let ret = 0;
  for (let t = 0; ; t++) {
    const random = episode < seedEpisodes;
    const action = random ? Float32Array.from({ length: 2 }, () => Math.random() * 2 - 1) : agent.act(obs, { firstStep: t === 0 });
    const step = env.step(action);
    agent.observe({ obs, action, reward: step.reward, nextObs: step.obs, truncated: step.truncated });
    // One update per step once the buffer holds whole episodes (after the seeding episodes).
    if (!random) agent.update();
    ret += step.reward;
    obs = step.obs;
    if (step.truncated) break;
  }
  console.log(`episode ${episode + 1}: return ${ret.toFixed(1)}${episode < seedEpisodes ? ' (random actions)' : ''}`);
}

// Research use: imagine 5 steps ahead from the last observation with the policy's actions.
let z = agent.world.encode(env.reset().obs);
let imagined = 0;
for (let h = 0; h < 5; h++) {
  const a = agent.world.policy(z, { evalMode: true });
  imagined += agent.world.reward(z, a)[0]!;
  z = agent.world.next(z, a);
}
console.log(`imagined 5-step reward under the policy: ${imagined.toFixed(2)}; Q at the end: ${agent.world.Q(z, agent.world.policy(z, { evalMode: true }), { reduce: 'mean' })[0]!.toFixed(2)}`);
agent.dispose();
