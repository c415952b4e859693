import { describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, type VolumeGeometry } from '../../../electron/common/volume';
import { replaceDiff } from '../segmentation/paint';
import { HistoryStore, type HistoryChange } from './history-store';
import { SegmentationStore } from './segmentation-store';

const geometry: VolumeGeometry = { size: [8, 8, 4], spacing: [1, 1, 1], origin: [0, 0, 0], direction: IDENTITY_DIRECTION };

function stores(): { seg: SegmentationStore; history: HistoryStore; changes: HistoryChange['kind'][] } {
  const seg = new SegmentationStore();
  seg.reset(geometry);
  seg.applyKneePreset();
  const history = new HistoryStore(seg);
  const changes: HistoryChange['kind'][] = [];
  history.listen((change) => changes.push(change.kind));
  return { seg, history, changes };
}

const plane = 64;
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, n) => from + n);

describe('HistoryStore', () => {
  it('undoes a click and the propagation after it as one step', () => {
    const { seg, history, changes } = stores();
    seg.takeChange();
    history.beginGroup('Click + propagate');
    history.record('Click', seg.write(range(10, 20), 1, { kind: 'slice', ref: { axis: 2, slice: 0 } }));
    const beforePropagation = seg.labels?.slice() ?? new Uint8Array(0);
    seg.writeModel(new Map([[1, range(plane + 10, plane + 20)], [2, range(3 * plane, 3 * plane + 5)]]), { kind: 'all' });
    // As the propagation store records a run: the whole map against its copy from before.
    history.record('Propagate', replaceDiff(beforePropagation, seg.labels ?? new Uint8Array(0)));
    expect(history.labels).toEqual([]);
    expect(changes).toEqual([]);
    history.endGroup();
    expect(history.labels).toEqual(['Click + propagate']);
    expect(changes).toEqual(['record']);
    expect(seg.count(1)).toBe(20);

    seg.takeChange();
    expect(history.undo()).toBe('Click + propagate');
    expect(seg.count(1)).toBe(0);
    expect(seg.count(2)).toBe(0);
    expect(seg.labels?.every((v) => v === 0)).toBe(true);
    // The views hear which slices the undo reached: k = 0 to 3 here.
    expect(seg.takeChange()).toEqual({ kind: 'slices', axis: 2, first: 0, last: 3 });
    history.redo();
    expect(seg.count(1)).toBe(20);
    expect(seg.count(2)).toBe(5);
  });

  it('keeps a propagation-sized step packed far below 8 bytes a voxel', () => {
    const { seg, history } = stores();
    const before = seg.labels?.slice() ?? new Uint8Array(0);
    seg.writeModel(new Map([[3, range(0, 200)]]), { kind: 'all' });
    history.record('Propagate', { indices: Int32Array.from(range(0, 200)), before: new Uint16Array(200), after: new Uint16Array(200).fill(3) });
    expect(history.bytes).toBeLessThan(8 * 200);
    history.undo();
    expect(seg.labels).toEqual(before);
  });

  it('ends an open group when asked to undo, and undoes the group whole', () => {
    const { seg, history, changes } = stores();
    history.beginGroup('Brush Femur');
    history.beginGroup('inner');
    history.record('dab', seg.write([1, 2], 1, { kind: 'slice', ref: { axis: 2, slice: 0 } }));
    history.endGroup();
    history.record('dab', seg.write([2, 3], 1, { kind: 'slice', ref: { axis: 2, slice: 0 } }));
    expect(history.undo()).toBe('Brush Femur');
    expect(changes).toEqual(['record', 'undo']);
    expect(seg.count(1)).toBe(0);
  });

  it('holds undo and redo while a writer says its step is not recorded yet', () => {
    const { seg, history, changes } = stores();
    let writing = false;
    history.holdWhile(() => writing);
    history.record('Click', seg.write([1, 2], 1, { kind: 'slice', ref: { axis: 2, slice: 0 } }));
    writing = true;
    expect(history.undo()).toBeUndefined();
    expect(seg.count(1)).toBe(2);
    writing = false;
    expect(history.undo()).toBe('Click');
    writing = true;
    expect(history.redo()).toBeUndefined();
    expect(seg.count(1)).toBe(0);
    writing = false;
    expect(history.redo()).toBe('Click');
    expect(changes).toEqual(['record', 'undo', 'redo']);
  });
});
