import { describe, expect, it } from 'vitest';
import { ToolStore } from './tool-store';
import { UiStore } from './ui-store';
import { VolumeStore } from './volume-store';
import { readWorkspaceSettings, rememberWorkspaceSettings, WORKSPACE_SETTINGS_KEY } from './workspace-settings';
import { MemoryStorage } from '../testing/fake-client';


describe('workspace settings', () => {
  it('saves layout and label opacity on change and applies them at the next start', () => {
    const storage = new MemoryStorage();
    const first = { ui: new UiStore(new VolumeStore()), tools: new ToolStore() };
    const stop = rememberWorkspaceSettings(first.ui, first.tools, storage);
    first.ui.setLayout('three-3d');
    first.tools.setOpacity(0.8);
    stop();
    first.ui.setLayout('axial'); // after stopping, nothing more is saved
    expect(JSON.parse(storage.items.get(WORKSPACE_SETTINGS_KEY) ?? '{}')).toEqual({ layout: 'three-3d', opacity: 0.8 });

    const next = { ui: new UiStore(new VolumeStore()), tools: new ToolStore() };
    rememberWorkspaceSettings(next.ui, next.tools, storage);
    expect(next.ui.layout).toBe('three-3d');
    expect(next.tools.opacity).toBe(0.8);
  });

  it('ignores junk and unknown layouts, and works without storage', () => {
    expect(readWorkspaceSettings(new MemoryStorage({ [WORKSPACE_SETTINGS_KEY]: '{not json' }))).toEqual({});
    expect(readWorkspaceSettings(new MemoryStorage({ [WORKSPACE_SETTINGS_KEY]: '{"layout":"five-up","opacity":0.3}' }))).toEqual({});
    expect(readWorkspaceSettings(new MemoryStorage({ [WORKSPACE_SETTINGS_KEY]: '{"opacity":0.3}' }))).toEqual({ opacity: 0.3 });
    const ui = new UiStore(new VolumeStore());
    const stop = rememberWorkspaceSettings(ui, new ToolStore(), undefined);
    ui.setLayout('3d');
    stop();
    expect(ui.layout).toBe('3d');
  });
});
