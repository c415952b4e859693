/** A sparse change to a label map, shared by the page's undo history and main's autosave journal. */
export type LabelArray = Uint8Array | Uint16Array;

/** The voxels one action changed: linear indices (increasing), and their values before and after. */
export interface LabelDiff {
  readonly indices: Int32Array;
  readonly before: Uint16Array;
  readonly after: Uint16Array;
}

/** Writes a diff's values after (forward, redo) or before (backward, undo) into the labels. */
export function applyLabelDiff(labels: LabelArray, diff: LabelDiff, direction: 'forward' | 'backward'): void {
  const values = direction === 'forward' ? diff.after : diff.before;
  for (let p = 0; p < diff.indices.length; p++) labels[diff.indices[p] ?? 0] = values[p] ?? 0;
}
