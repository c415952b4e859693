/** A small image geometry (OAI-ZIB-like spacing, oblique) and label maps on it, for save/load tests. */
import type { LabelMapToWrite } from '../write-label-map';
import { syntheticVolume } from './synthetic-volume';

export const SAMPLE_IMAGE = syntheticVolume({
  size: [12, 10, 8],
  spacing: [0.3645833, 0.3645833, 0.7],
  origin: [-12.51178, -69.36525, 84.04359],
});

export function sampleLabelMap(
  value: (n: number) => number,
  componentType: 'uint8' | 'int32' | 'float32' = 'int32',
): LabelMapToWrite {
  return {
    voxels: syntheticVolume({ ...SAMPLE_IMAGE.geometry, componentType, value }).voxels,
    geometry: SAMPLE_IMAGE.geometry,
    labels: [
      { value: 1, name: 'femur', color: [230, 220, 170] },
      { value: 2, name: 'femoral cartilage', color: [90, 180, 250] },
    ],
    provenance: {
      app: { name: 'iSeg Studio', version: '0.1.0' },
      created: '2025-11-26T14:00:00.000Z',
      sourceImage: 'knee.nii.gz',
      models: [{ id: 'isegformer-knee', sha256: 'b'.repeat(64) }],
      clicks: 7,
      propagation: { model: 'stcn', memoryEvery: 5 },
    },
  };
}
