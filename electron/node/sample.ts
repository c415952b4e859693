/**
 * The bundled samples. The first-run sample is a real knee MRI (pyKNEEr's sagittal DESS, binned
 * 2×2 in each slice); the simulated knee comes with its labels, for review and the journeys. The
 * first-run choice can be changed with ISEG_SAMPLE (the e2e journeys use the labelled one).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_IDS, type SampleId } from '../common/contract';
import { makeKneePhantom } from '../common/phantom';
import { readVolume } from './io/read-volume';
import type { LoadedVolume } from './services';

export const SAMPLE_FILE = join('sample', 'knee-sample.nii.gz');
export const SAMPLE_NAME = 'Sample knee (simulated MR)';

export const SAMPLES: Readonly<Record<SampleId, { file: string; name: string }>> = {
  'knee-mri': { file: join('sample', 'knee-dess-pykneer01.nii.gz'), name: 'Sample knee MRI (real, sagittal DESS)' },
  'knee-simulated': { file: SAMPLE_FILE, name: SAMPLE_NAME },
};

/** The first-run sample: ISEG_SAMPLE's choice, else the real knee MRI. */
export function firstRunSample(setting: string | undefined = process.env.ISEG_SAMPLE): SampleId {
  if (setting === undefined || setting === '') return 'knee-mri';
  const known = SAMPLE_IDS.find((id) => id === setting);
  if (known === undefined) throw new Error(`ISEG_SAMPLE must be one of ${SAMPLE_IDS.join(', ')}, not "${setting}".`);
  return known;
}

export function sampleLoader(resourcesDir: string, firstRun: SampleId = firstRunSample()): (sample?: SampleId) => Promise<LoadedVolume> {
  return async (sample = firstRun) => {
    const { file, name } = SAMPLES[sample];
    const path = join(resourcesDir, file);
    // Falls back to the parametric phantom in a checkout without resources (e.g. a trimmed build).
    if (!existsSync(path)) return { volume: makeKneePhantom().image, name: 'Knee phantom (generated)' };
    return { volume: await readVolume(path), name };
  };
}
