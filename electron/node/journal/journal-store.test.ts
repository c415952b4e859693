import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, appendFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalRecord, JournalStep } from '../../common/contract-journal';
import type { DocumentInfo } from './journal-file';
import { JournalStore } from './journal-store';

const SIZE: [number, number, number] = [4, 4, 2];
const COUNT = SIZE[0] * SIZE[1] * SIZE[2];
const INFO: DocumentInfo = { image: { kind: 'sample' }, imageName: 'knee-sample.nii.gz', size: SIZE };
const DOC = 'doc-0001-test';

let folder: string;
const stores: JournalStore[] = [];

function newStore(options: ConstructorParameters<typeof JournalStore>[1] = {}): JournalStore {
  const store = new JournalStore(folder, options);
  stores.push(store);
  return store;
}

/** A step that writes `value` at `indices`, over the values `before` (0 where not given). */
function step(id: number, indices: number[], value: number, before: number[] = []): JournalStep {
  return {
    id,
    label: `step ${id}`,
    diff: {
      indices: new Int32Array(indices).buffer,
      before: new Uint16Array(indices.map((_, n) => before[n] ?? 0)).buffer,
      after: new Uint16Array(indices.map(() => value)).buffer,
    },
  };
}

function empty() {
  return { labels: new Uint8Array(COUNT), segments: [], steps: [], cursor: 0, lastSeq: 0, savedSeq: 0 };
}

async function begun(options: ConstructorParameters<typeof JournalStore>[1] = {}): Promise<JournalStore> {
  const store = newStore(options);
  await store.begin(DOC, INFO, empty());
  return store;
}

