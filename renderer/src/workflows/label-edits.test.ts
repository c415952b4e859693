import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, type VolumeGeometry } from '../../../electron/common/volume';
import { WHOLE_MAP } from '../segmentation/label-change';
import { AppStore } from '../stores/app-store';
import { HistoryStore } from '../stores/history-store';
import type { Preview } from '../stores/prompt-store';
import { SegmentationStore } from '../stores/segmentation-store';
import { LabelEdits, type LabelEditStores } from './label-edits';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const geometry: VolumeGeometry = {
  size: [4, 3, 2],
  spacing: [1, 1, 1],
  origin: [0, 0, 0],
  direction: IDENTITY_DIRECTION,
};

/** A 4 × 3 preview on axial slice 1 covering the top-left 2 × 2 pixels. */
function preview(): Preview {
  const mask = new Uint8Array(12);
  for (const p of [0, 1, 4, 5]) mask[p] = 1;
  return { axis: 2, slice: 1, mask, width: 4, height: 3, voxels: 4, model: undefined };
}

/** The real label stores with an open 4 × 3 × 2 map; a stand-in prompt holding `shown` and a settable propagation. */
function workspace(shown: Preview | undefined) {
  const segmentation = new SegmentationStore();
  runInAction(() => segmentation.reset(geometry));
  const prompt = { preview: shown, summary: '2 clicks', committed: 0, settled: Promise.resolve() };
  const propagation = { running: false };
  const stores = {
    app: new AppStore(),
    segmentation,
    history: new HistoryStore(segmentation),
    prompts: {
      get preview() {
        return prompt.preview;
      },
      summary: prompt.summary,
      whenSettled: () => prompt.settled,
      markCommitted: () => {
        prompt.committed++;
        prompt.preview = undefined;
      },
    },
    propagation,
  } satisfies LabelEditStores;
  return { edits: new LabelEdits(stores), stores, prompt, propagation };
}

describe('LabelEdits.commitPreview', () => {
  it('writes the preview on its slice into the active segment as one named step', () => {
    const { edits, stores, prompt } = workspace(preview());
    runInAction(() => stores.segmentation.applyKneePreset());
    runInAction(() => stores.segmentation.setActive(3));
    expect(edits.commitPreview()).toBe(true);
    expect(stores.segmentation.count(3)).toBe(4);
    // Pixel (x, y) of axial slice 1 is voxel x + 4 y + 12.
    expect([12, 13, 16, 17].map((n) => stores.segmentation.labels?.[n])).toEqual([3, 3, 3, 3]);
    expect(stores.history.labels).toEqual(['Clicks → Tibia (2 clicks, slice 2)']);
    expect(prompt.committed).toBe(1);
  });

  it('adds a first segment when the table is empty', () => {
    const { edits, stores } = workspace(preview());
    expect(edits.commitPreview()).toBe(true);
    expect(stores.segmentation.segments.map((s) => s.name)).toEqual(['Segment 1']);
    expect(stores.history.labels).toEqual(['Clicks → Segment 1 (2 clicks, slice 2)']);
  });

  it('commits nothing without a preview or while a propagation writes', () => {
    expect(workspace(undefined).edits.commitPreview()).toBe(false);
    const { edits, stores, propagation, prompt } = workspace(preview());
    propagation.running = true;
    expect(edits.commitPreview()).toBe(false);
    expect(stores.segmentation.count(0)).toBe(24);
    expect(stores.history.labels).toEqual([]);
    expect(prompt.committed).toBe(0);
  });
});

