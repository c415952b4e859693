/**
 * Reading a NIfTI file without ITK: the header is parsed here (nifti-header.ts, nifti-geometry.ts)
 * and the voxels land in one buffer of the declared size, read straight from a .nii or inflated
 * into it from a .nii.gz by Node's native zlib (which also verifies the gzip stream). Peak memory
 * is the voxels plus two 1 MiB input buffers, whatever the size of the file.
 *
 * Files whose meaning this reader does not reproduce exactly (scaled intensities, an unusual
 * orientation, not three axes of at least two voxels: see niftiLayout and niftiGeometry) come back
 * `undefined`, and the caller leaves them to ITK's full read.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ServiceError } from '../../common/errors';
import { allocateVoxels, bytesPerVoxel, type Vec3, type Volume } from '../../common/volume';
import type { VoxelSummarizer } from '../../common/volume-stats';
import { formatBytes } from './declared-size';
import { inflateFileInto } from './gunzip-into';
import { isSingleFile, readNiftiHeader } from './nifti-header';
import { niftiGeometry } from './nifti-geometry';
import { needsSwap, niftiLayout, swapBytes } from './nifti-voxels';
import { checkContentLength } from './payload-check';

/** The streamed path's chunks: fewer round trips to zlib's thread pool, still a few megabytes. */
const CHUNK_BYTES = 1 << 20;

/**
 * Copies content bytes [skip, skip + target.length) of the gzip file at `path` into `target` and
 * discards the rest: straight into it where this Node allows (gunzip-into.ts), else through Node's
 * streams (`options.stream` forces them, for tests). Returns how many content bytes the stream
 * held (at most `maxContentBytes`: beyond that it stops, as a decompression bomb). `onFilled(n)`:
 * target bytes [0, n) are in place (called after each chunk).
 */
export async function inflateInto(
  path: string,
  name: string,
  target: Uint8Array,
  skip: number,
  maxContentBytes: number,
  onFilled?: (bytes: number) => void,
  options: { readonly stream?: boolean } = {},
): Promise<number> {
  const tooLarge = new ServiceError(
    'unreadable',
    `${name} inflates to more than the ${formatBytes(maxContentBytes)} its header declares; it is not a valid image (its compressed data holds far more than an image).`,
  );
  const direct =
    options.stream === true
      ? undefined
      : await inflateFileInto(path, { target, skip, maxContentBytes, onFilled }).catch((error: unknown) => {
          // The file changed since its header was read (gone, now a folder, an I/O error).
          const code = (error as { code?: unknown }).code;
          throw new ServiceError(
            'unreadable',
            `${name} could not be read${typeof code === 'string' ? ` (${code})` : ''}.`,
          );
        });
  if (direct?.ok === true) return direct.contentBytes;
  if (direct?.ok === false) {
    if (direct.reason === 'too-large') throw tooLarge;
    throw new ServiceError(
      'unreadable',
      direct.reason === 'truncated' ? truncatedText(name) : corruptText(name),
    );
  }
  const end = skip + target.length;
  let position = 0;
  const stopped = { overflowed: false };
  try {
    await pipeline(
      createReadStream(path, { highWaterMark: CHUNK_BYTES }),
      createGunzip({ chunkSize: CHUNK_BYTES }),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          const from = Math.max(skip, position);
          const to = Math.min(end, position + chunk.length);
          if (to > from) {
            target.set(chunk.subarray(from - position, to - position), from - skip);
            onFilled?.(to - skip);
          }
          position += chunk.length;
          if (position > maxContentBytes) {
            stopped.overflowed = true;
            throw tooLarge;
          }
        }
      },
    );
  } catch (error) {
    // The stream's own error may be the one reported when the sink stops it: the flag decides.
    if (stopped.overflowed) throw tooLarge;
    const code = (error as { code?: unknown }).code;
    throw new ServiceError('unreadable', code === 'Z_BUF_ERROR' ? truncatedText(name) : corruptText(name));
  }
  return position;
}

const truncatedText = (name: string) => `${name} is truncated: its compressed data ends early.`;
const corruptText = (name: string) => `${name} is corrupt: its compressed data is damaged.`;

/** Reads `target.length` bytes from `offset` of an uncompressed file; returns the file's size. */
async function readInto(path: string, target: Uint8Array, offset: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(
        target,
        done,
        Math.min(target.length - done, 1 << 30),
        offset + done,
      );
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return size;
  } finally {
    await handle.close();
  }
}

/**
 * The volume, or undefined when the file needs ITK's full read. `head` is the (inflated) start of
 * the file and `gzip` whether the file is compressed (both from declared-size.ts's contentHead);
 * `maxContentBytes` bounds how far a gzip stream is inflated. Throws the one-sentence errors of a
 * damaged or truncated file. `summarizer` counts the voxels as they are inflated, when
 * they need no byte swap (the caller counts the rest).
 */
export async function readNifti(
  path: string,
  name: string,
  head: Uint8Array,
  gzip: boolean,
  maxContentBytes: number,
  summarizer?: VoxelSummarizer,
): Promise<Volume | undefined> {
  const header = readNiftiHeader(head);
  const layout = niftiLayout(header);
  if (!header || !layout || !isSingleFile(header) || header.rank !== 3) return undefined;
  const size: Vec3 = [header.dims[0] ?? 0, header.dims[1] ?? 0, header.dims[2] ?? 0];
  if (size.some((n) => n < 2)) return undefined; // ITK's reading names what is wrong with it
  const geometry = niftiGeometry(header, size);
  if (!geometry) return undefined;

  const voxels = allocateVoxels(layout.componentType, layout.count);
  const bytes = new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength);
  const needed = layout.offset + layout.count * bytesPerVoxel(layout.componentType);
  const width = bytesPerVoxel(layout.componentType);
  const onFilled =
    summarizer === undefined || needsSwap(layout)
      ? undefined
      : (filled: number) => summarizer.addUpTo(voxels, Math.floor(filled / width));
  const contentLength = gzip
    ? await inflateInto(path, name, bytes, layout.offset, maxContentBytes, onFilled)
    : await readInto(path, bytes, layout.offset);
  checkContentLength(contentLength, needed, name);
  if (needsSwap(layout)) swapBytes(bytes, width);
  return { geometry, componentType: layout.componentType, voxels };
}
