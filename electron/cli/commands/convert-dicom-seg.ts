/**
 * The DICOM half of `iseg convert`: a label map to a SEG or an RTSTRUCT that references its series,
 * and a SEG back to a label map on the series' grid.
 */
import { basename } from 'node:path';
import { ServiceError } from '../../common/errors';
import { writeRtStruct } from '../../node/io/dicom-rtstruct';
import { readDicomSeg, seriesReferenceFiles, writeDicomSeg, type LabelsOnSeries } from '../../node/io/dicom-seg';
import { loadLabelMapFor } from '../../node/io/load-label-map';
import { readVolume } from '../../node/io/read-volume';
import { writeLabelMap } from '../../node/io/write-label-map';

export interface SeriesChoice {
  /** A DICOM folder or one file of the series. */
  readonly reference: string;
  readonly seriesUid?: string | undefined;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(2);
}

/** The label file on the chosen series' grid, with the series' files, as the SEG and RTSTRUCT writers take it. */
async function labelsOnSeries(input: string, series: SeriesChoice, description: string): Promise<LabelsOnSeries> {
  const image = await readVolume(series.reference, { seriesUid: series.seriesUid });
  const referenceFiles = await seriesReferenceFiles(series.reference, series.seriesUid);
  const loaded = await loadLabelMapFor(input, image.geometry);
  return { voxels: loaded.labels.voxels, geometry: image.geometry, labels: loaded.sidecar?.labels ?? [], referenceFiles, description };
}

/** `iseg convert LABELS OUT.dcm --reference SERIES`: one line saying what was written. */
export async function labelsToDicomSeg(input: string, target: string, series: SeriesChoice): Promise<string> {
  const started = performance.now();
  const labels = await labelsOnSeries(input, series, `Segmentation of ${basename(series.reference)}`);
  const files = labels.referenceFiles;
  const written = await writeDicomSeg(target, labels);
  const renumbered = written.segments.some((s) => s.number !== s.value);
  const list = written.segments.map((s) =>
    renumbered ? `${s.number} "${s.name}" (label ${s.value})` : `${s.number} "${s.name}"`,
  );
  return `Wrote DICOM SEG ${basename(written.path)} referencing ${files.length} files of ${basename(series.reference)}: segment${list.length > 1 ? 's' : ''} ${list.join(', ')}; in ${seconds(started)} s.`;
}

/** `iseg convert LABELS OUT.dcm --reference SERIES --rtstruct`: one line saying what was written. */
export async function labelsToRtStruct(input: string, target: string, series: SeriesChoice): Promise<string> {
  const started = performance.now();
  const labels = await labelsOnSeries(input, series, `Structures of ${basename(series.reference)}`);
  const files = labels.referenceFiles;
  const written = await writeRtStruct(target, labels);
  const list = written.rois.map(
    (r) => `${r.number} "${r.name}" (${r.contours} contour${r.contours === 1 ? '' : 's'})`,
  );
  return `Wrote RTSTRUCT ${basename(written.path)} referencing ${files.length} files of ${basename(series.reference)}: ROI${list.length > 1 ? 's' : ''} ${list.join(', ')}; in ${seconds(started)} s.`;
}

/** `iseg convert SEG.dcm OUT.nii.gz [--reference SERIES]`: one line saying what was written. */
export async function dicomSegToLabels(
  input: string,
  target: string,
  series: SeriesChoice | undefined,
): Promise<string> {
  const started = performance.now();
  const grid =
    series === undefined
      ? undefined
      : (await readVolume(series.reference, { seriesUid: series.seriesUid })).geometry;
  const seg = await readDicomSeg(input, grid);
  if (seg.segments.length === 0) throw new ServiceError('unreadable', `${basename(input)} holds no segment.`);
  const written = await writeLabelMap(target, {
    voxels: seg.labels.voxels,
    geometry: seg.labels.geometry,
    labels: seg.segments,
    provenance: {
      app: { name: 'iseg-studio', version: '0.1.0' },
      created: new Date().toISOString(),
      sourceImage: series === undefined ? basename(input) : basename(series.reference),
      models: [],
      clicks: 0,
    },
  });
  const onto =
    series === undefined
      ? `in the SEG's own extent (${seg.labels.geometry.size.join('×')}; give --reference SERIES_FOLDER to place it on the whole series)`
      : `on the grid of ${basename(series.reference)} (${seg.labels.geometry.size.join('×')})`;
  return `Wrote ${basename(written.path)} from DICOM SEG ${basename(input)} ${onto}: ${seg.segments.map((s) => `${s.value} "${s.name}"`).join(', ')}; in ${seconds(started)} s.`;
}
