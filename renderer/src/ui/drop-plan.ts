/**
 * What to do with a drop on the window. The desktop app opens what was dropped by its path
 * (Electron knows it; main grants it). A browser gives the page a dropped file's bytes but never
 * its path, and nothing at all of a dropped folder: serve mode copies one image file to the
 * server and opens it, and says in one sentence why anything else cannot be opened.
 */
import { droppedFileProblem } from '../../../electron/common/dropped-files';

export interface DroppedItem<F> {
  readonly name: string;
  readonly size: number;
  readonly isFolder: boolean;
  readonly file: F;
}

export type DropPlan<F> =
  | { readonly kind: 'open-by-path'; readonly item: DroppedItem<F> }
  | { readonly kind: 'upload'; readonly item: DroppedItem<F> }
  | { readonly kind: 'refuse'; readonly message: string };

export const FOLDER_DROP_IN_BROWSER =
  'The browser does not tell the page where a dropped folder is, so it cannot be opened here; use Open image… and browse or type the folder.';

export function planDrop<F>(items: readonly DroppedItem<F>[], pathsKnown: boolean): DropPlan<F> {
  const first = items[0];
  if (first === undefined)
    return { kind: 'refuse', message: 'That drop holds no file; drop an image file or a DICOM folder.' };
  if (items.length > 1)
    return {
      kind: 'refuse',
      message: `Drop one image or one DICOM folder at a time (that drop held ${items.length}).`,
    };
  if (pathsKnown) return { kind: 'open-by-path', item: first };
  if (first.isFolder) return { kind: 'refuse', message: FOLDER_DROP_IN_BROWSER };
  const problem = droppedFileProblem(first.name, first.size);
  return problem === undefined ? { kind: 'upload', item: first } : { kind: 'refuse', message: problem };
}
