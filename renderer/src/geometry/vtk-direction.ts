/**
 * vtk.js stores an image's direction column-major (its first three numbers are the world direction
 * of index axis i); the project's volumes store it row-major. This converts one to the other.
 */
import type { Mat3 } from '../../../electron/common/volume';

export function toVtkDirection(
  d: Mat3,
): [number, number, number, number, number, number, number, number, number] {
  return [d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]];
}
