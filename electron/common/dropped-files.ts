/**
 * What a file dropped on the window may be in serve mode, where the browser gives the page the
 * file's bytes but never its path: one image file in a single-file format, small enough for one
 * request, copied into the output folder and opened from there. Shared by the page (to say no
 * before reading the bytes) and the service (which checks again).
 */
import { MAX_FRAME_BYTES } from './wire';

/** The desktop app's channel from the preload to main: grants reading a dropped file by its path. */
export const DROP_GRANT_CHANNEL = 'iseg:grant-dropped-file';

/** One request carries the bytes; a little is left for the frame's header and the name. */
export const MAX_DROPPED_FILE_BYTES = MAX_FRAME_BYTES - (1 << 20);

/** Formats whose voxels live in the one file (a .mhd or .nhdr header needs its data file beside it). */
export const SINGLE_FILE_SUFFIXES = [
  '.nii.gz',
  '.nii',
  '.seg.nrrd',
  '.nrrd',
  '.mha',
  '.gipl.gz',
  '.gipl',
  '.mgz',
  '.mgh',
] as const;

/** The one sentence saying why `name` (of `bytes` bytes) cannot be opened from a drop in serve mode, or undefined when it can. */
export function droppedFileProblem(name: string, bytes: number): string | undefined {
  const lower = name.toLowerCase();
  if (name === '' || /[\\/\0]/.test(name) || name.startsWith('.'))
    return `"${name}" is not a file name iSeg can use; rename the file and drop it again.`;
  if (lower.endsWith('.mhd') || lower.endsWith('.nhdr'))
    return `${name} is a header whose voxels are in another file, which a drop does not send; open it with Open image… from a served folder.`;
  if (!SINGLE_FILE_SUFFIXES.some((suffix) => lower.endsWith(suffix)))
    return `${name} is not an image iSeg reads from a drop (${SINGLE_FILE_SUFFIXES.join(', ')}); a DICOM series opens as a folder with Open image….`;
  if (bytes > MAX_DROPPED_FILE_BYTES)
    return `${name} is ${Math.ceil(bytes / 2 ** 20)} MiB; a drop in the browser carries at most ${Math.floor(MAX_DROPPED_FILE_BYTES / 2 ** 20)} MiB, so put it under a served folder and use Open image….`;
  return undefined;
}
