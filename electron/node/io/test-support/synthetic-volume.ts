/** Volumes made from parameters, with every voxel value predictable from its index. */
import {
  allocateVoxels,
  type ComponentType,
  type Mat3,
  type Vec3,
  type Volume,
} from '../../../common/volume';

/** LPS direction of OAI-ZIB 9092628 as read by ITK: oblique, and different from its transpose. */
export const OBLIQUE_DIRECTION: Mat3 = [0.10452846, 0, -0.9945219, 0.9945219, 0, 0.10452846, 0, -1, 0];

export interface SyntheticOptions {
  readonly size?: Vec3;
  readonly spacing?: Vec3;
  readonly origin?: Vec3;
  readonly direction?: Mat3;
  readonly componentType?: ComponentType;
  /** Value of voxel n (linear index); defaults to a pattern that fits every component type. */
  readonly value?: (n: number, i: number, j: number, k: number) => number;
}

export function syntheticVolume(options: SyntheticOptions = {}): Volume {
  const size = options.size ?? [7, 6, 5];
  const componentType = options.componentType ?? 'int16';
  const voxels = allocateVoxels(componentType, size[0] * size[1] * size[2]);
  const value = options.value ?? ((n: number) => (n * 37) % 101);
  let n = 0;
  for (let k = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      for (let i = 0; i < size[0]; i++) {
        voxels[n] = value(n, i, j, k);
        n++;
      }
    }
  }
  return {
    geometry: {
      size,
      spacing: options.spacing ?? [0.75, 0.5, 2.5],
      origin: options.origin ?? [-12.5, 30.25, 7],
      direction: options.direction ?? OBLIQUE_DIRECTION,
    },
    componentType,
    voxels,
  };
}
