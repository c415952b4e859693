/**
 * The label sidecar's provenance as the stores collect it: the models (id and sha256) of committed
 * click masks and applied propagations, the clicks, and the settings of each applied propagation.
 */
import { configure } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { methods, type MethodInput, type MethodOutput } from '../../../electron/common/contract';
import type { PropagationProgress } from '../../../electron/common/contract-propagation';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

const CLICK_MODEL = { id: 'isegformer-swin32-cpu', sha256: 'a'.repeat(64) };
const OTHER_CLICK_MODEL = { id: 'isegformer-swin32-cpu', sha256: 'b'.repeat(64) };
const PROPAGATION_MODEL = { id: 'stcn-lite-cpu', sha256: 'c'.repeat(64) };

type ClickAnswer = Pick<MethodOutput<'segmentation.clickToMask'>, 'modelId' | 'kind' | 'modelSha256'>;
type PollOutcome = NonNullable<PropagationProgress['outcome']>;

/**
 * An 8 × 6 × 4 workspace. Click masks are a 3 × 3 square answered by `nextClickAnswer`; a
 * propagation fills slice 3 with label 1 and reports `nextOutcomeExtras` (model, method, options).
 */
async function workspace(): Promise<{
  root: RootStore;
  exports: MethodInput<'labels.export'>[];
  setClickAnswer: (answer: ClickAnswer) => void;
  setOutcomeExtras: (extras: Partial<Pick<PollOutcome, 'method' | 'options' | 'model'>>) => void;
  setPropagationFails: (fails: boolean) => void;
}> {
  let propagationFails = false;
  let clickAnswer: ClickAnswer = { modelId: CLICK_MODEL.id, kind: 'onnx', modelSha256: CLICK_MODEL.sha256 };
  let outcomeExtras: Partial<Pick<PollOutcome, 'method' | 'options' | 'model'>> = {};
  const exports: MethodInput<'labels.export'>[] = [];
  const propagationEnd = (): Omit<PropagationProgress, 'jobId'> => {
    if (propagationFails) return { state: 'failed', updates: [], done: 0, total: 1, error: 'The model crashed.' };
    // Slice 3 all label 1, in the final event (as a decided slice the stream had not brought).
    const slice3 = new Uint8Array(48).fill(1);
    return {
      state: 'done',
      updates: [{ slice: 3, label: 1, componentType: 'uint8', labels: slice3.buffer }],
      done: 1,
      total: 1,
      outcome: {
        propagated: [1],
        written: [3],
        computedSlices: 1,
        elapsedMs: 5,
        suspects: [],
        ...outcomeExtras,
      },
    };
  };
  const client = new FakeClient({
    'volume.openInitial': () => Promise.resolve(syntheticVolume()),
    'volume.openSample': () => Promise.resolve(syntheticVolume({ name: 'second' })),
    'segmentation.clickToMask': (input) => {
      const mask = new Uint8Array(8 * 6);
      for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) mask[y * 8 + x] = 1;
      return Promise.resolve({
        mask: mask.buffer,
        width: 8,
        height: 6,
        axis: input.axis,
        slice: input.slice,
        elapsedMs: 1,
        ...clickAnswer,
      });
    },
    'propagation.start': (input) => {
      // The service pushes the job's end after start has answered.
      setTimeout(() => {
        client.emit('propagation.progress', { jobId: input.jobId, ...propagationEnd() });
      }, 0);
      return Promise.resolve({ jobId: input.jobId });
    },
    'labels.export': (input) => {
      exports.push(input);
      return Promise.resolve({
        path: input.path,
        sidecarPath: 'x.labels.json',
        componentType: input.labelMap.componentType,
      });
    },
  });
  const root = new RootStore(client);
  await root.openWorkflow.openInitial();
  root.segmentation.applyKneePreset();
  return {
    root,
    exports,
    setClickAnswer: (answer) => (clickAnswer = answer),
    setOutcomeExtras: (extras) => (outcomeExtras = extras),
    setPropagationFails: (fails) => (propagationFails = fails),
  };
}

async function clickAndCommit(root: RootStore, slice: number): Promise<void> {
  await root.toolbox.click.add({ axis: 2, slice }, { x: 2, y: 2, positive: true });
  expect(root.labelEdits.commitPreview()).toBe(true);
}

