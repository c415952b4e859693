import { describe, expect, it } from 'vitest';
import type { Volume } from '../common/volume';
import { ClientScope } from './client-scope';
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

  it('tells the page how many voxels are NaN or infinite', () => {
    const registry = new VolumeRegistry();
    expect(registry.add(volume(Float32Array.of(NaN, Infinity, 3, -2)), 'nan', 'file').meta).toMatchObject({ range: [-2, 3], nonFiniteVoxels: 2 });
    expect(registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'finite', 'file').meta.nonFiniteVoxels).toBeUndefined();
  });

  it('takes the summary the reader counted instead of another pass over the voxels', () => {
    const registry = new VolumeRegistry();
    const counted = registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'read', 'file', undefined, { range: [-5, 9], nonFinite: 1 });
    expect(counted.meta).toMatchObject({ range: [-5, 9], nonFiniteVoxels: 1 });
    const none = registry.add(volume(Float32Array.of(1, 2, 3, 4)), 'read', 'file', undefined, { range: [NaN, NaN], nonFinite: 4 });
    expect(none.meta.range).toEqual([0, 0]);
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
    // Voxels that fill their buffer go out as that buffer: the transports copy, this does not.
    expect(message.voxels).toBe(entry.volume.voxels.buffer);
  });

  it('copies only voxels that are a view into a larger buffer', () => {
    const backing = Float32Array.of(9, 1, 2, 3, 4, 9);
    const entry = new VolumeRegistry().add(volume(backing.subarray(1, 5)), 'view', 'file');
    const message = toVolumeMessage(entry);
    expect([...new Float32Array(message.voxels)]).toEqual([1, 2, 3, 4]);
    expect(message.voxels).not.toBe(backing.buffer);
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

describe('VolumeRegistry per client', () => {
  const voxels = (): Float32Array => new Float32Array(4);

  it('never lets a third client evict the first client’s volume (it did with 2 images for all)', () => {
    const scope = new ClientScope();
    const registry = new VolumeRegistry({ scope, perClient: 2 });
    const first = scope.run('c1', () => registry.add(volume(voxels()), 'first', 'file'));
    scope.run('c2', () => registry.add(volume(voxels()), 'second', 'file'));
    scope.run('c3', () => registry.add(volume(voxels()), 'third', 'file'));
    scope.run('c3', () => registry.add(volume(voxels()), 'fourth', 'file'));
    expect(scope.run('c1', () => registry.get(first.meta.id))).toBe(first);
    expect(registry.size).toBe(4);
  });

  it('keeps each client’s latest images and lets go of all of them when it disconnects', () => {
    const scope = new ClientScope();
    const registry = new VolumeRegistry({ scope, perClient: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => scope.run('c1', () => registry.add(volume(voxels()), name, 'file')));
    expect(registry.get(a?.meta.id ?? '')).toBeUndefined();
    expect(registry.get(b?.meta.id ?? '')).toBe(b);
    expect(registry.get(c?.meta.id ?? '')).toBe(c);
    const other = scope.run('c2', () => registry.add(volume(voxels()), 'other', 'file'));
    scope.release('c1');
    expect(registry.get(b?.meta.id ?? '')).toBeUndefined();
    expect(registry.get(c?.meta.id ?? '')).toBeUndefined();
    expect(registry.get(other.meta.id)).toBe(other);
    expect(registry.heldBytes).toBe(16);
  });

  it('keeps a shared volume while any client holding it is connected', () => {
    const scope = new ClientScope();
    const registry = new VolumeRegistry({ scope });
    const sample = scope.run('c1', () => registry.add(volume(voxels()), 'sample', 'sample'));
    expect(scope.run('c2', () => registry.share(sample.meta.id))).toBe(sample);
    scope.release('c1');
    expect(registry.get(sample.meta.id)).toBe(sample);
    scope.release('c2');
    expect(registry.get(sample.meta.id)).toBeUndefined();
  });

  it('lets go of the least recently used images past its memory limit, never the one just opened', () => {
    const scope = new ClientScope();
    const registry = new VolumeRegistry({ scope, memoryLimitBytes: 40 });
    const old = scope.run('c1', () => registry.add(volume(voxels()), 'old', 'file'));
    const recent = scope.run('c2', () => registry.add(volume(voxels()), 'recent', 'file'));
    const big = scope.run('c3', () => registry.add(volume(new Float32Array(6)), 'big', 'file'));
    expect(registry.get(old.meta.id)).toBeUndefined();
    expect(registry.get(recent.meta.id)).toBe(recent);
    expect(registry.get(big.meta.id)).toBe(big);
    expect(registry.heldBytes).toBe(40);
    const huge = scope.run('c4', () => registry.add(volume(new Float32Array(100)), 'huge', 'file'));
    expect(registry.get(huge.meta.id)).toBe(huge);
    expect(registry.size).toBe(1);
  });
});
