/**
 * DICOM SEG and RTSTRUCT export of the working labels, referencing the series the image was opened
 * from. (`labels.load` reads a SEG back, recognised by content.)
 */
import type { MethodArgs, MethodOutput } from '../common/contract';
import { ServiceError } from '../common/errors';
import type { LabelEntry } from '../common/label-sidecar';
import { bytesPerVoxel, voxelCount, type VolumeGeometry, type VoxelArray } from '../common/volume';
import type { FileAccessPolicy } from './file-access';
import { writeRtStruct } from './io/dicom-rtstruct';
import { seriesReferenceFiles, writeDicomSeg } from './io/dicom-seg';
import type { OpenVolume } from './volume-registry';

export interface DicomSegServiceDeps {
  /** The open volume with this id; throws when it is gone. */
  readonly openVolume: (id: string) => OpenVolume;
  readonly files: FileAccessPolicy;
}

export type DicomSegHandlers = {
  'labels.exportDicomSeg': (
    input: MethodArgs<'labels.exportDicomSeg'>,
  ) => Promise<MethodOutput<'labels.exportDicomSeg'>>;
  'labels.exportRtStruct': (
    input: MethodArgs<'labels.exportRtStruct'>,
  ) => Promise<MethodOutput<'labels.exportRtStruct'>>;
};

interface ExportRequest {
  readonly target: string;
  readonly voxels: VoxelArray;
  readonly geometry: VolumeGeometry;
  readonly labels: readonly LabelEntry[];
  readonly referenceFiles: string[];
  readonly description: string;
}

export function createDicomSegHandlers(deps: DicomSegServiceDeps): DicomSegHandlers {
  /** Checks the request and finds the series' files; `what` names the object in errors ("A DICOM SEG"). */
  async function prepare(
    what: string,
    { volumeId, path, labelMap, labels }: MethodArgs<'labels.exportDicomSeg'>,
  ): Promise<ExportRequest> {
    const image = deps.openVolume(volumeId);
    const expected = voxelCount(image.volume.geometry.size) * bytesPerVoxel(labelMap.componentType);
    if (labelMap.voxels.byteLength !== expected) {
      throw new ServiceError(
        'bad-request',
        `The label map has ${labelMap.voxels.byteLength} bytes; the image needs ${expected}.`,
      );
    }
    const notFromSeries = `${what} refers to the DICOM series it was drawn on, and ${image.meta.name} was not opened from one.`;
    const source = image.source;
    if (source === undefined) throw new ServiceError('bad-request', notFromSeries);
    // The series is read again from the folder it came from: its files may have gone since.
    const referenceFiles = await seriesReferenceFiles(source.path, source.seriesUid).catch(
      (error: unknown) => {
        if (error instanceof ServiceError && error.code === 'bad-request')
          throw new ServiceError('bad-request', notFromSeries);
        throw error;
      },
    );
    const target = await deps.files.checkWritable(path);
    const voxels =
      labelMap.componentType === 'uint16'
        ? new Uint16Array(labelMap.voxels)
        : new Uint8Array(labelMap.voxels);
    return {
      target,
      voxels,
      geometry: image.volume.geometry,
      labels,
      referenceFiles,
      description: `Segmentation of ${image.meta.name}`.slice(0, 64),
    };
  }

  return {
    'labels.exportDicomSeg': async (input) => {
      const request = await prepare('A DICOM SEG', input);
      const written = await writeDicomSeg(request.target, request);
      return { path: written.path, segments: written.segments.map((s) => ({ ...s })) };
    },
    'labels.exportRtStruct': async (input) => {
      const request = await prepare('An RTSTRUCT', input);
      const written = await writeRtStruct(request.target, request);
      return { path: written.path, rois: written.rois.map((r) => ({ ...r })) };
    },
  };
}
