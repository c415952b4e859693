import { describe, expect, it } from 'vitest';
import type { Volume } from '../common/volume';
import { metaRange, toVolumeMessage, VolumeRegistry } from './volume-registry';

const volume = (voxels: Float32Array): Volume => ({
  geometry: { size: [2, 2, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  componentType: 'float32',
  voxels,
});

describe('VolumeRegistry', () => {
  it('gives the page a finite range even when voxels are NaN or infinite', () => {
    expect(metaRange(Float32Array.of(NaN, Infinity, 3, -2))).toEqual([-2, 3]);
    expect(metaRange(Float32Array.of(NaN, NaN))).toEqual([0, 0]);
  });

  it('finds a volume by its opaque id and sends a copy of its voxels', () => {
    const registry = new VolumeRegistry();
    const entry = registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'a.nii', 'file', { path: '/x/a.nii' });
    expect(registry.get(entry.meta.id)).toBe(entry);
    expect(entry.meta.range).toEqual([1, 4]);
    expect(JSON.stringify(entry.meta)).not.toContain('/x/a.nii');
    expect(entry.meta.modality).toBeUndefined();
    const ct = registry.add({ ...volume(Float32Array.of(1, 2, 3, 4)), modality: 'CT' }, 'ct', 'file');
    expect(ct.meta.modality).toBe('CT');
    const message = toVolumeMessage(entry);
    expect([...new Float32Array(message.voxels)]).toEqual([1, 2, 3, 4]);
    expect(message.voxels).not.toBe(entry.volume.voxels.buffer);
  });

  it('keeps only the latest images, counting use as well as opening', () => {
    const registry = new VolumeRegistry(2);
    const a = registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'a', 'file');
    const b = registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'b', 'file');
    expect(registry.get(a.meta.id)).toBe(a); // a is now the most recently used
    const c = registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'c', 'file');
    expect(registry.get(b.meta.id)).toBeUndefined();
    expect(registry.get(a.meta.id)).toBe(a);
    expect(registry.get(c.meta.id)).toBe(c);
  });
});
