/**
 * Drag-and-drop onto the window: while files are dragged over it, the page shows a drop target;
 * a drop opens the image (drop-plan.ts decides how, or why not).
 */
import { CallError, type PreloadBridge } from '../../../electron/common/contract';
import type { RootStore } from '../stores/root-store';
import { el } from './dom';
import { planDrop, type DroppedItem } from './drop-plan';
import { openImage } from './open-image';

function bridge(): PreloadBridge | undefined {
  return (window as unknown as { isegBridge?: PreloadBridge }).isegBridge;
}

function droppedItems(transfer: DataTransfer): DroppedItem<File>[] {
  const items: DroppedItem<File>[] = [];
  for (const item of Array.from(transfer.items)) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (file === null) continue;
    // A folder arrives as a File of no type; only its entry tells it apart.
    const isFolder = item.webkitGetAsEntry()?.isDirectory ?? false;
    items.push({ name: file.name, size: file.size, isFolder, file });
  }
  return items;
}

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/** The path the service knows the dropped item by (granted by main, or a copy serve mode wrote). */
async function pathOf(root: RootStore, items: DroppedItem<File>[]): Promise<string> {
  const grant = bridge()?.grantDroppedFile;
  const plan = planDrop(items, grant !== undefined);
  if (plan.kind === 'refuse') throw new Error(plan.message);
  if (plan.kind === 'open-by-path' && grant !== undefined) {
    const answer = await grant(plan.item.file);
    if (!answer.ok) throw new CallError(answer.error.code, answer.error.message);
    return (answer.output as { path: string }).path;
  }
  const bytes = await plan.item.file.arrayBuffer();
  const { path } = await root.app.track(() =>
    root.client.call('files.saveDropped', { name: plan.item.name, bytes }),
  );
  return path;
}

/** Listens for drops on the window, showing the drop target in `container`; returns the function that stops. */
export function installFileDrop(
  root: RootStore,
  container: HTMLElement,
  onError: (error: unknown) => void,
): () => void {
  const html = document.documentElement;
  const overlay = el('div', { class: 'drop-overlay', 'data-testid': 'drop-overlay', 'aria-hidden': 'true' }, [
    el('div', { class: 'drop-overlay-text' }),
  ]);
  container.append(overlay);
  let depth = 0;
  const setActive = (active: boolean): void => {
    html.dataset.dropTarget = active ? 'active' : 'idle';
  };
  setActive(false);

  const onEnter = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth++;
    overlay.firstElementChild?.replaceChildren(
      bridge()?.grantDroppedFile !== undefined
        ? 'Drop an image file or a DICOM folder to open it'
        : 'Drop one image file to open it (it is copied to the output folder)',
    );
    setActive(true);
  };
  const onOver = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const onLeave = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) setActive(false);
  };
  const onDrop = (event: DragEvent): void => {
    // Never let the browser navigate to a dropped file.
    event.preventDefault();
    depth = 0;
    setActive(false);
    const transfer = event.dataTransfer;
    if (transfer === null || !transfer.types.includes('Files')) return;
    const items = droppedItems(transfer);
    void (async () => {
      await openImage(root, await pathOf(root, items));
    })().catch(onError);
  };
  window.addEventListener('dragenter', onEnter);
  window.addEventListener('dragover', onOver);
  window.addEventListener('dragleave', onLeave);
  window.addEventListener('drop', onDrop);
  return () => {
    window.removeEventListener('dragenter', onEnter);
    window.removeEventListener('dragover', onOver);
    window.removeEventListener('dragleave', onLeave);
    window.removeEventListener('drop', onDrop);
    overlay.remove();
    delete html.dataset.dropTarget;
  };
}
