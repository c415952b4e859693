/**
 * DICOM SEG export of the working labels, as a SEG that references the series the image was opened
 * from. (`labels.load` reads a SEG back, recognised by content.)
 */
import type { MethodArgs, MethodOutput } from '../common/contract';
import { ServiceError } from '../common/errors';
import { bytesPerVoxel, voxelCount } from '../common/volume';
import type { FileAccessPolicy } from './file-access';
import { seriesReferenceFiles, writeDicomSeg } from './io/dicom-seg';
import type { OpenVolume } from './volume-registry';

export interface DicomSegServiceDeps {
  /** The open volume with this id; throws when it is gone. */
  readonly openVolume: (id: string) => OpenVolume;
  readonly files: FileAccessPolicy;
}

export type DicomSegHandlers = {
  'labels.exportDicomSeg': (input: MethodArgs<'labels.exportDicomSeg'>) => Promise<MethodOutput<'labels.exportDicomSeg'>>;
};

export function createDicomSegHandlers(deps: DicomSegServiceDeps): DicomSegHandlers {
  return {
    'labels.exportDicomSeg': async ({ volumeId, path, labelMap, labels }) => {
      const image = deps.openVolume(volumeId);
      const expected = voxelCount(image.volume.geometry.size) * bytesPerVoxel(labelMap.componentType);
      if (labelMap.voxels.byteLength !== expected) {
        throw new ServiceError('bad-request', `The label map has ${labelMap.voxels.byteLength} bytes; the image needs ${expected}.`);
      }
      const source = image.source;
      if (source === undefined) {
        throw new ServiceError('bad-request', `A DICOM SEG refers to the DICOM series it was drawn on, and ${image.meta.name} was not opened from one.`);
      }
      // The series is read again from the folder it came from: its files may have gone since.
      const referenceFiles = await seriesReferenceFiles(source.path, source.seriesUid).catch((error: unknown) => {
        if (error instanceof ServiceError && error.code === 'bad-request') {
          throw new ServiceError('bad-request', `A DICOM SEG refers to the DICOM series it was drawn on, and ${image.meta.name} was not opened from one.`);
        }
        throw error;
      });
      const target = await deps.files.checkWritable(path);
      const voxels = labelMap.componentType === 'uint16' ? new Uint16Array(labelMap.voxels) : new Uint8Array(labelMap.voxels);
      const written = await writeDicomSeg(target, {
        voxels,
        geometry: image.volume.geometry,
        labels,
        referenceFiles,
        description: `Segmentation of ${image.meta.name}`.slice(0, 64),
      });
      return { path: written.path, segments: written.segments.map((s) => ({ ...s })) };
    },
  };
}
