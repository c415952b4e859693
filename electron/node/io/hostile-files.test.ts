/** The fast cases of the hostile-file corpus (test-support/hostile-files.ts), read as the app reads them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '../../common/errors';
import { loadLabelMapFor } from './load-label-map';
import { readVolume } from './read-volume';
import { HOSTILE_CASES, isOneSentence, REFERENCE_IMAGE, writeHostileCorpus } from './test-support/hostile-files';

const folder = mkdtempSync(join(tmpdir(), 'iseg-hostile-'));

beforeAll(async () => {
  await writeHostileCorpus(folder, (c) => c.fast);
}, 60_000);

async function outcome(name: string, labelsOver: boolean): Promise<{ opened: boolean; message: string }> {
  try {
    if (labelsOver) {
      const image = await readVolume(join(folder, REFERENCE_IMAGE));
      await loadLabelMapFor(join(folder, name), image.geometry);
    } else {
      await readVolume(join(folder, name));
    }
    return { opened: true, message: '' };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { opened: false, message: error.message };
  }
}

describe('the hostile-file corpus', () => {
  it('has at least 40 cases, most of them fast', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(40);
    expect(HOSTILE_CASES.filter((c) => c.fast).length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE_CASES.filter((c) => c.fast).map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    const { opened, message } = await outcome(hostile.name, hostile.labelsOver === true);
    expect(opened ? 'open' : 'refuse', message).toBe(hostile.expect);
    if (!opened) expect(isOneSentence(message), message).toBe(true);
  });
});
