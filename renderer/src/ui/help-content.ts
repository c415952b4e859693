/**
 * What the help overlay lists, generated from the tables the handlers use: the shortcut table
 * (shortcut-keys.ts), the slice keys (views/slice-keys.ts) and the mouse gestures per tool below
 * (typed by Tool, so a new tool does not compile until its gestures are written here).
 */
import type { Tool } from '../stores/tool-store';
import { SLICE_KEYS } from '../views/slice-keys';
import { comboLabel, SHORTCUTS, type ShortcutGroup } from './shortcut-keys';

export interface HelpRow {
  /** The key or gesture, as shown: "Ctrl+Z", "Right drag". */
  readonly keys: string;
  readonly does: string;
}

export interface HelpSection {
  readonly title: string;
  readonly rows: readonly HelpRow[];
}

/** Gestures every tool shares in a slice view (tools/window-tool.ts, tools/navigate-tool.ts). */
const COMMON_GESTURES: readonly HelpRow[] = [
  { keys: 'Wheel', does: 'Scroll through slices' },
  { keys: 'Ctrl+Wheel', does: 'Zoom about the pointer' },
  { keys: 'Middle drag / Shift+drag', does: 'Pan (with Box and Scribble, middle drag only)' },
  { keys: 'Right drag', does: 'Window (horizontal) and level (vertical)' },
];

export const TOOL_GESTURES: Readonly<Record<Tool, { readonly title: string; readonly rows: readonly HelpRow[] }>> = {
  navigate: { title: 'Navigate', rows: [{ keys: 'Left click / drag', does: 'Move the cursor; the other views follow' }] },
  click: {
    title: 'Click prompts',
    rows: [
      { keys: 'Left click', does: 'Positive click: include this structure' },
      { keys: 'Right click / Shift+click', does: 'Negative click: exclude this' },
      { keys: 'Click on a segmented slice', does: "A click model refines the active segment's mask there; Enter replaces it (dark: what goes)" },
    ],
  },
  brush: { title: 'Brush', rows: [{ keys: 'Left drag', does: 'Paint the active segment on this slice (one undo step per stroke)' }] },
  eraser: { title: 'Eraser', rows: [{ keys: 'Left drag', does: 'Clear the active segment on this slice' }] },
  box: {
    title: 'Box',
    rows: [{ keys: 'Left drag', does: 'Draw a box around an object for its first mask (the box bounds it; clicks and scribbles then correct it)' }],
  },
  scribble: {
    title: 'Scribble',
    rows: [
      { keys: 'Left drag', does: 'Positive stroke: include what it crosses' },
      { keys: 'Shift+drag', does: 'Negative stroke: exclude what it crosses' },
    ],
  },
};

export const VIEW3D_GESTURES: readonly HelpRow[] = [
  { keys: 'Left drag', does: 'Rotate' },
  { keys: 'Wheel / Right drag', does: 'Zoom' },
  { keys: 'Middle drag / Shift+drag', does: 'Pan' },
  { keys: 'Left click on a surface', does: 'Move the cursor there (the slice views follow)' },
];

const KEY_WORDS: Readonly<Record<string, string>> = {
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowLeft: '←',
  ArrowRight: '→',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
};

function sliceKeyRows(): HelpRow[] {
  const describe = (step: 'slice' | 'page', sign: 1 | -1): string =>
    `${step === 'page' ? 'A tenth of the slices' : 'One slice'} ${sign > 0 ? 'forward' : 'back'} (in the view under the pointer)`;
  const rows = new Map<string, string[]>();
  for (const k of SLICE_KEYS) {
    const does = describe(k.step, k.sign);
    rows.set(does, [...(rows.get(does) ?? []), KEY_WORDS[k.key] ?? k.key]);
  }
  return [...rows].map(([does, keys]) => ({ keys: keys.join(' / '), does }));
}

const GROUP_ORDER: readonly ShortcutGroup[] = ['General', 'Tools', 'Click prompts', 'Brush and eraser'];

/** Every section of the help, in the order shown. */
export function helpSections(): HelpSection[] {
  const tools = (Object.keys(TOOL_GESTURES) as Tool[]).map((tool) => ({
    title: `Mouse — ${TOOL_GESTURES[tool].title}`,
    rows: TOOL_GESTURES[tool].rows,
  }));
  const keys = GROUP_ORDER.map((group) => ({
    title: `Keys — ${group}`,
    rows: SHORTCUTS.filter((s) => s.group === group).map((s) => ({ keys: s.combos.map(comboLabel).join(' / '), does: s.does })),
  }));
  return [
    ...tools,
    { title: 'Mouse — every tool', rows: COMMON_GESTURES },
    { title: 'Mouse — 3D view', rows: VIEW3D_GESTURES },
    ...keys,
    { title: 'Keys — Slices', rows: sliceKeyRows() },
  ].filter((section) => section.rows.length > 0);
}
