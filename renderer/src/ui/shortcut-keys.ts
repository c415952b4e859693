/** Workspace shortcuts as commands (pure, so the mapping is tested without a DOM). */
import type { Tool } from '../stores/tool-store';

export type ShortcutCommand =
  | { readonly kind: 'undo' }
  | { readonly kind: 'redo' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'tool'; readonly tool: Tool }
  | { readonly kind: 'brush'; readonly factor: number };

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

export function shortcutFor(e: KeyLike): ShortcutCommand | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (key === 'y' && !e.shiftKey) return { kind: 'redo' };
    return undefined;
  }
  if (e.altKey || mod) return undefined;
  switch (key) {
    case 'Enter':
      return { kind: 'commit' };
    case 'Escape':
      return { kind: 'cancel' };
    case 'n':
      return { kind: 'tool', tool: 'navigate' };
    case 'c':
      return { kind: 'tool', tool: 'click' };
    case 'b':
      return { kind: 'tool', tool: 'brush' };
    case 'e':
      return { kind: 'tool', tool: 'eraser' };
    case 'x':
      return { kind: 'tool', tool: 'box' };
    case 's':
      return { kind: 'tool', tool: 'scribble' };
    case '[':
      return { kind: 'brush', factor: 1 / 1.25 };
    case ']':
      return { kind: 'brush', factor: 1.25 };
    default:
      return undefined;
  }
}
