import { configure, reaction, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClient, READY_WORKER, syntheticVolume } from '../testing/fake-client';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const LIA = [1, 0, 0, 0, 0, -1, 0, -1, 0] as const;

function storeWith(volume = syntheticVolume()): { root: RootStore; client: FakeClient } {
  const client = new FakeClient({
    'volume.openInitial': () => Promise.resolve(volume),
    'volume.openSample': () => Promise.resolve(syntheticVolume({ size: [3, 3, 3], name: 'sample' })),
    'app.getInfo': () =>
      Promise.resolve({
        name: 'iSeg Studio',
        version: '0.1.0',
        transport: 'serve',
        platform: 'linux',
        inference: READY_WORKER,
      }),
  });
  return { root: new RootStore(client), client };
}

describe('RootStore: prompts that start from a segment', () => {
  it('seeds from the active segment (not a locked or hidden one) and drops the prompt when another segment is chosen', async () => {
    const client = new FakeClient({
      'volume.openInitial': () => Promise.resolve(syntheticVolume()),
      'segmentation.clickToMask': (input) =>
        Promise.resolve({ mask: new Uint8Array(8 * 6).fill(1).buffer, width: 8, height: 6, axis: input.axis, slice: input.slice, modelId: 'm', kind: 'onnx' as const, elapsedMs: 1 }),
    });
    const root = new RootStore(client);
    await root.openWorkflow.openInitial();
    runInAction(() => {
      root.segmentation.applyKneePreset();
      root.segmentation.write([0, 1, 2], 1, { kind: 'all' });
      root.prompts.setEngine({ clickModel: 'm', kind: 'onnx', state: 'ready', ep: 'cpu', label: 'CPU', preference: 'auto', messages: [] });
    });
    const ref = { axis: 2 as const, slice: 0 };
    expect(root.segmentation.activeSliceMask(ref)?.mask.slice(0, 4)).toEqual(Uint8Array.from([1, 1, 1, 0]));
    runInAction(() => root.segmentation.updateSegment(1, { locked: true }));
    expect(root.segmentation.activeSliceMask(ref)).toBeUndefined();
    runInAction(() => root.segmentation.updateSegment(1, { locked: false, visible: false }));
    expect(root.segmentation.activeSliceMask(ref)).toBeUndefined();
    runInAction(() => root.segmentation.updateSegment(1, { visible: true }));

    await root.prompts.addClick('v', ref, { x: 1, y: 1, positive: true });
    expect(root.prompts.preview?.startedFrom?.value).toBe(1);
    runInAction(() => root.segmentation.setActive(3));
    expect(root.prompts.active).toBe(false);
    expect(root.prompts.preview).toBeUndefined();
  });
});

describe('RootStore', () => {
  it('loads the initial volume by reference and centres the cursor', async () => {
    const volume = syntheticVolume();
    const { root } = storeWith(volume);
    const versions: number[] = [];
    reaction(
      () => root.volume.version,
      (v) => versions.push(v),
    );
    await root.openWorkflow.openInitial();
    expect(root.volume.voxels?.buffer).toBe(volume.voxels);
    expect(versions).toEqual([1]);
    expect(root.ui.cursorIndex).toEqual([3, 2, 1]);
    expect(root.ui.slices).toEqual({ axial: 1, sagittal: 3, coronal: 2 });
    expect(root.volume.valueAt(root.ui.cursorVoxel)).toBe(3 + 20 + 100);
    expect(root.ui.windowLevel.window).toBeGreaterThan(0);
    expect(root.ui.preset).toBe('auto');
    expect(root.app.busy).toBe(false);
  });

  it('is busy while a call is in flight', async () => {
    const { root } = storeWith();
    const seen: boolean[] = [];
    reaction(
      () => root.app.busy,
      (b) => seen.push(b),
    );
    await root.openWorkflow.openInitial();
    expect(seen).toEqual([true, false]);
  });

  it('reports a malformed volume and stays idle', async () => {
    const bad = syntheticVolume();
    const { root } = storeWith({ ...bad, voxels: new ArrayBuffer(3) });
    await expect(root.openWorkflow.openInitial()).rejects.toThrow(/3 bytes/);
    expect(root.volume.loaded).toBe(false);
    expect(root.app.busy).toBe(false);
  });

  it('follows inference status events and app info', async () => {
    const { root, client } = storeWith();
    const stop = root.connect();
    client.emit('inference.status', { state: 'restarting', restarts: 1 });
    expect(root.app.inference?.state).toBe('restarting');
    await root.loadInfo();
    expect(root.app.info?.transport).toBe('serve');
    expect(root.app.inference?.state).toBe('restarting');
    stop();
    client.emit('inference.status', READY_WORKER);
    expect(root.app.inference?.state).toBe('restarting');
  });
});

