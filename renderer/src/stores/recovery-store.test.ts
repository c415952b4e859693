/**
 * The page's autosave against main's real journal (a JournalStore in a temporary folder behind the
 * journal.* handlers): what one page commits, a fresh page restores, history position included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configure, runInAction, when } from 'mobx';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../electron/common/contract';
import { createJournalHandlers } from '../../../electron/node/journal/journal-service';
import { JournalStore } from '../../../electron/node/journal/journal-store';
import type { OpenVolume } from '../../../electron/node/volume-registry';
import { previewPlanes } from '../../../electron/common/volume-preview';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { RecoveryStore } from './recovery-store';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

let folder: string;
let journal: JournalStore;
const stops: (() => void)[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'iseg-recovery-'));
  journal = new JournalStore(folder);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await journal.close();
  rmSync(folder, { recursive: true, force: true });
});

type Handlers = { [M in MethodName]?: (input: MethodInput<M>) => Promise<MethodOutput<M>> };

/** A page (root + recovery store) whose journal calls reach `journal` through the real handlers. */
function page(extra: Handlers = {}): { root: RootStore; recovery: RecoveryStore; client: FakeClient; journalled: { method: string; documentId: string; segments?: string[] }[] } {
  const message = syntheticVolume({ size: [6, 5, 4], name: 'knee.nii.gz' });
  const opened = (): OpenVolume => {
    const volume = { geometry: message.meta.geometry, componentType: 'int16' as const, voxels: new Int16Array(message.voxels) };
    return { meta: message.meta, volume, source: { path: '/data/knee.nii.gz' } };
  };
  const handlers = createJournalHandlers({ store: journal, openVolume: opened, reopen: () => Promise.resolve(opened()) });
  // Which document each begin and append went to (and the segments a begin started with).
  const journalled: { method: string; documentId: string; segments?: string[] }[] = [];
  const client = new FakeClient({
    'volume.openInitial': () => Promise.resolve(message),
    ...(handlers as Handlers),
    'journal.begin': (input) => {
      journalled.push({ method: 'begin', documentId: input.documentId, segments: input.segments.map((row) => row.name) });
      return handlers['journal.begin'](input);
    },
    'journal.append': (input) => {
      journalled.push({ method: 'append', documentId: input.documentId });
      return handlers['journal.append'](input);
    },
    ...extra,
  });
  const root = new RootStore(client);
  const recovery = new RecoveryStore(root);
  stops.push(recovery.start());
  return { root, recovery, client, journalled };
}

/** A committed action: `value` written at `indices`, one undo step. */
function paintStep(root: RootStore, indices: number[], value: number): void {
  runInAction(() => {
    if (root.segmentation.segment(value) === undefined) root.segmentation.addSegment(`Segment ${value}`);
    const diff = root.segmentation.write(indices, value, { kind: 'all' });
    root.history.record(`paint ${value}`, diff);
  });
}

/** Waits until every record the page made is on disk (the store is idle only with nothing queued). */
async function settled(recovery: RecoveryStore): Promise<void> {
  await when(() => recovery.state === 'idle' && recovery.ackedSeq > 0, { timeout: 5000 }).catch((error: unknown) => {
    throw new Error(`${String(error)}: autosave is ${recovery.state} (${recovery.problem ?? 'no problem reported'})`);
  });
}

