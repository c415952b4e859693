/**
 * Which files the page may name. The renderer is untrusted, so:
 * - it reads only files the user chose (open dialog, command line), files under the folders serve
 *   mode was started with (its roots and output folder), and files this app wrote in this run;
 * - it writes only to paths the user chose in a save dialog (desktop app), or to new files under
 *   serve mode's output folder, with one of the extensions iSeg writes (WRITABLE_SUFFIXES);
 * - it never writes over a file the app read (the open image, a loaded label map or session),
 *   compared by device and inode so a hard link or second name cannot hide one.
 * A read grant is never a write grant, and a save-dialog grant is not a read grant. Paths are
 * resolved through symlinks before they are checked, so a link cannot lead outside.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ServiceError } from '../common/errors';
import { LABEL_MAP_SUFFIXES, labelSidecarPath } from '../common/label-sidecar';
import { SESSION_SUFFIX } from '../common/session-file';

/** Label maps, their sidecars, sessions and DICOM SEGs: nothing else is ever written for the page. */
/** DICOM SEG and RTSTRUCT exports (labels.exportDicomSeg, labels.exportRtStruct). */
const DICOM_SUFFIX = '.dcm';

export const WRITABLE_SUFFIXES: readonly string[] = [SESSION_SUFFIX, ...LABEL_MAP_SUFFIXES.map((suffix) => `${suffix}.json`), ...LABEL_MAP_SUFFIXES, DICOM_SUFFIX];

const LABELS_OF_SESSION = '.labels.nii.gz';

