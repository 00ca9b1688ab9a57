/** Ball-in-cup catch (dm_control/suite/ball_in_cup.py): reward 1 while the ball is in the cup. */
import { CUP_XML } from '../models/cup.js';
import type { BoundTask, TaskDefinition } from '../task.js';

export const CUP_CATCH: TaskDefinition = {
  name: 'cup-catch',
  xml: CUP_XML,
  controlTimestep: 0.02,
  timeLimit: 20,
  observationSize: 8,
  parameterCount: 0,
  view: { plane: 'xz', center: [0, 0.35], halfWidth: 0.6 },
  bind(model): BoundTask {
    const ballX = model.qposAddress('ball_x');
    const ballZ = model.qposAddress('ball_z');
    const ball = model.id('body', 'ball');
    const target = model.id('site', 'target');
    const targetSize = model.siteSize('target');
    const ballRadius = model.geoms[model.id('geom', 'ball')]!.size[0];
    return {
      initializeEpisode(sim, rng) {
        // Draw ball positions until it does not touch the cup (DMC loops without a bound too).
        do {
          const qpos = sim.views.qpos;
          qpos[ballX] = rng.uniform(-0.2, 0.2);
          qpos[ballZ] = rng.uniform(0.2, 0.5);
          sim.forward();
        } while (sim.contactCount > 0);
      },
      observe(sim, _params, out, offset) {
        const { qpos, qvel } = sim.views;
        for (let i = 0; i < 4; i++) {
          out[offset + i] = qpos[i]!;
          out[offset + 4 + i] = qvel[i]!;
        }
      },
      reward(sim) {
        const { siteXpos, xpos } = sim.views;
        const dx = Math.abs(siteXpos[3 * target]! - xpos[3 * ball]!);
        const dz = Math.abs(siteXpos[3 * target + 2]! - xpos[3 * ball + 2]!);
        return dx < targetSize[0] - ballRadius && dz < targetSize[2] - ballRadius ? 1 : 0;
      },
    };
  },
};
