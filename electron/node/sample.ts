/** The bundled sample volume the app opens when it is given no file. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeKneePhantom } from '../common/phantom';
import { readVolume } from './io/read-volume';
import type { LoadedVolume } from './services';

export const SAMPLE_FILE = join('sample', 'knee-sample.nii.gz');
export const SAMPLE_NAME = 'Sample knee (simulated MR)';

export function sampleLoader(resourcesDir: string): () => Promise<LoadedVolume> {
  return async () => {
    const path = join(resourcesDir, SAMPLE_FILE);
    // Falls back to the parametric phantom in a checkout without resources (e.g. a trimmed build).
    if (!existsSync(path)) return { volume: makeKneePhantom().image, name: 'Knee phantom (generated)' };
    return { volume: await readVolume(path), name: SAMPLE_NAME };
  };
}
