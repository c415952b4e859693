/**
 * Inflates a gzip file straight into a buffer the caller owns. Node's stream API hands out a fresh
 * buffer for every chunk it reads and every chunk it inflates; collected late, those chunks were
 * most of a read's memory beyond the voxels (bench-io at 128³ float32: 20 MiB above the process's
 * baseline for 8 MiB of voxels). Here the compressed file goes through two reused input buffers
 * and the inflated bytes land where they belong, through the same zlib binding Node's Gunzip
 * stream drives (`writeSync` on its handle, as Node's own synchronous path does).
 *
 * That binding is internal to Node, and its native side aborts the process (rather than throwing)
 * on arguments it does not expect. So it is used only on the Node majors whose zlib.js drives it
 * this way (checked against their sources: the protocol is unchanged from Node 12 to 24), only for
 * targets its 32-bit offsets can address, and only when it is there as expected; otherwise
 * `inflateFileInto` answers `undefined` before reading anything and the caller streams instead
 * (read-nifti.ts).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { constants, createGunzip, type Gunzip } from 'node:zlib';

/** Compressed bytes read per turn: two of these are the only buffers a read allocates. */
const INPUT_BYTES = 1 << 20;
/** Where inflated bytes outside the target go to be counted and dropped (the header, a tail). */
const SCRATCH_BYTES = 1 << 16;
/** Node majors whose Gunzip drives its handle with `writeSync` as below (Electron 45 ships 22–24). */
const KNOWN_NODE_MAJORS: ReadonlySet<number> = new Set([20, 21, 22, 23, 24]);
/** The handle reads offsets and lengths as 32-bit unsigned integers. */
const MAX_TARGET_BYTES = 0xffff_ffff;

/** `writeSync(flush, input, inOffset, inLength, output, outOffset, outLength)` of Node's zlib handle. */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
}

interface Binding {
  readonly stream: Gunzip;
  readonly handle: ZlibHandle;
  /** [output bytes left, input bytes left] after each write, filled in by the handle. */
  readonly state: Uint32Array;
}

function isZlibHandle(value: unknown): value is ZlibHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { writeSync?: unknown }).writeSync === 'function'
  );
}

/** A fresh gunzip binding, or undefined on a Node whose Gunzip stream is not built the expected way. */
export function gunzipBinding(nodeVersion = process.versions.node): Binding | undefined {
  if (!KNOWN_NODE_MAJORS.has(Number(nodeVersion.split('.')[0]))) return undefined;
  const stream = createGunzip();
  // A failed write destroys the stream, which then emits its error: it is read from `errored`.
  stream.on('error', () => undefined);
  const internals = stream as unknown as { _handle?: unknown; _writeState?: unknown };
  const { _handle: handle, _writeState: state } = internals;
  if (isZlibHandle(handle) && state instanceof Uint32Array && state.length === 2)
    return { stream, handle, state };
  stream.close();
  return undefined;
}

export type InflateOutcome =
  | { readonly ok: true; readonly contentBytes: number }
  | { readonly ok: false; readonly reason: 'truncated' | 'corrupt' | 'too-large' };

export interface InflateRequest {
  /** Receives content bytes [skip, skip + target.length). */
  readonly target: Uint8Array;
  readonly skip: number;
  /** Inflating stops, as a decompression bomb, once the content passes this many bytes. */
  readonly maxContentBytes: number;
  /** Target bytes [0, n) are in place (after each turn of inflation). */
  readonly onFilled?: ((bytes: number) => void) | undefined;
}

/**
 * Inflates the gzip file at `path` into `request.target`; `undefined` when this Node has no usable
 * binding or the target is too large for it (nothing was read). Multi-member files, and zero
 * padding after the last member (everything after its first zero byte is ignored), read as
 * `gunzipSync` reads them, wherever the input buffers' boundaries fall; a stream that ends early is
 * `truncated`, a damaged one `corrupt`. File-system errors are thrown as they are.
 */
export async function inflateFileInto(
  path: string,
  request: InflateRequest,
): Promise<InflateOutcome | undefined> {
  if (request.target.length > MAX_TARGET_BYTES) return undefined;
  const binding = gunzipBinding();
  if (!binding) return undefined;
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r');
    return await inflateFrom(file, binding, request);
  } finally {
    binding.stream.close();
    // Only reads happened: a failed close loses nothing, and must not replace the outcome.
    await file?.close().catch(() => undefined);
  }
}

async function inflateFrom(
  file: FileHandle,
  binding: Binding,
  request: InflateRequest,
): Promise<InflateOutcome> {
  const { target, skip, maxContentBytes, onFilled } = request;
  const { handle, state, stream } = binding;
  const inputs = [new Uint8Array(INPUT_BYTES), new Uint8Array(INPUT_BYTES)] as const;
  const scratch = new Uint8Array(SCRATCH_BYTES);
  const end = skip + target.length;
  let position = 0;
  let filePosition = 0;
  const readNext = (buffer: Uint8Array) =>
    file.read(buffer, 0, buffer.length, filePosition).then(({ bytesRead }) => {
      filePosition += bytesRead;
      return bytesRead;
    });
  let pending = readNext(inputs[0]);
  try {
    for (let turn = 0; ; turn++) {
      const input = inputs[turn % 2] ?? inputs[0];
      const length = await pending;
      // The next read runs on libuv's pool while this chunk inflates here.
      if (length > 0) pending = readNext(inputs[(turn + 1) % 2] ?? inputs[1]);
      const flush = length > 0 ? constants.Z_NO_FLUSH : constants.Z_FINISH;
      let inOffset = 0;
      let inLength = length;
      // As Node's own loop: write again while the output filled up; then this input is done.
      for (;;) {
        const [output, outOffset, outLength] =
          position < skip
            ? [scratch, 0, Math.min(scratch.length, skip - position)]
            : position < end
              ? [target, position - skip, end - position]
              : [scratch, 0, scratch.length];
        handle.writeSync(flush, input, inOffset, inLength, output, outOffset, outLength);
        if (stream.errored || stream.destroyed)
          return {
            ok: false,
            reason:
              (stream.errored as { code?: unknown } | null)?.code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt',
          };
        const [outLeft = 0, inLeft = 0] = state;
        const before = position;
        position += outLength - outLeft;
        inOffset += inLength - inLeft;
        inLength = inLeft;
        if (position > maxContentBytes) return { ok: false, reason: 'too-large' };
        if (before < end && position > skip) onFilled?.(Math.min(position, end) - skip);
        if (outLeft > 0) break;
      }
      // Input left over with room to spare in the output: the last member ended and a zero byte
      // follows (zlib's handle starts another member only on a non-zero one). gunzipSync stops
      // there, whatever comes after; so does this, rather than carry on with the next buffer.
      if (length === 0 || inLength > 0) return { ok: true, contentBytes: position };
    }
  } finally {
    // The file is closed after this; a read still in flight must settle first.
    await pending.catch(() => 0);
  }
}
