/**
 * Checks that a file really holds all the voxels its header declares. ITK's NIfTI, GIPL and MGH
 * readers return a truncated file's missing voxels as zeros or garbage without complaint, and
 * gzip damage shows up only when the whole stream is inflated, so both are checked here.
 */
import { open, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants } from 'node:buffer';
import { gunzip } from 'node:zlib';
import { ServiceError } from '../../common/errors';
import { bytesPerVoxel, voxelCount, type Volume } from '../../common/volume';
import type { VolumeFormat } from './formats';
import { formatBytes, isGzip } from './declared-size';
import { readNiftiHeader } from './nifti-header';

const HEAD_BYTES = 1024;
const MAX_OUTPUT_CHUNK = 256 << 20;
const inflate = promisify(gunzip);

/** Length and first bytes of a file's content, inflated when it is gzip-compressed. */
export interface ContentProbe {
  readonly length: number;
  readonly head: Uint8Array;
}

/**
 * The whole stream inflated; a damaged or cut-off stream is one sentence naming the file, and so is
 * a stream that inflates past `maxBytes` (what its header declares: a decompression bomb), which
 * stops inflating there.
 */
export async function inflateAll(compressed: Uint8Array, name: string, maxBytes: number): Promise<Buffer> {
  // An output chunk as large as the content (the gzip trailer states its size) lets zlib inflate
  // the whole stream in one thread-pool task, in parallel with whatever runs on the main thread.
  const trailer = compressed.length >= 4 ? new DataView(compressed.buffer, compressed.byteOffset + compressed.length - 4, 4) : undefined;
  const statedSize = trailer ? trailer.getUint32(0, true) : 0;
  const chunkSize = Math.min(Math.max(statedSize + HEAD_BYTES, 1 << 16), MAX_OUTPUT_CHUNK, maxBytes + HEAD_BYTES);
  try {
    return await inflate(compressed, { chunkSize, maxOutputLength: Math.min(maxBytes, constants.MAX_LENGTH) });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ServiceError(
        'unreadable',
        `${name} inflates to more than the ${formatBytes(maxBytes)} its header declares; it is not a valid image (its compressed data holds far more than an image).`,
      );
    }
    const truncated = (error as { code?: unknown }).code === 'Z_BUF_ERROR';
    throw new ServiceError(
      'unreadable',
      truncated
        ? `${name} is truncated: its compressed data ends early.`
        : `${name} is corrupt: its compressed data is damaged.`,
    );
  }
}

/** The probe of content already in memory (inflated if it was compressed). */
export function probeOf(content: Uint8Array): ContentProbe {
  return { length: content.length, head: content.subarray(0, HEAD_BYTES) };
}

async function inflatedProbe(compressed: Buffer, name: string, maxBytes: number): Promise<ContentProbe> {
  return probeOf(await inflateAll(compressed, name, maxBytes));
}

/** Inflates gzip content (all of it, up to `maxBytes`: that is what catches damage) or just reads the head. */
export async function probeContent(path: string, name: string, maxBytes: number): Promise<ContentProbe> {
  const handle = await open(path, 'r');
  let size: number;
  const head = new Uint8Array(HEAD_BYTES);
  try {
    size = (await handle.stat()).size;
    await handle.read(head, 0, Math.min(size, HEAD_BYTES), 0);
  } finally {
    await handle.close();
  }
  if (!isGzip(head)) return { length: size, head: head.subarray(0, Math.min(size, HEAD_BYTES)) };
  return inflatedProbe(await readFile(path), name, maxBytes);
}

/** Where the voxels start in a NIfTI-1 or NIfTI-2 file, and how many bytes they take. */
function niftiPayload(head: Uint8Array): { offset: number; bytes: number } | undefined {
  const header = readNiftiHeader(head);
  if (!header) return undefined;
  const count = header.dims.reduce((product, d) => product * Math.max(1, d), 1);
  return { offset: Math.max(header.headerSize + 4, header.voxOffset), bytes: (count * header.bitpix) / 8 };
}

/** Throws when the content is shorter than the header plus the voxels the read volume needs. */
export function checkPayloadLength(
  format: VolumeFormat,
  probe: ContentProbe,
  volume: Volume,
  name: string,
): void {
  const check = format.payloadCheck;
  if (!check) return;
  const payload =
    check.headerBytes === 'nifti'
      ? niftiPayload(probe.head)
      : {
          offset: check.headerBytes,
          bytes: voxelCount(volume.geometry.size) * bytesPerVoxel(volume.componentType),
        };
  if (!payload) return;
  checkContentLength(probe.length, payload.offset + payload.bytes, name);
}

/** Throws the one-sentence truncation error when content of `length` bytes is shorter than `needed`. */
export function checkContentLength(length: number, needed: number, name: string): void {
  if (length < needed) {
    throw new ServiceError('unreadable', `${name} is truncated: it has ${length} bytes where its header describes ${needed}.`);
  }
}