/** Exports, checks the call against the contract (as main would), and returns its provenance. */
async function exportedProvenance(
  root: RootStore,
  exports: MethodInput<'labels.export'>[],
): Promise<MethodInput<'labels.export'>['provenance']> {
  await root.exportWorkflow.exportLabels('/tmp/out.nii.gz');
  const sent = exports.at(-1);
  if (sent === undefined) throw new Error('labels.export was not called');
  expect(methods['labels.export'].input.safeParse(sent).success).toBe(true);
  return sent.provenance;
}

describe('click-mask provenance', () => {
  it('records each committed ONNX model once, by id and sha256, and not the classical segmenter', async () => {
    const { root, exports, setClickAnswer } = await workspace();
    await clickAndCommit(root, 0);
    await clickAndCommit(root, 1); // the same model again: listed once
    setClickAnswer({ modelId: 'classical-growcut', kind: 'classical', modelSha256: undefined });
    await clickAndCommit(root, 2);
    // Same id, other weights: a different model for a reviewer.
    setClickAnswer({ modelId: OTHER_CLICK_MODEL.id, kind: 'onnx', modelSha256: OTHER_CLICK_MODEL.sha256 });
    await clickAndCommit(root, 3);
    expect(root.prompts.committedModels).toEqual([CLICK_MODEL, OTHER_CLICK_MODEL]);
    const provenance = await exportedProvenance(root, exports);
    expect(provenance.models).toEqual([CLICK_MODEL, OTHER_CLICK_MODEL]);
    expect(provenance.clicks).toBe(4);
    expect(provenance.propagation).toBeUndefined();
  });

  it('ignores a preview that was cancelled, and an ONNX answer without a digest', async () => {
    const { root, exports, setClickAnswer } = await workspace();
    await root.toolbox.click.add({ axis: 2, slice: 0 }, { x: 2, y: 2, positive: true });
    root.prompts.cancel();
    setClickAnswer({ modelId: 'old-worker-model', kind: 'onnx', modelSha256: undefined });
    await clickAndCommit(root, 1);
    const provenance = await exportedProvenance(root, exports);
    expect(provenance.models).toEqual([]);
    expect(provenance.clicks).toBe(1);
  });
});

describe('propagation provenance', () => {
  it('records the model and settings of each applied run, and exports them with the click models', async () => {
    const { root, exports, setOutcomeExtras } = await workspace();
    await clickAndCommit(root, 0);
    root.segmentation.updateSegment(2, { locked: true });
    setOutcomeExtras({
      method: 'memory',
      options: { axis: 2, locked: [2], stopFraction: 0.1 },
      model: PROPAGATION_MODEL,
    });
    await root.propagation.run('memory', 'axial');
    expect(root.propagation.state).toBe('done');
    // An older worker echoes nothing: the settings sent stand in, and no model is claimed.
    setOutcomeExtras({});
    await root.propagation.run('interpolation', 'axial');
    expect(root.propagation.appliedRuns.map((r) => r.model)).toEqual([PROPAGATION_MODEL, undefined]);

    const provenance = await exportedProvenance(root, exports);
    expect(provenance.models).toEqual([CLICK_MODEL, PROPAGATION_MODEL]);
    expect(provenance.propagation).toEqual({
      runs: [
        {
          method: 'memory',
          view: 'axial',
          axis: 2,
          model: PROPAGATION_MODEL,
          options: { axis: 2, locked: [2], stopFraction: 0.1 },
          propagatedLabels: [1],
        },
        // The sent settings: the one segment of the job and the user's slice it seeds from.
        { method: 'interpolation', view: 'axial', axis: 2, options: { axis: 2, locked: [2], labels: [1], annotatedSlices: [0] }, propagatedLabels: [1] },
      ],
    });
  });

  it('records nothing for a run that failed, and forgets everything when another image is opened', async () => {
    const { root, exports, setOutcomeExtras, setPropagationFails } = await workspace();
    setOutcomeExtras({ method: 'memory', options: { axis: 2 }, model: PROPAGATION_MODEL });
    await clickAndCommit(root, 0);
    setPropagationFails(true);
    await root.propagation.run('memory', 'axial');
    expect(root.propagation.state).toBe('failed');
    expect(root.propagation.appliedRuns).toEqual([]);
    expect(root.propagation.provenance).toBeUndefined();
    setPropagationFails(false);
    await root.propagation.run('memory', 'axial');
    expect(root.propagation.appliedRuns).toHaveLength(1);

    await root.openWorkflow.openSample();
    expect(root.propagation.appliedRuns).toEqual([]);
    expect(root.prompts.committedModels).toEqual([]);
    const provenance = await exportedProvenance(root, exports);
    expect(provenance).toEqual({ models: [], clicks: 0 });
  });
});
