import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { RootStore } from '../stores/root-store';
import { previewPlanes } from '../../../electron/common/volume-preview';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { volumeFromMessage } from '../imaging/volume-message';
import { runMenuCommand, type MenuActions } from './shortcuts';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

describe('runMenuCommand', () => {
  it('runs only Open while an image is being opened (its preview shown), and every command once it is in', () => {
    const message = syntheticVolume();
    const root = new RootStore(new FakeClient());
    const { volume } = root;
    const ran: string[] = [];
    const menu: MenuActions = { open: () => ran.push('open'), save: () => ran.push('save'), export: () => ran.push('export') };
    const { center, planes } = previewPlanes(new Int16Array(message.voxels), 'int16', message.meta.geometry.size);
    runInAction(() => {
      volume.showPreview({ meta: message.meta, center, planes: planes.map((b) => new Int16Array(b)) as [Int16Array, Int16Array, Int16Array] });
    });
    for (const command of ['save', 'export', 'undo', 'redo', 'open'] as const) runMenuCommand(root, menu, command);
    expect(ran).toEqual(['open']);
    runInAction(() => {
      volume.setVolume(volumeFromMessage(message));
    });
    for (const command of ['save', 'export'] as const) runMenuCommand(root, menu, command);
    expect(ran).toEqual(['open', 'save', 'export']);
  });
});
