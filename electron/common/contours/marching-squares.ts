/**
 * Closed contours of a binary slice by marching squares, for RTSTRUCT export.
 *
 * Cells join the centres of four neighbouring pixels; the contour crosses a cell edge at its
 * midpoint wherever one end is inside and the other outside, so it runs half a pixel outside the
 * outermost inside centres. Segments are oriented (inside always on the same side), which makes
 * outer boundaries and hole boundaries wind in opposite directions and lets them be chained without
 * search. Diagonal-only contacts (saddle cells) are kept apart, so every polygon bounds a
 * 4-connected region or a hole. Points are in pixel index units: (i, j) with i along a row.
 */

export interface SliceContour {
  /** Vertices (i, j) in pixel index units, first not repeated at the end. */
  readonly points: readonly (readonly [number, number])[];
  /** A hole's boundary (inside the region, around outside pixels) rather than a region's outline. */
  readonly hole: boolean;
}

export interface ContourOptions {
  /**
   * Largest distance (pixels) a dropped vertex may lie from the simplified polygon; 0 keeps every
   * vertex but those on straight runs. Below 0.5 a pixel centre never changes sides.
   */
  readonly tolerance?: number;
}

/** Default simplification: a quarter pixel keeps every pixel centre on its side of the contour. */
export const DEFAULT_CONTOUR_TOLERANCE = 0.25;

type Point = readonly [number, number];

/**
 * The contours of the pixels where `inside(n)` holds, n = i + j × width, on a width × height slice.
 * Outer boundaries wind counter-clockwise in (i, j) (positive signed area), holes clockwise.
 */
export function sliceContours(
  width: number,
  height: number,
  inside: (n: number) => boolean,
  options: ContourOptions = {},
): SliceContour[] {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`A slice of ${width} × ${height} pixels has no contour.`);
  }
  const tolerance = options.tolerance ?? DEFAULT_CONTOUR_TOLERANCE;
  const at = (i: number, j: number): boolean =>
    i >= 0 && j >= 0 && i < width && j < height && inside(i + j * width);
  // Points on doubled coordinates (2i, 2j), so that edge midpoints are integers; one key per point.
  const stride = 2 * width + 4;
  const key = (x: number, y: number): number => (y + 2) * stride + (x + 2);
  const next = new Map<number, number>();
  // Cell (x, y) has corners (x, y), (x+1, y), (x+1, y+1), (x, y+1) in cyclic order; its edges
  // top, right, bottom, left join consecutive corners. x and y start at -1 so that contours close.
  const midX = [1, 2, 1, 0];
  const midY = [0, 1, 2, 1];
  for (let y = -1; y < height; y++) {
    for (let x = -1; x < width; x++) {
      const corners = [at(x, y), at(x + 1, y), at(x + 1, y + 1), at(x, y + 1)];
      const count = corners.filter(Boolean).length;
      if (count === 0 || count === 4) continue;
      // Edge e joins corner e to corner e+1. An entry goes outside→inside, an exit inside→outside;
      // each entry joins the next exit round the cell, cutting off a run of inside corners.
      for (let e = 0; e < 4; e++) {
        if (corners[e] || !corners[(e + 1) % 4]) continue;
        let exit = (e + 1) % 4;
        while (corners[(exit + 1) % 4]) exit = (exit + 1) % 4;
        const entry = key(2 * x + (midX[e] ?? 0), 2 * y + (midY[e] ?? 0));
        const leave = key(2 * x + (midX[exit] ?? 0), 2 * y + (midY[exit] ?? 0));
        // Exit to entry: outlines come out counter-clockwise in (i, j).
        next.set(leave, entry);
      }
    }
  }
  const contours: SliceContour[] = [];
  for (const start of next.keys()) {
    if (!next.has(start)) continue;
    const loop: Point[] = [];
    let current = start;
    for (;;) {
      const following = next.get(current);
      if (following === undefined) break;
      next.delete(current);
      loop.push([(current % stride) / 2 - 1, Math.floor(current / stride) / 2 - 1]);
      current = following;
      if (current === start) break;
    }
    const points = simplify(loop, tolerance);
    if (points.length < 3) continue;
    contours.push({ points, hole: signedArea(points) < 0 });
  }
  return contours;
}

/** The signed area of a closed polygon (positive when counter-clockwise in (i, j)). */
export function signedArea(points: readonly Point[]): number {
  let sum = 0;
  for (let n = 0; n < points.length; n++) {
    const [x0, y0] = points[n] ?? [0, 0];
    const [x1, y1] = points[(n + 1) % points.length] ?? [0, 0];
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Douglas–Peucker on an open run from `first` to `last` (inclusive), marking the vertices kept. */
function markKept(
  points: readonly Point[],
  first: number,
  last: number,
  tolerance: number,
  keep: boolean[],
): void {
  const stack: [number, number][] = [[first, last]];
  while (stack.length > 0) {
    const [a, b] = stack.pop() ?? [0, 0];
    let farthest = -1;
    let distance = -1;
    for (let n = a + 1; n < b; n++) {
      const d = distanceToSegment(points[n] ?? [0, 0], points[a] ?? [0, 0], points[b] ?? [0, 0]);
      if (d > distance) {
        distance = d;
        farthest = n;
      }
    }
    // 1e-9 drops points exactly on a straight run even with tolerance 0.
    if (farthest >= 0 && distance > Math.max(tolerance, 1e-9)) {
      keep[farthest] = true;
      stack.push([a, farthest], [farthest, b]);
    }
  }
}

/**
 * A closed polygon with fewer vertices: Douglas–Peucker between two far-apart anchors (the first
 * vertex and the one farthest from it), so the closing edge is treated like any other.
 */
export function simplify(points: readonly Point[], tolerance: number): Point[] {
  if (points.length <= 3) return [...points];
  const first = points[0] ?? [0, 0];
  let far = 0;
  let best = -1;
  points.forEach((p, n) => {
    const d = Math.hypot(p[0] - first[0], p[1] - first[1]);
    if (d > best) {
      best = d;
      far = n;
    }
  });
  const closed = [...points, first];
  const keep = closed.map(() => false);
  keep[0] = true;
  keep[far] = true;
  markKept(closed, 0, far, tolerance, keep);
  markKept(closed, far, closed.length - 1, tolerance, keep);
  return points.filter((_, n) => keep[n]);
}
