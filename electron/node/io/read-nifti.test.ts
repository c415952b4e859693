import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { niftiReadImageNode } from '@itk-wasm/image-io';
import { afterAll, describe, expect, it } from 'vitest';
import { niftiLayout, niftiVoxels } from './nifti-voxels';
import { readNifti } from './read-nifti';
import { readVolume } from './read-volume';

const dir = mkdtempSync(join(tmpdir(), 'iseg-nifti-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface HeaderSpec {
  littleEndian: boolean;
  datatype: number;
  bitpix: number;
  dims: number[];
  slope?: number;
  intercept?: number;
}

/** A NIfTI-1 single file (.nii) made byte by byte, so byte order and scaling are under test control. */
function nifti1(spec: HeaderSpec, voxels: (view: DataView, index: number) => void): Uint8Array {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(352 + (count * spec.bitpix) / 8);
  const view = new DataView(bytes.buffer);
  const le = spec.littleEndian;
  view.setInt32(0, 348, le);
  view.setInt16(40, spec.dims.length, le);
  spec.dims.forEach((d, n) => view.setInt16(42 + 2 * n, d, le));
  for (let n = spec.dims.length; n < 7; n++) view.setInt16(42 + 2 * n, 1, le);
  view.setInt16(70, spec.datatype, le);
  view.setInt16(72, spec.bitpix, le);
  [1, 0.5, 0.75, 2].forEach((p, n) => view.setFloat32(76 + 4 * n, p, le));
  view.setFloat32(108, 352, le);
  view.setFloat32(112, spec.slope ?? 1, le);
  view.setFloat32(116, spec.intercept ?? 0, le);
  view.setInt16(252, 1, le); // qform_code: scanner
  view.setFloat32(256, 0, le); // quatern b, c, d = 0: identity rotation
  view.setFloat32(268, 10, le); // qoffset x
  view.setFloat32(272, -20, le);
  view.setFloat32(276, 30, le);
  bytes.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  for (let i = 0; i < count; i++) voxels(view, i);
  return bytes;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
}

describe('NIfTI voxels read with one inflate', () => {
  it('reads little- and big-endian int16 and float32 exactly as ITK does', async () => {
    const dims = [5, 4, 3];
    for (const littleEndian of [true, false]) {
      for (const [datatype, bitpix, put] of [
        [4, 16, (v: DataView, i: number) => v.setInt16(352 + 2 * i, i * 37 - 200, littleEndian)],
        [16, 32, (v: DataView, i: number) => v.setFloat32(352 + 4 * i, i / 3 - 5, littleEndian)],
      ] as const) {
        const path = write(`t${datatype}-${littleEndian ? 'le' : 'be'}.nii.gz`, nifti1({ littleEndian, datatype, bitpix, dims }, put));
        const fast = await readNifti(path, 'x.nii.gz', 1 << 30);
        expect('volume' in fast).toBe(true);
        if (!('volume' in fast)) continue;
        const itk = (await niftiReadImageNode(path)).image;
        expect(fast.volume.componentType).toBe(itk.imageType.componentType);
        expect([...fast.volume.voxels]).toEqual([...(itk.data as Int16Array | Float32Array)]);
        expect(fast.volume.geometry.spacing).toEqual([...itk.spacing]);
        expect(fast.volume.geometry.origin).toEqual([...itk.origin]);
        expect([...fast.volume.geometry.direction]).toEqual([...itk.direction]);
        expect(fast.volume.voxels.buffer.byteLength).toBe(fast.volume.voxels.byteLength); // owned, transferable
      }
    }
  });

  it('leaves scaled intensities to ITK, which applies them', async () => {
    const spec = { littleEndian: true, datatype: 4, bitpix: 16, dims: [3, 3, 2], slope: 2, intercept: 1 };
    const path = write('scaled.nii', nifti1(spec, (v, i) => v.setInt16(352 + 2 * i, i, true)));
    expect(niftiLayout(nifti1(spec, () => undefined))).toBeUndefined();
    expect('fallback' in (await readNifti(path, 'scaled.nii', 1 << 30))).toBe(true);
    const volume = await readVolume(path);
    expect(volume.voxels[5]).toBe(11);
  });

  it('says a truncated file is truncated, and a damaged stream is damaged', async () => {
    const bytes = nifti1({ littleEndian: true, datatype: 2, bitpix: 8, dims: [10, 10, 10] }, (v, i) => v.setUint8(352 + i, i % 251));
    const short = write('short.nii', bytes.subarray(0, 900));
    await expect(readVolume(short)).rejects.toThrow(/short\.nii is truncated/);
    const gz = gzipSync(bytes);
    const cut = join(dir, 'cut.nii.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 40));
    await expect(readVolume(cut)).rejects.toThrow(/cut\.nii\.gz is truncated/);
    const damaged = Uint8Array.from(gz);
    for (let i = 40; i < 60; i++) damaged[i] = (damaged[i] ?? 0) ^ 0x5a;
    const bad = join(dir, 'bad.nii.gz');
    writeFileSync(bad, damaged);
    await expect(readVolume(bad)).rejects.toThrow(/bad\.nii\.gz (is corrupt|is truncated|could not be read)/);
  });

  it('swaps bytes of every width and refuses content that is too short', () => {
    const layout = { offset: 2, componentType: 'uint32' as const, littleEndian: false, count: 1 };
    expect([...niftiVoxels(Uint8Array.of(9, 9, 0, 0, 1, 2), layout)]).toEqual([258]);
    expect(() => niftiVoxels(Uint8Array.of(9, 9, 0, 0, 1), layout)).toThrow(RangeError);
    expect(niftiLayout(new Uint8Array(100))).toBeUndefined();
  });
});
