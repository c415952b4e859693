import { configure } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

/** A 8 × 6 × 4 volume; clickToMask answers a 3 × 3 square around the last positive click. */
async function workspace(): Promise<{ root: RootStore; client: FakeClient; sent: unknown[] }> {
  const sent: unknown[] = [];
  const client = new FakeClient({
    'volume.openInitial': () => Promise.resolve(syntheticVolume()),
    'segmentation.clickToMask': (input) => {
      sent.push(input);
      const width = 8;
      const height = 6;
      const mask = new Uint8Array(width * height);
      const last = [...input.clicks].reverse().find((c) => c.positive);
      if (last !== undefined)
        for (let y = last.y - 1; y <= last.y + 1; y++)
          for (let x = last.x - 1; x <= last.x + 1; x++)
            if (x >= 0 && y >= 0 && x < width && y < height) mask[y * width + x] = 1;
      return Promise.resolve({
        mask: mask.buffer,
        width,
        height,
        axis: input.axis,
        slice: input.slice,
        modelId: 'classical-growcut',
        kind: 'classical' as const,
        elapsedMs: 3,
      });
    },
  });
  const root = new RootStore(client);
  await root.openWorkflow.openInitial();
  return { root, client, sent };
}

describe('annotation workflows', () => {
  it('starts with an empty label map in the image geometry', async () => {
    const { root } = await workspace();
    expect(root.segmentation.labels?.length).toBe(8 * 6 * 4);
    expect(root.segmentation.count(0)).toBe(8 * 6 * 4);
    expect(root.history.labels).toEqual([]);
  });

  it('commits a click preview as one undoable step and sends all clicks', async () => {
    const { root, sent } = await workspace();
    root.segmentation.applyKneePreset();
    const ref = { axis: 2 as const, slice: 1 };
    await root.toolbox.click.add(ref, { x: 3, y: 3, positive: true });
    await root.toolbox.click.add(ref, { x: 0, y: 0, positive: false });
    expect(sent).toHaveLength(2);
    expect((sent[1] as { clicks: unknown[]; previousMask?: ArrayBuffer }).clicks).toHaveLength(2);
    expect((sent[1] as { previousMask?: ArrayBuffer }).previousMask?.byteLength).toBe(48);
    expect(root.prompts.preview?.voxels).toBe(9);
    expect(root.labelEdits.commitPreview()).toBe(true);
    expect(root.segmentation.count(1)).toBe(9);
    expect(root.segmentation.valueAt([3, 3, 1])).toBe(1);
    expect(root.prompts.active).toBe(false);
    expect(root.prompts.committedClicks).toBe(2);
    expect(root.history.labels).toHaveLength(1);
    root.history.undo();
    expect(root.segmentation.count(1)).toBe(0);
    root.history.redo();
    expect(root.segmentation.count(1)).toBe(9);
  });

  it('leaves a locked segment unchanged under clicks, brush and eraser', async () => {
    const { root } = await workspace();
    root.segmentation.applyKneePreset();
    const ref = { axis: 2 as const, slice: 0 };
    // Femoral cartilage (2) gets a square, then is locked.
    root.segmentation.setActive(2);
    await root.toolbox.click.add(ref, { x: 3, y: 3, positive: true });
    root.labelEdits.commitPreview();
    root.segmentation.updateSegment(2, { locked: true });
    // A femur click mask and a brush stroke over the same place leave it as it is.
    root.segmentation.setActive(1);
    await root.toolbox.click.add(ref, { x: 4, y: 3, positive: true });
    root.labelEdits.commitPreview();
    expect(root.segmentation.count(2)).toBe(9);
    expect(root.segmentation.count(1)).toBe(3);
    root.toolbox.brush.beginStroke();
    root.toolbox.brush.paintPixels(ref, [3 * 8 + 3, 0]);
    root.toolbox.brush.endStroke();
    expect(root.segmentation.valueAt([3, 3, 0])).toBe(2);
    expect(root.segmentation.valueAt([0, 0, 0])).toBe(1);
    root.segmentation.setActive(2);
    root.toolbox.eraser.beginStroke();
    root.toolbox.eraser.paintPixels(ref, [3 * 8 + 3]);
    root.toolbox.eraser.endStroke();
    expect(root.segmentation.count(2)).toBe(9);
  });

  it('records a whole brush stroke as one step and an eraser stroke as another', async () => {
    const { root } = await workspace();
    root.segmentation.applyKneePreset();
    const ref = { axis: 2 as const, slice: 2 };
    root.toolbox.brush.beginStroke();
    root.toolbox.brush.paintPixels(ref, [0, 1]);
    root.toolbox.brush.paintPixels(ref, [1, 2, 3]);
    root.toolbox.brush.endStroke();
    expect(root.segmentation.count(1)).toBe(4);
    root.toolbox.eraser.beginStroke();
    root.toolbox.eraser.paintPixels(ref, [0]);
    root.toolbox.eraser.endStroke();
    expect(root.history.labels).toEqual(['Brush Femur', 'Erase Femur']);
    root.history.undo();
    expect(root.segmentation.count(1)).toBe(4);
    root.history.undo();
    expect(root.segmentation.count(1)).toBe(0);
    expect(root.history.canRedo).toBe(true);
    // A new action clears redo.
    root.toolbox.brush.beginStroke();
    root.toolbox.brush.paintPixels(ref, [5]);
    root.toolbox.brush.endStroke();
    expect(root.history.canRedo).toBe(false);
  });

  it('deletes a segment with its voxels as one step, and undo brings both back', async () => {
    const { root } = await workspace();
    root.segmentation.applyKneePreset();
    root.segmentation.setActive(3);
    root.toolbox.brush.beginStroke();
    root.toolbox.brush.paintPixels({ axis: 2, slice: 0 }, [0, 1, 2]);
    root.toolbox.brush.endStroke();
    root.labelEdits.deleteSegment(3);
    expect(root.segmentation.segment(3)).toBeUndefined();
    expect(root.segmentation.count(3)).toBe(0);
    root.history.undo();
    expect(root.segmentation.segment(3)?.name).toBe('Tibia');
    expect(root.segmentation.count(3)).toBe(3);
    root.history.redo();
    expect(root.segmentation.segment(3)).toBeUndefined();
  });

  it('a click on another slice starts a new prompt; Esc cancels', async () => {
    const { root } = await workspace();
    await root.toolbox.click.add({ axis: 2, slice: 0 }, { x: 3, y: 3, positive: true });
    await root.toolbox.click.add({ axis: 2, slice: 1 }, { x: 3, y: 3, positive: true });
    expect(root.prompts.clicks).toHaveLength(1);
    root.prompts.cancel();
    expect(root.prompts.preview).toBeUndefined();
    expect(root.labelEdits.commitPreview()).toBe(false);
  });
});

describe('finishing a prompt', () => {
  it('waits for the last click to be answered before committing', async () => {
    const { root } = await workspace();
    root.segmentation.applyKneePreset();
    const ref = { axis: 2 as const, slice: 0 };
    const pending = root.toolbox.click.add(ref, { x: 3, y: 3, positive: true });
    // Enter pressed before the answer arrived: the mask still goes in.
    const finished = root.labelEdits.finishPrompt();
    await pending;
    expect(await finished).toBe(true);
    expect(root.segmentation.count(1)).toBe(9);
  });
});
