/** 2-D helpers for projecting MuJoCo geoms onto a view plane. */

/** A point in the view plane (metres). */
export type Point = readonly [number, number];

/** Convex hull of `points` (Andrew's monotone chain), counter-clockwise, without repeats. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** Twice the signed area of a polygon; ~0 for a degenerate (collinear) one. */
export function polygonArea2(polygon: readonly Point[]): number {
  let area = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    area += a[0] * b[1] - b[0] * a[1];
  }
  return area;
}

/** The two points of `points` farthest apart along their principal direction (for degenerate hulls). */
export function extremePoints(points: readonly Point[]): [Point, Point] {
  let best: [Point, Point] = [points[0]!, points[0]!];
  let bestDistance = -1;
  for (const a of points) {
    for (const b of points) {
      const distance = (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;
      if (distance > bestDistance) {
        bestDistance = distance;
        best = [a, b];
      }
    }
  }
  return best;
}
