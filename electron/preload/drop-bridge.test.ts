import { describe, expect, it } from 'vitest';
import { DROP_GRANT_CHANNEL } from '../common/dropped-files';
import { droppedFileGranter } from './drop-bridge';

describe('the preload half of a drop', () => {
  it("sends the dropped file's path to main on the grant channel and returns main's answer", async () => {
    const sent: [string, string][] = [];
    const grant = droppedFileGranter({
      pathForFile: () => '/home/me/knee.nii.gz',
      invoke: (channel, path) => {
        sent.push([channel, path]);
        return Promise.resolve({ ok: true, output: { path: '/home/me/knee.nii.gz' } });
      },
    });
    expect(await grant({ name: 'knee.nii.gz' })).toEqual({
      ok: true,
      output: { path: '/home/me/knee.nii.gz' },
    });
    expect(sent).toEqual([[DROP_GRANT_CHANNEL, '/home/me/knee.nii.gz']]);
  });

  it('refuses a file with no path (one the page made) or not a file, without asking main', async () => {
    const sent: string[] = [];
    const invoke = (_channel: string, path: string): Promise<unknown> => {
      sent.push(path);
      return Promise.resolve({ ok: true, output: { path } });
    };
    const noPath = droppedFileGranter({ pathForFile: () => '', invoke });
    const notAFile = droppedFileGranter({
      pathForFile: () => {
        throw new TypeError('not a File');
      },
      invoke,
    });
    for (const answer of [await noPath({}), await notAFile('x')]) {
      expect(answer).toEqual({
        ok: false,
        error: { code: 'bad-request', message: 'That drop has no file on this computer behind it.' },
      });
    }
    expect(sent).toEqual([]);
  });
});
