import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ServiceError } from '../common/errors';

/** Writes `value` as indented JSON; a failure is one sentence naming the file. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new ServiceError('not-found', `Cannot write ${basename(path)}: its folder does not exist.`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new ServiceError('not-allowed', `Cannot write ${basename(path)}: permission denied.`);
    throw new ServiceError(
      'internal',
      `Cannot write ${basename(path)}: the disk may be full or the path is not a file.`,
    );
  }
}