/** The files one save writes besides the chosen one: a label map's sidecar, a session's label map and its sidecar. */
export function companionPaths(path: string): string[] {
  const lower = path.toLowerCase();
  if (lower.endsWith(SESSION_SUFFIX)) {
    const labels = `${path.slice(0, -SESSION_SUFFIX.length)}${LABELS_OF_SESSION}`;
    return [labels, labelSidecarPath(labels)];
  }
  if (LABEL_MAP_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return [labelSidecarPath(path)];
  return [];
}

function isInside(real: string, folder: string): boolean {
  return real === folder || real.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

const fileKey = (info: { dev: number; ino: number }): string => `${info.dev}:${info.ino}`;

export class FileAccessPolicy {
  private readonly readGrants = new Set<string>();
  private readonly saveGrants = new Set<string>();
  private readonly written = new Set<string>();
  /** Device:inode of every file the app read: never written over. */
  private readonly readKeys = new Set<string>();
  private readonly rootList: string[] = [];
  private outputFolder: string | undefined;
  /** Told of every path the user chose (to remember it across restarts, in the desktop app). */
  onGrant: ((real: string) => void) | undefined;

  get roots(): readonly string[] {
    return this.rootList;
  }

  /** Serve mode's folder for new files (undefined in the desktop app, which uses save dialogs). */
  get output(): string | undefined {
    return this.outputFolder;
  }

  async addRoot(folder: string): Promise<void> {
    const real = await realpath(resolve(folder));
    if (!this.rootList.includes(real)) this.rootList.push(real);
  }

  /** Where serve mode writes: new files under it. It is readable too, so exports can be reopened. */
  async setOutputFolder(folder: string): Promise<void> {
    this.outputFolder = await realpath(resolve(folder));
  }

  /** Grants reading one file or DICOM folder the user chose. */
  async grant(path: string): Promise<string> {
    const real = await realpath(resolve(path));
    this.readGrants.add(real);
    this.onGrant?.(real);
    return real;
  }

  /**
   * Grants again a path the user chose in an earlier run. It may be gone by now: it is granted as
   * it was, so opening it says it no longer exists rather than that it is not allowed.
   */
  grantRemembered(real: string): void {
    this.readGrants.add(resolve(real));
  }

  /** Whether the user chose this exact path to open (dialog or command line), rather than a root allowing it. */
  isGranted(real: string): boolean {
    return this.readGrants.has(real);
  }

  /** Records that the app read this file's content, so nothing is ever written over it. */
  async noteRead(real: string): Promise<void> {
    const info = await stat(real).catch(() => undefined);
    if (info?.isFile()) this.readKeys.add(fileKey(info));
  }

  /** Resolves `path` and returns it if the page may read it; throws 'not-allowed' otherwise. */
  async check(path: string): Promise<string> {
    if (path.includes('\0')) throw new ServiceError('not-allowed', 'That path is not allowed.');
    let real: string;
    try {
      real = await realpath(resolve(path));
    } catch (error) {
      // Do not reveal whether a path outside the allowed folders exists.
      if (!this.isReadable(resolve(path))) throw new ServiceError('not-allowed', 'That file is outside the folders this session may open.');
      if ((error as { code?: unknown }).code === 'ELOOP') throw new ServiceError('not-found', `${basename(path)} is a loop of symbolic links.`);
      throw new ServiceError('not-found', 'There is no such file or folder.');
    }
    if (!this.isReadable(real)) throw new ServiceError('not-allowed', 'That file is outside the folders this session may open.');
    return real;
  }

  /** Grants a path chosen in a save dialog (it need not exist yet), with the files saved beside it. */
  grantWritable(path: string): string {
    const wanted = resolve(path);
    for (const target of [wanted, ...companionPaths(wanted)]) this.saveGrants.add(target);
    return wanted;
  }

  /**
   * Where the page may write: a path chosen in a save dialog, or a new file under the output
   * folder (or one this app wrote there in this run); never a file the app read, never through a
   * symlink, and only with a suffix iSeg writes. Returns the resolved path.
   */
  async checkWritable(path: string): Promise<string> {
    if (path.includes('\0')) throw new ServiceError('not-allowed', 'That path is not allowed.');
    const wanted = resolve(path);
    const name = basename(wanted);
    if (!WRITABLE_SUFFIXES.some((suffix) => name.toLowerCase().endsWith(suffix)) || name.startsWith('.')) {
      throw new ServiceError('not-allowed', `iSeg does not write ${name}: save as ${WRITABLE_SUFFIXES.join(', ')}.`);
    }
    let folder: string;
    try {
      folder = await realpath(dirname(wanted));
    } catch {
      throw new ServiceError('not-allowed', `The folder of ${name} does not exist or may not be written to.`);
    }
    const target = join(folder, name);
    const existing = await lstat(target).catch(() => undefined);
    if (existing && !existing.isFile()) throw new ServiceError('not-allowed', `${name} exists and is not a plain file; choose another name.`);
    if (existing && this.readKeys.has(fileKey(existing))) {
      throw new ServiceError('not-allowed', `${name} is a file iSeg read (an open image, label map or session); it is never overwritten, choose another name.`);
    }
    if (this.saveGrants.has(wanted) || this.saveGrants.has(target)) return target;
    if (this.outputFolder === undefined || !isInside(target, this.outputFolder)) {
      throw new ServiceError(
        'not-allowed',
        this.outputFolder === undefined
          ? `${name} was not chosen in a save dialog, so iSeg may not write it.`
          : `iSeg writes only under its output folder ${this.outputFolder}.`,
      );
    }
    if (existing && !this.written.has(target)) {
      throw new ServiceError('not-allowed', `${name} already exists; iSeg writes only new files there, so choose another name.`);
    }
    return target;
  }

  /** Records a file the app wrote (by a path checkWritable returned): it may be read back, and rewritten until it is read. */
  noteWritten(target: string): void {
    this.written.add(target);
  }

  private isReadable(real: string): boolean {
    if (this.readGrants.has(real) || this.written.has(real)) return true;
    if (this.outputFolder !== undefined && isInside(real, this.outputFolder)) return true;
    return this.rootList.some((root) => isInside(real, root));
  }
}
