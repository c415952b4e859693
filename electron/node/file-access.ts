/**
 * Which files the page may name. The renderer is untrusted, so it can open only files the user
 * chose in a native dialog or on the command line (granted one by one), or files under the
 * folders serve mode was started with (its roots). Paths are resolved through symlinks before
 * they are checked, so a link cannot lead outside.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ServiceError } from '../common/errors';

export class FileAccessPolicy {
  private readonly granted = new Set<string>();
  private readonly rootList: string[] = [];

  get roots(): readonly string[] {
    return this.rootList;
  }

  async addRoot(folder: string): Promise<void> {
    const real = await realpath(resolve(folder));
    if (!this.rootList.includes(real)) this.rootList.push(real);
  }

  /** Grants one file or DICOM folder the user chose. */
  async grant(path: string): Promise<string> {
    const real = await realpath(resolve(path));
    this.granted.add(real);
    return real;
  }

  /** Whether the user chose this exact path (dialog or command line), rather than a root allowing it. */
  isGranted(real: string): boolean {
    return this.granted.has(real);
  }

  /** Resolves `path` and returns it if the page may read it; throws 'not-allowed' otherwise. */
  async check(path: string): Promise<string> {
    if (path.includes('\0')) throw new ServiceError('not-allowed', 'That path is not allowed.');
    let real: string;
    try {
      real = await realpath(resolve(path));
    } catch {
      // Do not reveal whether a path outside the allowed folders exists.
      if (!this.isAllowed(resolve(path))) throw new ServiceError('not-allowed', 'That file is outside the folders this session may open.');
      throw new ServiceError('not-found', 'There is no such file or folder.');
    }
    if (!this.isAllowed(real)) throw new ServiceError('not-allowed', 'That file is outside the folders this session may open.');
    return real;
  }

  /**
   * Where the page may write: a path the user chose in a save dialog, or a new or existing file
   * directly inside a folder under a root. Returns the resolved path.
   */
  async checkWritable(path: string): Promise<string> {
    if (path.includes('\0')) throw new ServiceError('not-allowed', 'That path is not allowed.');
    const wanted = resolve(path);
    if (this.granted.has(wanted)) return wanted;
    let folder: string;
    try {
      folder = await realpath(dirname(wanted));
    } catch {
      throw new ServiceError('not-allowed', 'That folder is outside the folders this session may write to.');
    }
    const target = join(folder, basename(wanted));
    const real = await realpath(target).catch(() => target);
    if (!this.isAllowed(real)) throw new ServiceError('not-allowed', 'That folder is outside the folders this session may write to.');
    return real;
  }

  /** Grants a path chosen in a save dialog (it need not exist yet). */
  grantWritable(path: string): string {
    const wanted = resolve(path);
    this.granted.add(wanted);
    return wanted;
  }

  private isAllowed(real: string): boolean {
    if (this.granted.has(real)) return true;
    return this.rootList.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
  }
}
