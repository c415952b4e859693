/**
 * Planar contours back to pixels: a pixel is inside when its centre lies inside an odd number of
 * polygons (even–odd rule), which is how DICOM RTSTRUCT combines a structure's contours on one
 * plane (a contour inside another is a hole). Used to check exported contours against the labels.
 */

type Point = readonly [number, number];

/** A width × height mask (i fastest) of the pixel centres (i, j) inside `polygons` by the even–odd rule. */
export function rasterizePolygons(
  width: number,
  height: number,
  polygons: readonly (readonly Point[])[],
): Uint8Array {
  const mask = new Uint8Array(width * height);
  const crossings: number[] = [];
  for (let j = 0; j < height; j++) {
    crossings.length = 0;
    for (const polygon of polygons) {
      for (let n = 0; n < polygon.length; n++) {
        const [x0, y0] = polygon[n] ?? [0, 0];
        const [x1, y1] = polygon[(n + 1) % polygon.length] ?? [0, 0];
        // Half-open in j, so a vertex on the scanline is counted once.
        if (y0 <= j === y1 <= j) continue;
        crossings.push(x0 + ((j - y0) / (y1 - y0)) * (x1 - x0));
      }
    }
    crossings.sort((a, b) => a - b);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const from = Math.max(0, Math.ceil(crossings[c] ?? 0));
      const to = Math.min(width - 1, Math.ceil(crossings[c + 1] ?? 0) - 1);
      for (let i = from; i <= to; i++) mask[i + j * width] = 1;
    }
  }
  return mask;
}
