/**
 * Makes the bundled samples (resources/sample/). The first-run sample is a real knee MRI: the
 * pyKNEEr demo's sagittal DESS series (GPL-3.0, see resources/README.md), its slices binned 2×2
 * (512² at 0.3125 mm → 256² at 0.625 mm) to keep the file small. The labelled sample is an MR-like knee image simulated from the
 * CLAIR-Knee-103R template's label map (CC-BY-NC 4.0, the only knee label map here whose licence
 * allows redistributing a derivative), stored as int16, plus its labels in the app's knee preset
 * (1 femur, 2 femoral cartilage, 3 tibia, 4 tibial cartilage: CLAIR's medial and lateral tibial
 * cartilage values 4 and 5 are merged). Run with `node scripts/make-sample.mjs`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { binVoxels } from '../common/bin-voxels';
import { simulateKneeMr } from '../common/simulate/knee-mr';
import type { Volume } from '../common/volume';
import { readVolume } from './io/read-volume';
import { writeVolume } from './io/write-volume';

export const SAMPLE_SEED = 2026;

/** CLAIR value → knee preset value. */
const CLAIR_TO_PRESET = new Map([
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 4],
  [5, 4],
]);

export function remapClairLabels(labels: Volume): Volume {
  const out = new Uint8Array(labels.voxels.length);
  for (let n = 0; n < out.length; n++) out[n] = CLAIR_TO_PRESET.get(Number(labels.voxels[n])) ?? 0;
  return { geometry: labels.geometry, componentType: 'uint8', voxels: out };
}

export function toInt16(image: Volume): Volume {
  const out = new Int16Array(image.voxels.length);
  for (let n = 0; n < out.length; n++) out[n] = Math.max(-32768, Math.min(32767, Math.round(Number(image.voxels[n]))));
  return { geometry: image.geometry, componentType: 'int16', voxels: out };
}

export async function makeSample(clairLabelsPath: string, outDir: string): Promise<{ image: string; labels: string }> {
  const clair = await readVolume(clairLabelsPath);
  const labels = remapClairLabels(clair);
  const image = toInt16(simulateKneeMr(clair, { seed: SAMPLE_SEED, preset: 'clair' }));
  await mkdir(outDir, { recursive: true });
  const imagePath = join(outDir, 'knee-sample.nii.gz');
  const labelsPath = join(outDir, 'knee-sample_labels.nii.gz');
  await writeVolume(image, imagePath);
  await writeVolume(labels, labelsPath);
  return { image: imagePath, labels: labelsPath };
}

/** The first-run sample: a DICOM series folder read, binned 2×2 in each slice, written as NIfTI. */
export async function makeRealSample(seriesFolder: string, outDir: string): Promise<string> {
  const series = await readVolume(seriesFolder);
  const binned = binVoxels(series, [2, 2, 1]);
  await mkdir(outDir, { recursive: true });
  const imagePath = join(outDir, REAL_SAMPLE_FILE_NAME);
  await writeVolume(binned, imagePath);
  return imagePath;
}

export const REAL_SAMPLE_FILE_NAME = 'knee-dess-pykneer01.nii.gz';
