/**
 * A parametric knee phantom made in code: femur and tibia with cartilage caps in soft tissue, with
 * deterministic noise. It stands in when no sample file is available and gives unit tests a
 * volume with known anatomy and labels.
 */
import type { Volume } from './volume';

export interface PhantomOptions {
  size?: readonly [number, number, number];
  spacing?: readonly [number, number, number];
  seed?: number;
}

export const PHANTOM_LABELS = { femur: 1, femoralCartilage: 2, tibia: 3, tibialCartilage: 4 } as const;

/** Small, fast, seeded PRNG (mulberry32): the same seed always gives the same phantom. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the image (int16, MR-like units) and its label map, sharing one LPS geometry. */
export function makeKneePhantom(options: PhantomOptions = {}): { image: Volume; labels: Volume } {
  const size = options.size ?? [96, 96, 64];
  const spacing = options.spacing ?? [1, 1, 1.5];
  const random = mulberry32(options.seed ?? 1);
  const [nx, ny, nz] = size;
  const count = nx * ny * nz;
  const image = new Int16Array(count);
  const labels = new Uint8Array(count);
  // Physical centre and extents in mm; the joint line runs across z (superior = +z in LPS).
  const cx = (nx * spacing[0]) / 2;
  const cy = (ny * spacing[1]) / 2;
  const cz = (nz * spacing[2]) / 2;
  const boneRadius = Math.min(cx, cy) * 0.45;
  const gap = 3; // mm of joint space between the cartilage caps
  const cartilage = 2.5; // mm
  for (let k = 0; k < nz; k++) {
    const z = k * spacing[2] - cz;
    for (let j = 0; j < ny; j++) {
      const y = j * spacing[1] - cy;
      for (let i = 0; i < nx; i++) {
        const x = i * spacing[0] - cx;
        const n = i + nx * (j + ny * k);
        const radial = Math.hypot(x, y * 1.2);
        // Femur: a cylinder above the joint line whose lower end is a hemisphere (the condyle).
        const femurEnd = z - (gap / 2 + cartilage + boneRadius);
        const femurDistance = femurEnd >= 0 ? radial : Math.hypot(radial, femurEnd);
        const tibiaTop = -(gap / 2 + cartilage);
        const inTibia = z < tibiaTop && radial < boneRadius * 1.1;
        const inTibialCartilage = z >= tibiaTop && z < -gap / 2 && radial < boneRadius;
        let label = 0;
        if (femurDistance < boneRadius) label = PHANTOM_LABELS.femur;
        else if (femurEnd < 0 && z > gap / 2 && femurDistance < boneRadius + cartilage) label = PHANTOM_LABELS.femoralCartilage;
        else if (inTibia) label = PHANTOM_LABELS.tibia;
        else if (inTibialCartilage) label = PHANTOM_LABELS.tibialCartilage;
        labels[n] = label;
        const body = Math.hypot(x, y) < Math.min(cx, cy) * 0.9;
        const base = !body ? 5 : label === 1 || label === 3 ? 300 : label === 2 || label === 4 ? 700 : 180;
        image[n] = Math.round(base + (random() - 0.5) * 60);
      }
    }
  }
  const geometry = { size, spacing, origin: [-cx, -cy, -cz], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } as const;
  return {
    image: { geometry, componentType: 'int16', voxels: image },
    labels: { geometry, componentType: 'uint8', voxels: labels },
  };
}