describe('LabelEdits.commitPreview of a prompt that started from the segment', () => {
  /** Axial slice 1 holds Femur at pixels 0, 1, 2 and Tibia at 3; slice 0 holds Femur at 0. */
  function started(mask: readonly number[], startedFromValue = 1) {
    const shown: Preview = { ...preview(), mask: Uint8Array.from(mask), voxels: mask.filter((v) => v !== 0).length };
    const w = workspace(shown);
    runInAction(() => {
      w.stores.segmentation.applyKneePreset();
      w.stores.segmentation.write([12, 13, 14], 1, WHOLE_MAP);
      w.stores.segmentation.write([15], 3, WHOLE_MAP);
      w.stores.segmentation.write([0], 1, WHOLE_MAP);
      w.stores.segmentation.setActive(1);
    });
    const startedFrom = { value: startedFromValue, mask: Uint8Array.from([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), width: 4, height: 3 };
    w.prompt.preview = { ...shown, startedFrom };
    return w;
  }
  const values = (labels: ArrayLike<number> | undefined): number[] => Array.from(labels ?? []);

  it('makes the segment on that slice the mask: what it left out goes back to background, other segments and slices stay', () => {
    // The refined mask drops pixel 2, keeps 0 and 1, adds 4 and 5.
    const { edits, stores } = started([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    const before = values(stores.segmentation.labels);
    expect(edits.commitPreview()).toBe(true);
    const after = values(stores.segmentation.labels);
    expect(after.slice(12)).toEqual([1, 1, 0, 3, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(after[0]).toBe(1);
    expect(stores.segmentation.count(1)).toBe(5);
    // One step: one undo restores the slice as it was.
    expect(stores.history.labels).toEqual(['Clicks → Femur (2 clicks, slice 2)']);
    runInAction(() => stores.history.undo());
    expect(values(stores.segmentation.labels)).toEqual(before);
    runInAction(() => stores.history.redo());
    expect(values(stores.segmentation.labels)).toEqual(after);
  });

  it('takes away only what the preview showed as going: pixels painted since the prompt began stay', () => {
    const { edits, stores } = started([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    // A brush stroke on the slice after the prompt began (pixel 8), left out of the mask.
    runInAction(() => stores.segmentation.write([20], 1, WHOLE_MAP));
    expect(edits.commitPreview()).toBe(true);
    expect(values(stores.segmentation.labels).slice(12)).toEqual([1, 1, 0, 3, 1, 1, 0, 0, 1, 0, 0, 0]);
  });

  it('writes nothing while the prompt still shows the mask it started from (no answer came)', () => {
    const { edits, stores, prompt } = started([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const start = prompt.preview?.startedFrom;
    if (prompt.preview === undefined || start === undefined) throw new Error('no preview');
    prompt.preview = { ...prompt.preview, mask: start.mask };
    expect(edits.commitPreview()).toBe(false);
    expect(stores.history.labels).toEqual([]);
  });

  it('only adds when the active segment is not the one the prompt started from', () => {
    const { edits, stores } = started([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0], 2);
    expect(edits.commitPreview()).toBe(true);
    expect(values(stores.segmentation.labels).slice(12)).toEqual([1, 1, 1, 3, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('leaves a locked active segment as it is', () => {
    const { edits, stores } = started([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    runInAction(() => stores.segmentation.updateSegment(1, { locked: true }));
    edits.commitPreview();
    expect(values(stores.segmentation.labels).slice(12, 16)).toEqual([1, 1, 1, 3]);
  });
});

describe('LabelEdits.finishPrompt', () => {
  it('is busy until the last answer is in, then commits it', async () => {
    let answer: () => void = () => undefined;
    const { edits, stores, prompt } = workspace(undefined);
    prompt.settled = new Promise<void>((resolve) => {
      answer = () => {
        prompt.preview = preview();
        resolve();
      };
    });
    const finished = edits.finishPrompt();
    expect(stores.app.busy).toBe(true);
    answer();
    expect(await finished).toBe(true);
    expect(stores.app.busy).toBe(false);
    expect(stores.segmentation.count(1)).toBe(4);
  });
});

describe('LabelEdits.deleteSegment', () => {
  it('clears a segment with its voxels, locked or not, as one step with its row; undo brings both back', () => {
    const { edits, stores } = workspace(preview());
    runInAction(() => {
      stores.segmentation.applyKneePreset();
      stores.segmentation.write([0, 1, 2], 2, WHOLE_MAP);
      stores.segmentation.updateSegment(2, { locked: true });
    });
    edits.deleteSegment(2);
    expect(stores.segmentation.segment(2)).toBeUndefined();
    expect(stores.segmentation.count(2)).toBe(0);
    expect(stores.history.labels).toEqual(['Delete Femoral cartilage']);
    runInAction(() => stores.history.undo());
    expect(stores.segmentation.segment(2)?.locked).toBe(true);
    expect(stores.segmentation.count(2)).toBe(3);
  });

  it('records nothing for a value the table lacks', () => {
    const { edits, stores } = workspace(preview());
    edits.deleteSegment(7);
    expect(stores.history.labels).toEqual([]);
  });
});
