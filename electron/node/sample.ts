/** The bundled sample volume the app opens when it is given no file. */
import { makeKneePhantom } from '../common/phantom';
import type { LoadedVolume } from './services';

export function loadSample(): Promise<LoadedVolume> {
  // Placeholder until the simulated knee sample lands in resources/: a parametric phantom.
  return Promise.resolve({ volume: makeKneePhantom().image, name: 'Knee phantom (generated)' });
}
