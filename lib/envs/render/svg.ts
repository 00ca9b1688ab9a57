/**
 * SVG frames of a scene: the geoms projected orthographically onto a view plane. Planar DMC
 * domains move in the x–z plane, so a side view shows everything; the reacher and point-mass
 * arenas lie flat in x–y and are drawn from above.
 */
import type { GeomInfo } from '../model.js';
import type { Simulation } from '../simulation.js';
import { convexHull, extremePoints, polygonArea2, type Point } from './geometry.js';

/** How a task frames its scene. */
export interface RenderView {
  /** `'xz'`: side view, x right and z up. `'xy'`: top view, x right and y up. */
  readonly plane: 'xz' | 'xy';
  /** View centre in world coordinates of the plane (x, then z or y). */
  readonly center: readonly [number, number];
  /** Half of the visible width, in metres. */
  readonly halfWidth: number;
  /** Body whose subtree centre of mass the view follows along x (running domains). */
  readonly track?: string;
}

/** Image size of a frame. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

const BACKGROUND = '#e9eef2';
/** Planes without a size (infinite) are drawn this far each way. */
const INFINITE_PLANE_HALF_SIZE = 1000;
/** Vertices per circle when sampling round shapes for their projected outline. */
const CIRCLE_SEGMENTS = 24;

const format = (value: number): string => (Math.abs(value) < 5e-5 ? '0' : value.toFixed(4).replace(/\.?0+$/, ''));

/** SVG paint attributes for a geom colour: `fill="rgb(...)"` or `stroke=...`, with opacity if any. */
function paint(attribute: 'fill' | 'stroke', rgba: GeomInfo['rgba']): string {
  const channel = (c: number): number => Math.round(Math.min(1, Math.max(0, c)) * 255);
  const colour = `${attribute}="rgb(${channel(rgba[0])},${channel(rgba[1])},${channel(rgba[2])})"`;
  return rgba[3] < 1 ? `${colour} ${attribute}-opacity="${format(rgba[3])}"` : colour;
}

/** Projects world points with the view's plane, mapping (x, y, z) to (x, z) or (x, y). */
function projector(plane: RenderView['plane']): (p: readonly number[]) => Point {
  return plane === 'xz' ? (p) => [p[0]!, p[2]!] : (p) => [p[0]!, p[1]!];
}

/** Points on the surface outline of a geom, in world coordinates, for hull-based shapes. */
function outlinePoints(geom: GeomInfo, centre: readonly number[], rotation: ArrayLike<number>): number[][] {
  // Column k of the row-major rotation is the geom's local axis k in world coordinates.
  const axis = (k: number): number[] => [rotation[k]!, rotation[3 + k]!, rotation[6 + k]!];
  const [ax, ay, az] = [axis(0), axis(1), axis(2)];
  const at = (u: number, v: number, w: number): number[] =>
    [0, 1, 2].map((i) => centre[i]! + u * ax[i]! + v * ay[i]! + w * az[i]!);
  const [sx, sy, sz] = geom.size;
  const points: number[][] = [];
  switch (geom.type) {
    case 'box':
      for (const u of [-sx, sx]) for (const v of [-sy, sy]) for (const w of [-sz, sz]) points.push(at(u, v, w));
      break;
    case 'plane': {
      const hx = sx > 0 ? sx : INFINITE_PLANE_HALF_SIZE;
      const hy = sy > 0 ? sy : INFINITE_PLANE_HALF_SIZE;
      for (const u of [-hx, hx]) for (const v of [-hy, hy]) points.push(at(u, v, 0));
      break;
    }
    case 'cylinder':
      for (let k = 0; k < CIRCLE_SEGMENTS; k++) {
        const t = (2 * Math.PI * k) / CIRCLE_SEGMENTS;
        for (const w of [-sy, sy]) points.push(at(sx * Math.cos(t), sx * Math.sin(t), w));
      }
      break;
    case 'ellipsoid':
      for (let i = 0; i <= CIRCLE_SEGMENTS / 2; i++) {
        const polar = (Math.PI * i) / (CIRCLE_SEGMENTS / 2);
        for (let k = 0; k < CIRCLE_SEGMENTS; k++) {
          const t = (2 * Math.PI * k) / CIRCLE_SEGMENTS;
          points.push(at(sx * Math.sin(polar) * Math.cos(t), sy * Math.sin(polar) * Math.sin(t), sz * Math.cos(polar)));
        }
      }
      break;
    default:
      break;
  }
  return points;
}

/**
 * How far a geom reaches from its centre along world axis `axis` (half its extent there), so
 * the painter's order can use each geom's nearest point rather than its centre: a box in front
 * of a rail then hides the rail even though their centres are close.
 */
function reachAlong(geom: GeomInfo, rotation: ArrayLike<number>, axis: number): number {
  // Row `axis` of the rotation: the world axis expressed in the geom's local frame.
  const [a, b, c] = [Math.abs(rotation[3 * axis]!), Math.abs(rotation[3 * axis + 1]!), Math.abs(rotation[3 * axis + 2]!)];
  const [sx, sy, sz] = geom.size;
  switch (geom.type) {
    case 'sphere':
      return sx;
    case 'capsule':
      return c * sy + sx;
    case 'cylinder':
      return c * sy + Math.sqrt(Math.max(0, 1 - c * c)) * sx;
    case 'ellipsoid':
      return Math.hypot(a * sx, b * sy, c * sz);
    case 'box':
      return a * sx + b * sy + c * sz;
    default:
      return 0;
  }
}

