import { describe, expect, it } from 'vitest';
import { TOOLS } from '../stores/tool-store';
import { SLICE_KEYS } from '../views/slice-keys';
import { helpSections, TOOL_GESTURES } from './help-content';
import { comboLabel, SHORTCUTS } from './shortcut-keys';

const rows = helpSections().flatMap((section) => section.rows);

describe('help overlay content', () => {
  it('lists every shortcut with all its keys', () => {
    for (const shortcut of SHORTCUTS) {
      const row = rows.find((r) => r.does === shortcut.does);
      expect(row, `"${shortcut.does}" is missing from the help`).toBeDefined();
      for (const combo of shortcut.combos) expect(row?.keys.split(' / ')).toContain(comboLabel(combo));
    }
  });

  it('lists the mouse gestures of every tool', () => {
    for (const tool of TOOLS) {
      const section = helpSections().find((s) => s.title === `Mouse — ${TOOL_GESTURES[tool].title}`);
      expect(section?.rows.length, `no gestures for the ${tool} tool`).toBeGreaterThan(0);
    }
  });

  it('lists every slice key', () => {
    const section = helpSections().find((s) => s.title === 'Keys — Slices');
    const shown = section?.rows.flatMap((r) => r.keys.split(' / ')) ?? [];
    expect(shown).toHaveLength(SLICE_KEYS.length);
  });
});
