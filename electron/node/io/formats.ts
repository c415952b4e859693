/** The volume file formats iSeg reads and writes, recognised by file name. */

export type VolumeFormatId = 'nifti' | 'nrrd' | 'metaimage' | 'gipl' | 'mgh';

export interface VolumeFormat {
  readonly id: VolumeFormatId;
  /** What the user calls it, for messages. */
  readonly name: string;
  /** Lower-case suffixes, longest first where one ends another. */
  readonly extensions: readonly string[];
  /**
   * ITK fills a short voxel payload with zeros or garbage instead of failing for these formats, so
   * the reader checks the payload length itself; `headerBytes` is where the voxels start.
   */
  readonly payloadCheck?: { headerBytes: 'nifti' | number };
}

export const VOLUME_FORMATS: readonly VolumeFormat[] = [
  { id: 'nifti', name: 'NIfTI', extensions: ['.nii.gz', '.nii'], payloadCheck: { headerBytes: 'nifti' } },
  { id: 'nrrd', name: 'NRRD', extensions: ['.seg.nrrd', '.nrrd', '.nhdr'] },
  { id: 'metaimage', name: 'MetaImage', extensions: ['.mha', '.mhd'] },
  { id: 'gipl', name: 'GIPL', extensions: ['.gipl.gz', '.gipl'], payloadCheck: { headerBytes: 256 } },
  { id: 'mgh', name: 'MGH', extensions: ['.mgz', '.mgh'], payloadCheck: { headerBytes: 284 } },
];

export function volumeFormatOf(path: string): VolumeFormat | undefined {
  const lower = path.toLowerCase();
  return VOLUME_FORMATS.find((format) => format.extensions.some((ext) => lower.endsWith(ext)));
}

export function supportedExtensionsText(): string {
  return VOLUME_FORMATS.flatMap((format) => format.extensions).join(', ');
}
