/**
 * The paper's loop through the stores: propagate from the user's slices, correct one, re-propagate
 * only between its neighbours, with streamed slices written as they arrive and one undo step.
 * The fake worker copies, into each slice it writes, the label's mask from the nearest seed slice.
 */
import { configure } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../electron/common/contract';
import type { PropagationProgress } from '../../../electron/common/contract-propagation';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { userSlicesOf } from '../segmentation/user-slices';
import { RootStore } from './root-store';
import { unpackSeedRuns } from '../../../electron/common/propagation/seed-runs';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const WIDTH = 8;
const HEIGHT = 6;
const SLICES = 12;
const PIXELS = WIDTH * HEIGHT;
const ALONG = { axis: 2, slice: 0 } as const;

type Start = MethodInput<'propagation.start'>;
type Progress = PropagationProgress;
type Update = Progress['updates'][number];

/** The fake propagation of one label: nearest seed slice copied into each slice of the range. */
function propagate(start: Start): { labels: Uint8Array<ArrayBuffer>; updates: Update[]; written: number[] } {
  const seeds = new Uint8Array(PIXELS * SLICES);
  unpackSeedRuns(start.seedRuns, seeds);
  const label = start.options.labels?.[0] ?? 1;
  const annotated = start.options.annotatedSlices ?? [];
  const [first, last] = start.options.range ?? [0, SLICES - 1];
  const labels = seeds.slice();
  const updates: Update[] = [];
  const written: number[] = [];
  for (let s = first; s <= last; s++) {
    if (annotated.includes(s)) continue;
    const nearest = [...annotated].sort((a, b) => Math.abs(a - s) - Math.abs(b - s) || a - b)[0] ?? s;
    for (let p = 0; p < PIXELS; p++) {
      const here = s * PIXELS + p;
      if (seeds[nearest * PIXELS + p] === label) labels[here] = label;
      else if (labels[here] === label) labels[here] = 0;
    }
    written.push(s);
    updates.push({ slice: s, label, componentType: 'uint8', labels: labels.slice(s * PIXELS, (s + 1) * PIXELS).buffer });
  }
  return { labels, updates, written };
}

interface Workspace {
  root: RootStore;
  starts: Start[];
  /** Called with the labels as the page holds them before each progress event is pushed. */
  beforeEvent: (labels: Uint8Array) => void;
  /** The next job's second event, instead of 'done'. */
  stopWith: 'cancelled' | 'failed' | undefined;
  suspects: NonNullable<Progress['outcome']>['suspects'];
  /** The label map `labels.load` answers. */
  loadable: Uint8Array;
  /** The gate decisions the outcome reports (as the worker does for 'auto'). */
  gate: NonNullable<Progress['outcome']>['gate'];
}

async function workspace(): Promise<Workspace> {
  const fake: Omit<Workspace, 'root'> = { starts: [], beforeEvent: () => undefined, stopWith: undefined, suspects: [], loadable: new Uint8Array(PIXELS * SLICES), gate: undefined };
  const client = new FakeClient({
    'volume.openInitial': () => Promise.resolve(syntheticVolume({ size: [WIDTH, HEIGHT, SLICES] })),
    'segmentation.clickToMask': (input) => {
      const mask = new Uint8Array(PIXELS);
      for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) mask[y * WIDTH + x] = 1;
      return Promise.resolve({ mask: mask.buffer, width: WIDTH, height: HEIGHT, axis: input.axis, slice: input.slice, elapsedMs: 1, modelId: 'classical-growcut', kind: 'classical' });
    },
    'labels.load': () =>
      Promise.resolve({ name: 'loaded', labelMap: { componentType: 'uint8', voxels: fake.loadable.slice().buffer } }),
    'propagation.start': (input) => {
      fake.starts.push(input);
      const job = propagate(input);
      const half = Math.ceil(job.updates.length / 2);
      const total = job.updates.length;
      // The service pushes the job's progress after start has answered: half the slices, then the end.
      const push = (event: Omit<Progress, 'jobId'>): void => {
        const labels = root.segmentation.labels;
        if (labels instanceof Uint8Array) fake.beforeEvent(labels);
        client.emit('propagation.progress', { jobId: input.jobId, ...event });
      };
      setTimeout(() => {
        push({ state: 'running', updates: job.updates.slice(0, half), done: half, total });
        setTimeout(() => {
          if (fake.stopWith === 'cancelled') push({ state: 'cancelled', updates: [], done: half, total });
          else if (fake.stopWith === 'failed') push({ state: 'failed', updates: [], done: half, total, error: 'The model crashed.' });
          else
            push({
              state: 'done',
              updates: job.updates.slice(half),
              done: total,
              total,
              outcome: {
                propagated: [1],
                written: job.written,
                computedSlices: job.written.length,
                elapsedMs: 3,
                suspects: fake.suspects,
                ...(fake.gate === undefined ? {} : { gate: fake.gate, method: 'auto' as const }),
              },
            });
        }, 0);
      }, 0);
      return Promise.resolve({ jobId: input.jobId });
    },
  });
  const root = new RootStore(client);
  await root.openWorkflow.openInitial();
  root.segmentation.applyKneePreset();
  root.propagation.setView('axial');
  // The fake reads what the test sets on the returned object.
  return Object.assign(fake, { root });
}