describe('RootStore wiring', () => {
  it('holds undo while a propagation writes (a brush stroke: toolbox.test.ts)', async () => {
    let end: (() => void) | undefined;
    const client = new FakeClient({
      'volume.openInitial': () => Promise.resolve(syntheticVolume()),
      'propagation.start': (input) => {
        end = () => {
          client.emit('propagation.progress', { jobId: input.jobId, state: 'cancelled', updates: [], done: 0, total: 1 });
        };
        return Promise.resolve({ jobId: input.jobId });
      },
    });
    const root = new RootStore(client);
    await root.openWorkflow.openInitial();
    root.segmentation.applyKneePreset();
    root.toolbox.brush.beginStroke();
    root.toolbox.brush.paintPixels({ axis: 2, slice: 1 }, [0, 1, 2]);
    root.toolbox.brush.endStroke();
    const run = root.propagation.run('memory', 'axial');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(root.propagation.running).toBe(true);
    expect(root.history.undo()).toBeUndefined();
    expect(root.segmentation.count(1)).toBe(3);
    end?.();
    await run;
    expect(root.propagation.running).toBe(false);
    expect(root.history.undo()).toBe('Brush Femur');
    expect(root.segmentation.count(1)).toBe(0);
  });
});

describe('UiStore', () => {
  it('scrolls forward towards superior, anterior and left whatever the storage order', async () => {
    const { root } = storeWith(syntheticVolume({ size: [5, 6, 7], direction: LIA }));
    await root.openWorkflow.openInitial();
    const ui = root.ui;
    // LIA: axial slices along j (towards inferior), coronal along k (towards anterior).
    const start = ui.slices;
    root.ui.scroll('axial', 1);
    expect(ui.slices.axial).toBe(start.axial - 1);
    root.ui.scroll('coronal', 2);
    expect(ui.slices.coronal).toBe(start.coronal + 2);
    root.ui.scroll('sagittal', 100);
    expect(ui.slices.sagittal).toBe(4);
    expect(ui.sliceCount('coronal')).toBe(7);
  });

  it('moves the cursor in the clicked plane and keeps the slice', async () => {
    const { root } = storeWith();
    await root.openWorkflow.openInitial();
    const before = root.ui.slices.axial;
    root.ui.pickAt('axial', [6.2, 0.9, 123]);
    expect(root.ui.slices.axial).toBe(before);
    expect(root.ui.cursorVoxel).toEqual([6, 1, before]);
    expect(root.ui.slices.sagittal).toBe(6);
    expect(root.ui.slices.coronal).toBe(1);
    expect(root.ui.activeView).toBe('axial');
  });

  it('applies presets and custom settings', async () => {
    const { root } = storeWith();
    await root.openWorkflow.openInitial();
    root.ui.applyPreset('full');
    expect(root.ui.windowLevel).toEqual({ window: 357, level: 178.5 });
    root.ui.setWindowLevel({ window: 10, level: 5 });
    expect(root.ui.preset).toBe('custom');
    root.ui.applyPreset('auto');
    expect(root.ui.windowLevel).toEqual(root.ui.autoWindowLevel);
  });

  it('replaces state when another volume is opened', async () => {
    const { root } = storeWith();
    await root.openWorkflow.openInitial();
    root.ui.setZoomPan('axial', { zoom: 3, panRight: 1, panUp: 2 });
    await root.openWorkflow.openSample();
    expect(root.volume.meta?.name).toBe('sample');
    expect(root.ui.cursorIndex).toEqual([1, 1, 1]);
    expect(root.ui.zoomPan.axial.zoom).toBe(1);
    expect(root.volume.version).toBe(2);
  });

  it('resets the view: fitted zoom, centred cursor, automatic window/level', async () => {
    const { root } = storeWith();
    await root.openWorkflow.openInitial();
    const centre = root.ui.cursorIndex;
    root.ui.setZoomPan('coronal', { zoom: 4, panRight: 3, panUp: -1 });
    root.ui.setWindowLevel({ window: 10, level: 5 });
    root.ui.setCursorIndex([0, 0, 0]);
    const geometry = root.volume.geometry;
    expect(geometry).toBeDefined();
    if (geometry) root.ui.resetView(geometry);
    expect(root.ui.zoomPan.coronal.zoom).toBe(1);
    expect(root.ui.cursorIndex).toEqual(centre);
    expect(root.ui.preset).toBe('auto');
    expect(root.ui.windowLevel).toEqual(root.ui.autoWindowLevel);
  });
});