/** SVG for the spatial tendons (polylines through their wrap points), e.g. the cup's string. */
function tendonElements(sim: Simulation, project: (p: readonly number[]) => Point, minWidth: number): string {
  const tendons = sim.compiled.tendons;
  if (tendons.length === 0) return '';
  // Read at render time only; fresh views, so nothing cached can be detached.
  const data = sim.data;
  const address = data.ten_wrapadr as Int32Array;
  const count = data.ten_wrapnum as Int32Array;
  const points = data.wrap_xpos as Float64Array;
  let svg = '';
  tendons.forEach((tendon, t) => {
    if (count[t]! < 2 || tendon.rgba[3] <= 0) return;
    const path: string[] = [];
    for (let k = address[t]!; k < address[t]! + count[t]!; k++) {
      const [u, v] = project(points.subarray(3 * k, 3 * k + 3) as unknown as number[]);
      path.push(`${format(u)},${format(v)}`);
    }
    svg +=
      `<polyline points="${path.join(' ')}" fill="none" ${paint('stroke', tendon.rgba)} ` +
      `stroke-width="${format(Math.max(2 * tendon.width, minWidth))}" stroke-linecap="round"/>`;
  });
  return svg;
}

/** SVG for one geom, or '' for shapes not drawn. */
function geomElement(
  geom: GeomInfo,
  centre: readonly number[],
  rotation: ArrayLike<number>,
  project: (p: readonly number[]) => Point,
  lineWidth: number,
): string {
  if (geom.type === 'sphere') {
    const [u, v] = project(centre);
    return `<circle cx="${format(u)}" cy="${format(v)}" r="${format(geom.size[0])}" ${paint('fill', geom.rgba)}/>`;
  }
  if (geom.type === 'capsule') {
    // A capsule is a segment along its local z swept by a sphere: a round-capped stroke.
    const half = geom.size[1];
    const a = project([0, 1, 2].map((i) => centre[i]! - half * rotation[3 * i + 2]!));
    const b = project([0, 1, 2].map((i) => centre[i]! + half * rotation[3 * i + 2]!));
    return (
      `<line x1="${format(a[0])}" y1="${format(a[1])}" x2="${format(b[0])}" y2="${format(b[1])}" ` +
      `${paint('stroke', geom.rgba)} stroke-width="${format(2 * geom.size[0])}" stroke-linecap="round"/>`
    );
  }
  const points = outlinePoints(geom, centre, rotation).map(project);
  if (points.length === 0) return '';
  const hull = convexHull(points);
  const [first, second] = extremePoints(hull);
  const span = Math.hypot(first[0] - second[0], first[1] - second[1]);
  if (Math.abs(polygonArea2(hull)) <= 1e-9 * Math.max(1, span * span)) {
    // Seen edge-on (the floor in a side view): a line.
    return (
      `<line x1="${format(first[0])}" y1="${format(first[1])}" x2="${format(second[0])}" y2="${format(second[1])}" ` +
      `${paint('stroke', geom.rgba)} stroke-width="${format(lineWidth)}"/>`
    );
  }
  const path = hull.map((p) => `${format(p[0])},${format(p[1])}`).join(' ');
  return `<polygon points="${path}" ${paint('fill', geom.rgba)}/>`;
}

/**
 * Draws the scene of `sim` as a standalone SVG document. Geoms are painted back to front
 * (planes first); fully transparent geoms are skipped.
 * @param positions world positions that override the model's for some geoms (task parameters)
 */
export function renderSvg(
  sim: Simulation,
  view: RenderView,
  size: FrameSize,
  positions?: ReadonlyMap<number, readonly [number, number, number]>,
): string {
  const { geomXpos, geomXmat, subtreeCom } = sim.views;
  const geoms = sim.compiled.geoms;
  const project = projector(view.plane);
  // Depth towards the viewer: the side camera looks along +y, the top camera along -z.
  const depth = view.plane === 'xz' ? 1 : 2;
  const farFirst = view.plane === 'xz' ? -1 : 1;

  let [cu, cv] = view.center;
  if (view.track !== undefined) cu = subtreeCom[3 * sim.compiled.id('body', view.track)]!;
  const halfWidth = view.halfWidth;
  const halfHeight = (halfWidth * size.height) / size.width;

  const order: { index: number; key: number }[] = [];
  for (let g = 0; g < geoms.length; g++) {
    const geom = geoms[g]!;
    if (geom.rgba[3] <= 0 || geom.type === 'other') continue;
    const centre = positions?.get(g)?.[depth] ?? geomXpos[3 * g + depth]!;
    // Paint in order of each geom's nearest point to the viewer, farthest first.
    const nearest = farFirst * centre + reachAlong(geom, geomXmat.subarray(9 * g, 9 * g + 9), depth);
    order.push({ index: g, key: geom.type === 'plane' ? -Infinity : nearest });
  }
  order.sort((a, b) => a.key - b.key || a.index - b.index);

  const elements: string[] = [];
  for (const { index } of order) {
    const centre = positions?.get(index) ?? Array.from(geomXpos.subarray(3 * index, 3 * index + 3));
    elements.push(geomElement(geoms[index]!, centre, geomXmat.subarray(9 * index, 9 * index + 9), project, halfWidth / 100));
  }
  // World y-up becomes SVG y-down through scale(1,-1), so the viewBox is in flipped units.
  const viewBox = [cu - halfWidth, -(cv + halfHeight), 2 * halfWidth, 2 * halfHeight].map(format).join(' ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="${viewBox}">` +
    `<rect x="${format(cu - halfWidth)}" y="${format(-(cv + halfHeight))}" width="${format(2 * halfWidth)}" ` +
    `height="${format(2 * halfHeight)}" fill="${BACKGROUND}"/>` +
    `<g transform="scale(1,-1)">${elements.join('')}${tendonElements(sim, project, halfWidth / 200)}</g></svg>`
  );
}