describe('RecoveryStore', () => {
  it('journals each committed action within a second, and a fresh page restores labels, segments and history position', async () => {
    const first = page();
    await first.root.openWorkflow.openInitial();
    paintStep(first.root, [0, 1, 2, 3], 1);
    const committed = performance.now();
    await settled(first.recovery);
    expect(performance.now() - committed).toBeLessThan(1000);
    paintStep(first.root, [10, 11], 2);
    paintStep(first.root, [2, 3, 4], 2);
    runInAction(() => {
      first.root.history.undo();
      first.root.segmentation.updateSegment(1, { name: 'Femur' });
    });
    await settled(first.recovery);
    const labels = first.root.segmentation.labels?.slice();

    const second = page();
    await second.root.openWorkflow.openInitial();
    const pending = await second.recovery.pending();
    expect(pending).toMatchObject({ imageName: 'knee.nii.gz', steps: 3, cursor: 2, labelledVoxels: 6 });
    if (pending === undefined) return;
    await second.recovery.restore(pending.documentId);
    expect(second.root.segmentation.labels).toEqual(labels);
    expect(second.root.segmentation.segment(1)?.name).toBe('Femur');
    expect(second.root.history.cursor).toBe(2);
    expect(second.root.history.canRedo).toBe(true);
    expect(second.root.history.unsaved).toBe(true);

    // The restored page goes on journalling the same document: a redo there survives another restart.
    runInAction(() => {
      second.root.history.redo();
    });
    await settled(second.recovery);
    const third = page();
    const again = await third.recovery.pending();
    expect(again?.cursor).toBe(3);
  });

  it('offers nothing once the labels are exported', async () => {
    const { root, recovery } = page({
      'labels.export': (input) => Promise.resolve({ path: input.path, sidecarPath: `${input.path}.json`, componentType: 'uint8' }),
    });
    await root.openWorkflow.openInitial();
    paintStep(root, [0, 1], 1);
    expect(root.history.unsaved).toBe(true);
    await root.exportWorkflow.exportLabels('/out/labels.nii.gz');
    expect(root.history.unsaved).toBe(false);
    await settled(recovery);
    expect(await page().recovery.pending()).toBeUndefined();
  });

  it('begins the journal again from the page when main cannot follow', async () => {
    let appends = 0;
    const { root, recovery } = page();
    const real = (root.client as FakeClient)['handlers'];
    const append = real['journal.append'];
    real['journal.append'] = async (input) => {
      appends++;
      if (appends === 1 && append) {
        await append(input);
        return { lastSeq: 0, rebegin: true }; // as if main had lost its place
      }
      if (!append) throw new Error('no handler');
      return append(input);
    };
    await root.openWorkflow.openInitial();
    paintStep(root, [5, 6, 7], 3);
    // The store's state first: MobX re-runs the predicate only for observables it read.
    await when(() => recovery.state === 'idle' && appends >= 1, { timeout: 5000 });
    paintStep(root, [8], 3);
    await when(() => recovery.state === 'idle' && recovery.ackedSeq >= 1 && appends >= 2, { timeout: 5000 });
    const pending = await page().recovery.pending();
    expect(pending?.labelledVoxels).toBe(4);
  });

  it('says so on the status line when autosave fails, and keeps the labels', async () => {
    const { root, recovery } = page({
      'journal.begin': () => Promise.reject(new Error('disk full')),
    });
    await root.openWorkflow.openInitial();
    await when(() => recovery.state === 'failed', { timeout: 5000 });
    expect(root.app.notice).toMatch(/Autosave failed: disk full/);
    paintStep(root, [1], 1);
    expect(root.segmentation.count(1)).toBe(1);
  });

  it("leaves the previous image's journal when the next one's preview shows, and starts the next once its voxels are in", async () => {
    let whilePreviewed: { begun: number; appended: number } | undefined;
    const { root, recovery, client, journalled } = page({
      'volume.openFile': async (input) => {
        const message = { ...syntheticVolume({ size: [6, 5, 4], name: 'knee.nii.gz' }), meta: { ...syntheticVolume().meta, id: 'next', geometry: syntheticVolume({ size: [6, 5, 4] }).meta.geometry } };
        const { center, planes } = previewPlanes(new Int16Array(message.voxels), 'int16', message.meta.geometry.size);
        client.emit('volume.preview', { previewId: input.previewId ?? '?', meta: message.meta, center: [...center], planes: [...planes], windowLevel: { window: 10, level: 5 } });
        // A segment-table edit while the voxels travel (nothing gates it on them).
        runInAction(() => root.segmentation.addSegment('Added while opening'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        whilePreviewed = { begun: journalled.filter((j) => j.method === 'begin').length, appended: journalled.filter((j) => j.method === 'append').length };
        return message;
      },
    });
    await root.openWorkflow.openInitial();
    paintStep(root, [0, 1], 1);
    await settled(recovery);
    const first = journalled[0]?.documentId;
    const before = { begun: 1, appended: journalled.filter((j) => j.method === 'append').length };
    await root.openWorkflow.openFile('/data/knee.nii.gz');
    // Nothing went to the first image's journal, and the next had not begun, while the preview showed.
    expect(whilePreviewed).toEqual(before);
    await when(() => journalled.filter((j) => j.method === 'begin').length === 2, { timeout: 5000 });
    const next = journalled.at(-1);
    expect(next?.documentId).not.toBe(first);
    expect(next?.segments).toContain('Added while opening');
    expect(journalled.filter((j) => j.documentId === first && j.method === 'append')).toHaveLength(before.appended);
  });
});
