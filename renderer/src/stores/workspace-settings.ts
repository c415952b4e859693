/**
 * The workspace's look, remembered across restarts in both modes: the layout and the label
 * opacity (the click engine is remembered by EngineSettingsStore). Saved on every change, applied
 * once at start.
 */
import { reaction } from 'mobx';
import { z } from 'zod';
import { readStored, writeStored, type KeyValueStorage } from './stored-settings';
import type { ToolStore } from './tool-store';
import { LAYOUTS, type Layout, type UiStore } from './ui-store';

export const WORKSPACE_SETTINGS_KEY = 'iseg.workspace';

const savedSchema = z
  .object({
    layout: z.enum(LAYOUTS as [Layout, ...Layout[]]),
    opacity: z.number().min(0).max(1),
  })
  .partial();
export type WorkspaceSettings = z.infer<typeof savedSchema>;

export function readWorkspaceSettings(storage: KeyValueStorage | undefined): WorkspaceSettings {
  return readStored(storage, WORKSPACE_SETTINGS_KEY, savedSchema) ?? {};
}

/** Applies the saved settings, then saves every change; returns the function that stops saving. */
export function rememberWorkspaceSettings(ui: UiStore, tools: ToolStore, storage: KeyValueStorage | undefined): () => void {
  const saved = readWorkspaceSettings(storage);
  if (saved.layout !== undefined) ui.setLayout(saved.layout);
  if (saved.opacity !== undefined) tools.setOpacity(saved.opacity);
  return reaction(
    () => ({ layout: ui.layout, opacity: tools.opacity }),
    (settings) => {
      writeStored(storage, WORKSPACE_SETTINGS_KEY, settings);
    },
  );
}