async function clickSlice(root: RootStore, slice: number): Promise<void> {
  await root.toolbox.click.add({ ...ALONG, slice }, { x: 2, y: 2, positive: true });
  expect(root.labelEdits.commitPreview()).toBe(true);
}

/** A brush dab on one pixel of a slice (a correction). */
function brush(root: RootStore, slice: number, pixel: number): void {
  root.toolbox.brush.beginStroke();
  root.toolbox.brush.paintPixels({ ...ALONG, slice }, [pixel]);
  root.toolbox.brush.endStroke();
}

function labelsCopy(root: RootStore): Uint8Array {
  const labels = root.segmentation.labels;
  if (!(labels instanceof Uint8Array)) throw new Error('expected uint8 labels');
  return labels.slice();
}

function changedSlices(a: Uint8Array, b: Uint8Array): number[] {
  const slices = new Set<number>();
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) slices.add(Math.floor(n / PIXELS));
  return [...slices].sort((x, y) => x - y);
}

/** Slices 2 and 9 clicked (femur), propagated once. */
async function propagatedOnce(): Promise<Workspace> {
  const ws = await workspace();
  await clickSlice(ws.root, 2);
  await clickSlice(ws.root, 9);
  await ws.root.propagation.run('memory', 'axial');
  expect(ws.root.propagation.state).toBe('done');
  return ws;
}

