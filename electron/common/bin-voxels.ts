/**
 * Block-mean downsampling by whole factors per index axis (2×2×1 halves a slice's pixels): each
 * output voxel is the mean of its f₀×f₁×f₂ block, centred where the block's centres average, so
 * the volume covers the same world extent with the same orientation.
 */
import { allocateVoxels, indexToWorld, linearIndex, type Vec3, type Volume } from './volume';

export function binVoxels(volume: Volume, factors: Vec3): Volume {
  const g = volume.geometry;
  if (factors.some((f) => !Number.isInteger(f) || f < 1)) throw new Error(`Binning factors must be whole numbers ≥ 1, not ${factors.join('×')}.`);
  const size: Vec3 = [Math.floor(g.size[0] / factors[0]), Math.floor(g.size[1] / factors[1]), Math.floor(g.size[2] / factors[2])];
  if (size.some((s) => s < 1)) throw new Error(`A ${g.size.join('×')} volume is smaller than one ${factors.join('×')} block.`);
  const origin = indexToWorld(g, [(factors[0] - 1) / 2, (factors[1] - 1) / 2, (factors[2] - 1) / 2]);
  const spacing: Vec3 = [g.spacing[0] * factors[0], g.spacing[1] * factors[1], g.spacing[2] * factors[2]];
  const out = allocateVoxels(volume.componentType, size[0] * size[1] * size[2]);
  const integer = !(out instanceof Float32Array || out instanceof Float64Array);
  const perBlock = factors[0] * factors[1] * factors[2];
  let n = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        let sum = 0;
        for (let c = 0; c < factors[2]; c++)
          for (let b = 0; b < factors[1]; b++)
            for (let a = 0; a < factors[0]; a++)
              sum += Number(volume.voxels[linearIndex(g.size, i * factors[0] + a, j * factors[1] + b, k * factors[2] + c)]);
        const mean = sum / perBlock;
        out[n++] = integer ? Math.round(mean) : mean;
      }
  return { geometry: { size, spacing, origin, direction: g.direction }, componentType: volume.componentType, voxels: out };
}
