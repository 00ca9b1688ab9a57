import { beforeAll, describe, expect, test } from 'vitest';
import { listTasks, loadMujoco, makeEnv, renderEpisode } from '../../lib/envs/index.js';

beforeAll(async () => {
  await loadMujoco();
});

/** Attributes of every `<tag .../>` element in an SVG string. */
function elements(svg: string, tag: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${tag}\\b([^>]*)/?>`, 'g'))].map((match) =>
    Object.fromEntries([...match[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
  );
}

const num = (value: string | undefined): number => Number(value);

describe('render()', () => {
  test.each(listTasks())('%s draws a well-formed SVG frame', (task) => {
    const env = makeEnv(task, { seed: 2 });
    try {
      env.reset();
      const svg = env.render({ width: 200, height: 150 });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150" viewBox="')).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect(svg.match(/<g\b/g)?.length).toBe(svg.match(/<\/g>/g)?.length);
      const shapes = elements(svg, 'line').length + elements(svg, 'circle').length + elements(svg, 'polygon').length;
      expect(shapes).toBeGreaterThanOrEqual(3);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      const [, , w, h] = elements(svg, 'svg')[0]!.viewBox!.split(' ').map(Number);
      expect(w! / h!).toBeCloseTo(200 / 150, 6);
    } finally {
      env.close();
    }
  });

  test('pendulum: the bob is drawn where the observed angle puts it', () => {
    const env = makeEnv('pendulum-swingup', { seed: 5 });
    const { obs } = env.reset();
    const bob = elements(env.render(), 'circle').find((c) => num(c.r) === 0.05)!;
    // Hinge at z = 0.6, bob 0.5 m along the pole: x = 0.5 sin θ, z = 0.6 + 0.5 cos θ.
    expect(num(bob.cx)).toBeCloseTo(0.5 * obs[1]!, 3);
    expect(num(bob.cy)).toBeCloseTo(0.6 + 0.5 * obs[0]!, 3);
    env.close();
  });

  test('reacher (top view): the target is drawn at its per-episode position', () => {
    const env = makeEnv('reacher-easy', { seed: 6 });
    const { obs } = env.reset();
    const circles = elements(env.render(), 'circle');
    const finger = circles.find((c) => num(c.r) === 0.01)!;
    const target = circles.find((c) => num(c.r) === 0.05)!;
    expect(num(target.cx) - num(finger.cx)).toBeCloseTo(obs[2]!, 3);
    expect(num(target.cy) - num(finger.cy)).toBeCloseTo(obs[3]!, 3);
    env.close();
  });

  test('cup: the string is drawn from the ball to the cup', () => {
    const env = makeEnv('cup-catch', { seed: 3 });
    env.reset();
    const string = elements(env.render(), 'polyline');
    expect(string).toHaveLength(1);
    expect(string[0]!.points!.split(' ')).toHaveLength(2);
    env.close();
  });

  test('cheetah: the view follows the body along x', () => {
    const env = makeEnv('cheetah-run', { seed: 1 });
    env.reset();
    const centre = (svg: string) => {
      const [x, , w] = elements(svg, 'svg')[0]!.viewBox!.split(' ').map(Number);
      return x! + w! / 2;
    };
    const start = centre(env.render());
    const state = env.getState();
    env.setState({ ...state, physics: state.physics.map((v, i) => (i === 1 ? v + 3 : v)) }); // qpos[0] is rootx
    expect(centre(env.render()) - start).toBeCloseTo(3, 3);
    env.close();
  });
});

describe('renderEpisode()', () => {
  test('stacks the frames with one discrete visibility animation each', () => {
    const env = makeEnv('cartpole-swingup', { seed: 1 });
    env.reset();
    const frames = [env.render()];
    for (let t = 0; t < 9; t++) {
      env.step([1]);
      frames.push(env.render());
    }
    env.close();
    const svg = renderEpisode(frames, { fps: 50 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">')).toBe(true);
    const animations = elements(svg, 'animate');
    expect(animations).toHaveLength(10);
    expect(animations.every((a) => a.dur === '0.2s' && a.repeatCount === 'indefinite' && a.calcMode === 'discrete')).toBe(true);
    expect(animations[0]!.keyTimes).toBe('0;0.1');
    expect(animations[3]!.keyTimes).toBe('0;0.3;0.4');
    expect(animations[3]!.values).toBe('hidden;visible;hidden');
    for (const frame of frames) expect(svg).toContain(frame);
    const once = elements(renderEpisode(frames, { loop: false }), 'animate');
    expect(once[9]!.values).toBe('hidden;visible');
    expect(once[9]!.fill).toBe('freeze');
    expect(renderEpisode(frames.slice(0, 1))).toBe(`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">${frames[0]}</svg>\n`);
  });

  test('rejects what is not a list of frames', () => {
    expect(() => renderEpisode([])).toThrow(/renderEpisode: frames: expected at least one frame, got 0/);
    expect(() => renderEpisode('<svg/>' as never)).toThrow(TypeError);
    expect(() => renderEpisode(['<div/>'])).toThrow(/frames\[0\]: expected an SVG string from render\(\)/);
    expect(() => renderEpisode(['<svg width="1" height="1"></svg>'], { fps: 0 })).toThrow(/options\.fps: expected a positive number, got 0/);
  });
});
