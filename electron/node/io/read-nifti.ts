/**
 * Reading a NIfTI file with one inflate: the voxels come from Node's native zlib (which also
 * verifies the whole gzip stream), while ITK reads the header alone, on the main thread, at the
 * same time. Files whose voxels ITK would change (see nifti-voxels.ts) are left to ITK's full read,
 * with the content already inflated for the payload check.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { niftiReadImageNode } from '@itk-wasm/image-io';
import type { Image } from 'itk-wasm';
import { bytesPerVoxel, type Volume } from '../../common/volume';
import { inflatedHead } from './declared-size';
import { volumeFromItkImage } from './itk-image';
import { niftiLayout, niftiVoxels, type NiftiLayout } from './nifti-voxels';
import { checkContentLength, inflateAll, isGzip, probeOf, type ContentProbe } from './payload-check';
import { quietItk } from './quiet-itk';

/** ITK's reading of the header alone (written to a temporary file: itk-wasm reads paths). */
async function itkHeader(header: Uint8Array): Promise<Image | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'iseg-nifti-'));
  try {
    const path = join(dir, 'header.nii');
    await writeFile(path, header);
    const { couldRead, image } = await quietItk(() => niftiReadImageNode(path, { informationOnly: true }));
    return couldRead === true ? image : undefined;
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function agrees(image: Image, layout: NiftiLayout): boolean {
  const { dimension, components, componentType } = image.imageType;
  const count = image.size.reduce((a, b) => a * b, 1);
  return dimension === 3 && components === 1 && componentType === layout.componentType && count === layout.count;
}

export type NiftiRead = { readonly volume: Volume } | { readonly fallback: ContentProbe };

/**
 * The volume, or (for files that need ITK's full read) the content probe for its payload check.
 * Throws the one-sentence errors of a damaged or truncated file.
 */
export async function readNifti(path: string, name: string, maxContentBytes: number): Promise<NiftiRead> {
  const bytes = await readFile(path);
  const gzip = isGzip(bytes);
  const contentPromise = gzip ? inflateAll(bytes, name, maxContentBytes) : Promise.resolve(bytes);
  contentPromise.catch(() => undefined);
  const head = inflatedHead(bytes);
  const layout = niftiLayout(head);
  const image = layout && layout.offset <= head.length ? await itkHeader(head.subarray(0, layout.offset)) : undefined;
  const content = await contentPromise;
  if (!layout || !image || !agrees(image, layout)) return { fallback: probeOf(content) };
  checkContentLength(content.length, layout.offset + layout.count * bytesPerVoxel(layout.componentType), name);
  image.data = niftiVoxels(content, layout);
  return { volume: volumeFromItkImage(image, name) };
}