describe('propagation from user slices', () => {
  it('seeds the first run from the clicked slices only, over every slice', async () => {
    const ws = await propagatedOnce();
    expect(ws.starts).toHaveLength(1);
    expect(ws.starts[0]?.options).toEqual({ axis: 2, locked: [], labels: [1], annotatedSlices: [2, 9] });
    expect(ws.root.segmentation.count(1)).toBe(9 * SLICES);
  });

  it('re-propagates a correction only between its annotated neighbours, as one undo step', async () => {
    const ws = await propagatedOnce();
    const { root } = ws;
    brush(root, 5, 4 * WIDTH + 6);
    expect(root.propagation.plan('memory')).toEqual([
      { label: 1, kind: 'range', seeds: [2, 5, 9], corrected: [5], range: { first: 3, last: 8 } },
    ]);
    const corrected = labelsCopy(root);
    const steps = root.history.labels.length;

    await root.propagation.run('memory', 'axial');
    // The propagated slices did not become seeds: only the user's three are.
    expect(ws.starts[1]?.options).toEqual({ axis: 2, locked: [], labels: [1], annotatedSlices: [2, 5, 9], range: [3, 8] });
    const repropagated = labelsCopy(root);
    // Slices nearer the correction than the other seeds took its extra pixel; nothing outside 3–8 moved.
    expect(changedSlices(corrected, repropagated)).toEqual([4, 6, 7]);
    expect(root.history.labels).toHaveLength(steps + 1);
    expect(root.history.labels.at(-1)).toBe('Propagate (memory network), slices 4–9');
    expect(root.propagation.plan('memory')[0]?.kind).toBe('up-to-date');

    root.history.undo();
    expect(labelsCopy(root)).toEqual(corrected);
    // Undone, the correction waits to be propagated again.
    expect(root.propagation.plan('memory')[0]?.kind).toBe('range');
    root.history.redo();
    expect(labelsCopy(root)).toEqual(repropagated);
    expect(root.propagation.plan('memory')[0]?.kind).toBe('up-to-date');
  });

  it('runs one job per segment, each from its own slices, and undoes them together', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    ws.root.segmentation.setActive(3);
    brush(ws.root, 8, 5 * WIDTH + 7);
    const before = labelsCopy(ws.root);
    const steps = ws.root.history.labels.length;
    await ws.root.propagation.run('memory', 'axial');
    expect(ws.starts.map((s) => [s.options.labels, s.options.annotatedSlices])).toEqual([
      [[1], [2]],
      [[3], [8]],
    ]);
    expect(ws.root.segmentation.count(1)).toBe(9 * SLICES);
    expect(ws.root.segmentation.count(3)).toBe(SLICES);
    expect(ws.root.history.labels).toHaveLength(steps + 1);
    ws.root.history.undo();
    expect(labelsCopy(ws.root)).toEqual(before);
  });

  it('joins a group the caller opened: a click and the propagation it starts undo as one step', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    const before = labelsCopy(ws.root);
    const steps = ws.root.history.labels.length;
    ws.root.history.beginGroup('Click and propagate');
    await clickSlice(ws.root, 9);
    await ws.root.propagation.run('memory', 'axial');
    ws.root.history.endGroup();
    const after = labelsCopy(ws.root);
    expect(ws.root.segmentation.count(1)).toBe(9 * SLICES);
    expect(ws.root.history.labels).toHaveLength(steps + 1);
    ws.root.history.undo();
    expect(labelsCopy(ws.root)).toEqual(before);
    ws.root.history.redo();
    expect(labelsCopy(ws.root)).toEqual(after);
  });

  it('sends the labels as their runs, read when each job starts', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    ws.root.segmentation.setActive(3);
    brush(ws.root, 8, 5 * WIDTH + 7);
    await ws.root.propagation.run('memory', 'axial');
    const seedsOf = (start: Start | undefined): Uint8Array => {
      const seeds = new Uint8Array(PIXELS * SLICES);
      if (start !== undefined) unpackSeedRuns(start.seedRuns, seeds);
      return seeds;
    };
    // The first job's seeds: the clicked mask (one run per row) and the brushed voxel.
    expect(ws.starts[0]?.seedRuns.byteLength).toBeLessThan(PIXELS * SLICES / 10);
    expect(seedsOf(ws.starts[0]).filter((v) => v === 1)).toHaveLength(9);
    // The second job's seeds hold the first job's slices, written meanwhile.
    expect(seedsOf(ws.starts[1]).filter((v) => v === 1)).toHaveLength(9 * SLICES);
    expect(seedsOf(ws.starts[1])[8 * PIXELS + 5 * WIDTH + 7]).toBe(3);
  });

  it('takes back every segment\'s slices when a later segment\'s job is cancelled', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    ws.root.segmentation.setActive(3);
    brush(ws.root, 8, 2 * WIDTH + 2);
    const before = labelsCopy(ws.root);
    const steps = ws.root.history.labels.length;
    // The second job (label 3, over slices the first one wrote) stops after its first slices.
    ws.beforeEvent = () => {
      if (ws.starts.length === 2) ws.stopWith = 'cancelled';
    };
    await ws.root.propagation.run('memory', 'axial');
    expect(ws.root.propagation.state).toBe('cancelled');
    expect(labelsCopy(ws.root)).toEqual(before);
    expect(ws.root.history.labels).toHaveLength(steps);
  });

  it('the default (auto) run is one undo step, and keeps what the gate chose for the panel and the sidecar', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    await clickSlice(ws.root, 9);
    ws.gate = [{ label: 1, between: 'interpolation', before: 'consensus', after: 'consensus', scores: { heldOut: [2, 9], memory: 0.61, interpolation: 0.8, grow: 0.5, consensus: 0.7 } }];
    const before = labelsCopy(ws.root);
    const steps = ws.root.history.labels.length;
    await ws.root.propagation.run('auto', 'axial');
    expect(ws.starts[0]?.method).toBe('auto');
    expect(ws.root.history.labels).toHaveLength(steps + 1);
    expect(ws.root.history.labels.at(-1)).toBe('Propagate');
    expect(ws.root.propagation.lastGate).toEqual(ws.gate);
    expect(ws.root.propagation.provenance?.runs).toEqual([
      expect.objectContaining({ method: 'auto', gate: [{ label: 1, between: 'interpolation', before: 'consensus', after: 'consensus', scores: { heldOut: [2, 9], memory: 0.61, interpolation: 0.8, grow: 0.5, consensus: 0.7 } }] }),
    ]);
    ws.root.history.undo();
    expect(labelsCopy(ws.root)).toEqual(before);
    // A later run without a gate clears what the panel shows.
    ws.gate = undefined;
    ws.root.history.redo();
    await ws.root.propagation.run('interpolation', 'axial');
    expect(ws.root.propagation.lastGate).toEqual([]);
  });

  it('starts nothing when nothing was corrected since the last run', async () => {
    const ws = await propagatedOnce();
    const steps = ws.root.history.labels.length;
    await ws.root.propagation.run('memory', 'axial');
    expect(ws.starts).toHaveLength(1);
    expect(ws.root.propagation.message).toMatch(/Nothing was corrected/);
    expect(ws.root.history.labels).toHaveLength(steps);
  });

  it('an undone click is no longer a seed', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    await clickSlice(ws.root, 9);
    ws.root.history.undo();
    await ws.root.propagation.run('memory', 'axial');
    expect(ws.starts[0]?.options.annotatedSlices).toEqual([2]);
  });
});