const logPath = (): string => join(folder, `${DOC}.log`);

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'iseg-journal-'));
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('JournalStore', () => {
  it('appends records that a restarted process reads back', async () => {
    const store = await begun();
    const records: JournalRecord[] = [
      { kind: 'segments', seq: 1, segments: [{ value: 3, name: 'Tibia', color: [1, 2, 3], visible: true, locked: false }], active: 3 },
      { kind: 'step', seq: 2, step: step(1, [0, 1, 2], 3) },
      { kind: 'step', seq: 3, step: step(2, [5], 3) },
    ];
    expect(await store.append(DOC, records)).toEqual({ lastSeq: 3, rebegin: false });

    const restarted = newStore();
    const { state } = await restarted.load(DOC);
    expect([...state.labels.slice(0, 6)]).toEqual([3, 3, 3, 0, 0, 3]);
    expect(state.segments.map((s) => s.name)).toEqual(['Tibia']);
    expect(state.active).toBe(3);
    expect(state.cursor).toBe(2);
    expect(state.steps.map((s) => s.label)).toEqual(['step 1', 'step 2']);
  });

  it('fsyncs the log before an append answers', async () => {
    const store = await begun();
    const handle = await open(logPath(), 'r');
    const prototype = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
    await handle.close();
    const sync = vi.spyOn(prototype, 'sync');
    try {
      await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0], 1) }]);
      expect(sync).toHaveBeenCalled();
    } finally {
      sync.mockRestore();
    }
  });

  it('skips records it already holds and asks to begin again after a gap', async () => {
    const store = await begun();
    await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0], 1) }]);
    expect(await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0], 1) }, { kind: 'clear', seq: 2 }])).toEqual({
      lastSeq: 2,
      rebegin: false,
    });
    expect(await store.append(DOC, [{ kind: 'clear', seq: 4 }])).toEqual({ lastSeq: 2, rebegin: true });
  });

  it('restores the history position after undo and redo', async () => {
    const store = await begun();
    await store.append(DOC, [
      { kind: 'step', seq: 1, step: step(1, [0, 1], 1) },
      { kind: 'step', seq: 2, step: step(2, [1, 2], 2, [1, 0]) },
      { kind: 'step', seq: 3, step: step(3, [3], 2) },
      { kind: 'undo', seq: 4, id: 3 },
      { kind: 'undo', seq: 5, id: 2 },
      { kind: 'redo', seq: 6, id: 2 },
    ]);
    const { state } = await newStore().load(DOC);
    expect(state.cursor).toBe(2);
    expect(state.steps).toHaveLength(3);
    expect([...state.labels.slice(0, 4)]).toEqual([1, 2, 2, 0]);
  });

  it('asks to begin again when the page undoes a step the journal does not hold', async () => {
    const store = await begun();
    await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0], 1) }]);
    expect(await store.append(DOC, [{ kind: 'undo', seq: 2, id: 7 }])).toEqual({ lastSeq: 1, rebegin: true });
    expect((await newStore().load(DOC)).state.labels[0]).toBe(1);
  });

  it('ignores a torn tail with a sentence, and appends after the last whole record', async () => {
    const store = await begun();
    await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0], 1) }]);
    await store.append(DOC, [{ kind: 'step', seq: 2, step: step(2, [1], 1) }]);
    await store.close();
    const size = statSync(logPath()).size;
    truncateSync(logPath(), size - 5); // the process died while writing the second record

    const restarted = newStore();
    const pending = await restarted.pending();
    expect(pending?.notice).toMatch(/incomplete .* left out/);
    expect(pending?.steps).toBe(1);
    expect(await restarted.append(DOC, [{ kind: 'step', seq: 2, step: step(2, [2], 4) }])).toEqual({ lastSeq: 2, rebegin: false });
    await restarted.close();

    const { state, notice } = await newStore().load(DOC);
    expect(notice).toBeUndefined();
    expect([...state.labels.slice(0, 3)]).toEqual([1, 0, 4]);
  });

  it('ignores garbage after the last record and a damaged record in the middle', async () => {
    const store = await begun();
    await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0], 1) }]);
    await store.close();
    appendFileSync(logPath(), Buffer.from('not a journal record at all, but long enough'));
    const { state, notice } = await newStore().load(DOC);
    expect(state.lastSeq).toBe(1);
    expect(notice).toMatch(/The last \d+ bytes of the autosave journal were incomplete/);

    const bytes = readFileSync(logPath());
    bytes[20] = (bytes[20] ?? 0) ^ 0xff; // flips a byte inside the first record's payload
    writeFileSync(logPath(), bytes);
    const damaged = await newStore().load(DOC);
    expect(damaged.state.lastSeq).toBe(0);
    expect(damaged.notice).toMatch(/left out/);
  });

  it('compacts the log into a snapshot in the background, losing nothing', async () => {
    const store = await begun({ compactBytes: 200 });
    for (let seq = 1; seq <= 8; seq++) await store.append(DOC, [{ kind: 'step', seq, step: step(seq, [seq], seq) }]);
    await store.idle();
    expect(statSync(logPath()).size).toBeLessThan(200);
    await store.append(DOC, [{ kind: 'undo', seq: 9, id: 8 }]);
    await store.close();
    const { state } = await newStore().load(DOC);
    expect(state.lastSeq).toBe(9);
    expect(state.cursor).toBe(7);
    expect([...state.labels.slice(0, 9)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0]);
  });

  it('keeps the history under its budget by dropping the oldest steps', async () => {
    const store = await begun({ historyBudgetBytes: 40 }); // one 2-voxel step is 16 bytes
    for (let seq = 1; seq <= 5; seq++) await store.append(DOC, [{ kind: 'step', seq, step: step(seq, [seq, seq + 10], 1) }]);
    const { state } = await store.load(DOC);
    expect(state.steps.map((s) => s.id)).toEqual([4, 5]);
    expect(state.cursor).toBe(2);
  });

  it('offers only unsaved work, the most recent first', async () => {
    const store = await begun();
    expect(await store.pending()).toBeUndefined(); // nothing done yet
    await store.append(DOC, [{ kind: 'step', seq: 1, step: step(1, [0, 1, 2], 1) }]);
    expect(await store.pending()).toMatchObject({ documentId: DOC, imageName: 'knee-sample.nii.gz', steps: 1, cursor: 1, labelledVoxels: 3 });
    await store.append(DOC, [{ kind: 'saved', seq: 2 }]);
    expect(await newStore().pending()).toBeUndefined();
  });

  it('keeps a bounded number of documents', async () => {
    const store = newStore({ maxDocuments: 2 });
    for (const id of ['doc-aaaa-1', 'doc-aaaa-2', 'doc-aaaa-3']) await store.begin(id, INFO, empty());
    const names = readdirSync(folder).filter((n) => n.endsWith('.snapshot.gz'));
    expect(names).toHaveLength(2);
    expect(names).toContain('doc-aaaa-3.snapshot.gz');
  });

  it('says a damaged snapshot cannot be restored, and start-up still finds nothing pending', async () => {
    await begun();
    writeFileSync(join(folder, `${DOC}.snapshot.gz`), Buffer.from('damaged'));
    const messages: string[] = [];
    const restarted = newStore({ log: (m) => messages.push(m) });
    expect(await restarted.pending()).toBeUndefined();
    expect(messages.join('\n')).toMatch(/cannot be read and is ignored: The autosave snapshot is damaged/);
    await expect(restarted.load(DOC)).rejects.toThrow(/autosave snapshot is damaged/);
  });
});
