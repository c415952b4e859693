/**
 * An undo history of small commands (pure). Each entry is one user action with its size in bytes;
 * the total is kept under a byte budget by dropping the oldest entries. A new action clears the
 * redo side. Applying an entry is the caller's business: undo()/redo() only move the cursor and
 * return the entry to apply. Entries pushed between beginGroup and endGroup become one entry (the
 * caller's `combine` makes it), so e.g. "click + propagate" is undone in one step; nested groups
 * fold into the outermost.
 */
export interface HistoryEntry {
  /** What the history list shows, e.g. "Brush stroke (Femur)". */
  readonly label: string;
  readonly bytes: number;
}

export const DEFAULT_HISTORY_BUDGET = 256 * 1024 * 1024;

export class History<E extends HistoryEntry> {
  private items: E[] = [];
  /** Number of entries that are done (the rest, after it, can be redone). */
  private done = 0;
  private total = 0;
  /** Entries dropped from the bottom to stay in budget since the history began. */
  dropped = 0;
  private group: { readonly name: string; depth: number; readonly parts: E[] } | undefined;

  constructor(
    readonly budgetBytes: number = DEFAULT_HISTORY_BUDGET,
    /** Makes one entry of a group's entries (in the order they were pushed), named `name`. */
    private readonly combine?: (name: string, parts: readonly E[]) => E,
  ) {}

  /** A group is open: pushed entries wait for endGroup. */
  get grouping(): boolean {
    return this.group !== undefined;
  }

  /** Starts a group; inside an open group it only nests (the outer name stays). */
  beginGroup(name: string): void {
    if (this.combine === undefined) throw new Error('This history cannot group steps: it was made without a way to combine them.');
    if (this.group === undefined) this.group = { name, depth: 1, parts: [] };
    else this.group.depth++;
  }

  /**
   * Ends the innermost group (or, with `all`, every open one). When the outermost ends, its entries
   * become one, pushed and returned; undefined when a group is still open or nothing was pushed.
   */
  endGroup(all = false): E | undefined {
    const group = this.group;
    if (group === undefined) throw new Error('endGroup was called with no group open.');
    group.depth = all ? 0 : group.depth - 1;
    if (group.depth > 0) return undefined;
    this.group = undefined;
    if (group.parts.length === 0 || this.combine === undefined) return undefined;
    const entry = this.combine(group.name, group.parts);
    this.push(entry);
    return entry;
  }

  get entries(): readonly E[] {
    return this.items;
  }

  /** Index of the next entry to redo (= number of done entries). */
  get cursor(): number {
    return this.done;
  }

  get bytes(): number {
    return this.total;
  }

  get canUndo(): boolean {
    return this.done > 0;
  }

  get canRedo(): boolean {
    return this.done < this.items.length;
  }

  /** Records an action already applied. Clears redo; drops the oldest to fit the budget. */
  push(entry: E): void {
    if (this.group !== undefined) {
      this.group.parts.push(entry);
      return;
    }
    for (const gone of this.items.splice(this.done)) this.total -= gone.bytes;
    this.items.push(entry);
    this.total += entry.bytes;
    this.done = this.items.length;
    // Keep at least the newest entry, even if it alone exceeds the budget.
    while (this.total > this.budgetBytes && this.items.length > 1) {
      const oldest = this.items.shift();
      if (oldest === undefined) break;
      this.total -= oldest.bytes;
      this.done--;
      this.dropped++;
    }
  }

  /** The entry to apply backwards, or undefined when there is nothing to undo. */
  undo(): E | undefined {
    this.refuseInGroup('undo');
    if (!this.canUndo) return undefined;
    this.done--;
    return this.items[this.done];
  }

  /** The entry to apply forwards, or undefined when there is nothing to redo. */
  redo(): E | undefined {
    this.refuseInGroup('redo');
    if (!this.canRedo) return undefined;
    const entry = this.items[this.done];
    this.done++;
    return entry;
  }

  /** Replaces the whole history (a restore), with `cursor` entries done; the budget applies as on push. */
  restore(entries: readonly E[], cursor: number): void {
    this.group = undefined;
    this.items = [...entries];
    this.done = Math.max(0, Math.min(cursor, this.items.length));
    this.total = this.items.reduce((sum, e) => sum + e.bytes, 0);
    while (this.total > this.budgetBytes && this.items.length > 1 && this.done > 0) {
      const oldest = this.items.shift();
      if (oldest === undefined) break;
      this.total -= oldest.bytes;
      this.done--;
      this.dropped++;
    }
  }

  private refuseInGroup(what: string): void {
    if (this.group !== undefined) throw new Error(`Cannot ${what} while the group "${this.group.name}" is open: end it first.`);
  }

  clear(): void {
    this.group = undefined;
    this.items = [];
    this.done = 0;
    this.total = 0;
  }
}
