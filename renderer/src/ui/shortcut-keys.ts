/**
 * Workspace shortcuts: one table of keys → commands (pure, so the mapping is tested without a
 * DOM). The key handler, the help overlay and the tooltips all read this table, so they cannot
 * disagree; add a shortcut here and it appears in the help.
 */
import type { Tool } from '../stores/tool-store';

export type ShortcutCommand =
  | { readonly kind: 'undo' }
  | { readonly kind: 'redo' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'tool'; readonly tool: Tool }
  | { readonly kind: 'brush'; readonly factor: number }
  | { readonly kind: 'reset-view' }
  | { readonly kind: 'help' };

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** One key combination: `key` as KeyboardEvent.key (letters in lower case). */
export interface KeyCombo {
  readonly key: string;
  /** Ctrl (or ⌘ on macOS) held. */
  readonly mod?: boolean;
  /** Shift required (true) or refused (false); when absent, Shift does not matter. */
  readonly shift?: boolean;
}

/** Where the help lists a shortcut. */
export type ShortcutGroup = 'General' | 'Tools' | 'Click prompts' | 'Brush and eraser';

export interface Shortcut {
  readonly combos: readonly KeyCombo[];
  readonly command: ShortcutCommand;
  readonly group: ShortcutGroup;
  /** What it does, for the help and tooltips. */
  readonly does: string;
}

const BRUSH_STEP = 1.25;

export const SHORTCUTS: readonly Shortcut[] = [
  { combos: [{ key: 'z', mod: true, shift: false }], command: { kind: 'undo' }, group: 'General', does: 'Undo' },
  {
    combos: [
      { key: 'z', mod: true, shift: true },
      { key: 'y', mod: true, shift: false },
    ],
    command: { kind: 'redo' },
    group: 'General',
    does: 'Redo',
  },
  { combos: [{ key: 'r' }], command: { kind: 'reset-view' }, group: 'General', does: 'Reset the views: fit, centre the cursor, automatic window/level' },
  { combos: [{ key: '?' }, { key: 'F1' }], command: { kind: 'help' }, group: 'General', does: 'Show or hide this help' },
  { combos: [{ key: 'n' }], command: { kind: 'tool', tool: 'navigate' }, group: 'Tools', does: 'Navigate tool' },
  { combos: [{ key: 'c' }], command: { kind: 'tool', tool: 'click' }, group: 'Tools', does: 'Click-prompt tool' },
  { combos: [{ key: 'b' }], command: { kind: 'tool', tool: 'brush' }, group: 'Tools', does: 'Brush tool' },
  { combos: [{ key: 'e' }], command: { kind: 'tool', tool: 'eraser' }, group: 'Tools', does: 'Eraser tool' },
  { combos: [{ key: 'x' }], command: { kind: 'tool', tool: 'box' }, group: 'Tools', does: 'Box tool: drag around an object for its first mask' },
  { combos: [{ key: 's' }], command: { kind: 'tool', tool: 'scribble' }, group: 'Tools', does: 'Scribble tool: drag a positive stroke, Shift+drag a negative one' },
  { combos: [{ key: 'Enter' }], command: { kind: 'commit' }, group: 'Click prompts', does: 'Finish: write the previewed mask into the active segment' },
  { combos: [{ key: 'Escape' }], command: { kind: 'cancel' }, group: 'Click prompts', does: 'Cancel the clicks (or close this help)' },
  { combos: [{ key: '[' }], command: { kind: 'brush', factor: 1 / BRUSH_STEP }, group: 'Brush and eraser', does: 'Smaller brush' },
  { combos: [{ key: ']' }], command: { kind: 'brush', factor: BRUSH_STEP }, group: 'Brush and eraser', does: 'Larger brush' },
];

function normalisedKey(key: string): string {
  return key.length === 1 ? key.toLowerCase() : key;
}

export function comboMatches(combo: KeyCombo, e: KeyLike): boolean {
  if (e.altKey) return false;
  if ((combo.mod ?? false) !== (e.ctrlKey || e.metaKey)) return false;
  if (combo.shift !== undefined && combo.shift !== e.shiftKey) return false;
  return normalisedKey(e.key) === combo.key;
}

export function shortcutFor(e: KeyLike): ShortcutCommand | undefined {
  return SHORTCUTS.find((s) => s.combos.some((combo) => comboMatches(combo, e)))?.command;
}

const KEY_NAMES: Readonly<Record<string, string>> = { Escape: 'Esc', ' ': 'Space' };

/** A combination as the help and tooltips show it: "Ctrl+Shift+Z", "B", "F1". */
export function comboLabel(combo: KeyCombo): string {
  const key = KEY_NAMES[combo.key] ?? (combo.key.length === 1 ? combo.key.toUpperCase() : combo.key);
  return [combo.mod === true ? 'Ctrl' : undefined, combo.shift === true ? 'Shift' : undefined, key].filter((part) => part !== undefined).join('+');
}

function sameCommand(a: ShortcutCommand, b: ShortcutCommand): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The keys of a command, e.g. "B" or "Ctrl+Shift+Z / Ctrl+Y"; undefined when it has none. */
export function keysFor(command: ShortcutCommand): string | undefined {
  const shortcut = SHORTCUTS.find((s) => sameCommand(s.command, command));
  return shortcut?.combos.map(comboLabel).join(' / ');
}

/** A tooltip that names its key: "Reset view (R)". */
export function withKey(title: string, command: ShortcutCommand): string {
  const keys = keysFor(command);
  return keys === undefined ? title : `${title} (${keys})`;
}