describe('slices while propagating', () => {
  it('shows each decided slice before the run ends', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    const seen: number[] = [];
    ws.beforeEvent = (labels) => {
      seen.push(labels.filter((v) => v === 1).length);
    };
    await ws.root.propagation.run('memory', 'axial');
    // First event: only the click; second: the click and the first half of the slices.
    expect(seen).toEqual([9, 9 + 9 * Math.ceil((SLICES - 1) / 2)]);
    expect(ws.root.segmentation.count(1)).toBe(9 * SLICES);
  });

  it('refuses brush strokes and click commits while it writes', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    await ws.root.toolbox.click.add({ ...ALONG, slice: 9 }, { x: 2, y: 2, positive: true });
    const refused: boolean[] = [];
    ws.beforeEvent = () => {
      refused.push(!ws.root.toolbox.brush.beginStroke(), !ws.root.labelEdits.commitPreview());
    };
    await ws.root.propagation.run('memory', 'axial');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every(Boolean)).toBe(true);
    // Once it is done, both work again.
    expect(ws.root.labelEdits.commitPreview()).toBe(true);
  });

  it('takes the shown slices back when the run is cancelled or fails', async () => {
    for (const stop of ['cancelled', 'failed'] as const) {
      const ws = await workspace();
      await clickSlice(ws.root, 2);
      const before = labelsCopy(ws.root);
      const steps = ws.root.history.labels.length;
      ws.stopWith = stop;
      await ws.root.propagation.run('memory', 'axial');
      expect(ws.root.propagation.state).toBe(stop);
      expect(labelsCopy(ws.root)).toEqual(before);
      expect(ws.root.segmentation.count(1)).toBe(9);
      expect(ws.root.history.labels).toHaveLength(steps);
      // Nothing was settled: the next press propagates everything again.
      expect(ws.root.propagation.plan('memory')[0]?.kind).toBe('all');
    }
  });

  it('never writes a streamed slice over a locked segment', async () => {
    const ws = await workspace();
    await clickSlice(ws.root, 2);
    ws.root.segmentation.setActive(3);
    brush(ws.root, 6, 2 * WIDTH + 2);
    ws.root.segmentation.updateSegment(3, { locked: true });
    await ws.root.propagation.run('memory', 'axial');
    expect(ws.root.segmentation.valueAt([2, 2, 6])).toBe(3);
    expect(ws.root.segmentation.count(1)).toBe(9 * SLICES - 1);
  });
});

describe('suspect slices', () => {
  it('are cleared when their slice is corrected, and come back when the correction is undone', async () => {
    const ws = await workspace();
    ws.suspects = [
      { slice: 5, label: 1, score: 0.9, reason: 'area-jump' },
      { slice: 7, label: 1, score: 0.4, reason: 'disagreement' },
    ];
    await clickSlice(ws.root, 2);
    await clickSlice(ws.root, 9);
    await ws.root.propagation.run('memory', 'axial');
    expect(ws.root.propagation.suspects.map((s) => s.slice)).toEqual([5, 7]);
    brush(ws.root, 5, 0);
    expect(ws.root.propagation.suspects.map((s) => s.slice)).toEqual([7]);
    expect(ws.root.propagation.nextSuspect()?.slice).toBe(7);
    ws.root.history.undo();
    expect(ws.root.propagation.suspects.map((s) => s.slice)).toEqual([5, 7]);
  });
});

describe('seeds that were not clicked', () => {
  it('a loaded label map is seeded from every slice holding a label; a deleted segment from none', async () => {
    const ws = await workspace();
    // Label 3 on slices 4 and 7 of the loaded map.
    ws.loadable.fill(3, 4 * PIXELS, 4 * PIXELS + 5);
    ws.loadable.fill(3, 7 * PIXELS, 7 * PIXELS + 5);
    await ws.root.labelFiles.loadWorkingLabels('/data/loaded.nii.gz');
    expect(ws.root.propagation.plan('memory')).toEqual([{ label: 3, kind: 'all', seeds: [4, 7] }]);
    ws.root.labelEdits.deleteSegment(3);
    expect(userSlicesOf(ws.root.segmentation.userSlices, 3, 2)).toEqual([]);
    // Undoing the delete brings the segment back with its seeds.
    ws.root.history.undo();
    expect(ws.root.propagation.plan('memory')).toEqual([{ label: 3, kind: 'all', seeds: [4, 7] }]);
  });
});
