/** Small 3-vector helpers for the view maths (pure, no DOM or vtk). */
import type { Mat3, Vec3 } from '../../../electron/common/volume';

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

/** Column `c` of a row-major 3×3 matrix: the world direction of index axis `c`. */
export function column(m: Mat3, c: 0 | 1 | 2): Vec3 {
  switch (c) {
    case 0:
      return [m[0], m[3], m[6]];
    case 1:
      return [m[1], m[4], m[7]];
    case 2:
      return [m[2], m[5], m[8]];
  }
}
