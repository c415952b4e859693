import { describe, expect, it } from 'vitest';
import { clickModelTensorNames, defaultModelOrder, outputIsLogits, parseModelManifest, type ModelManifest } from './manifest';

const file = {
  file: 'model.onnx',
  sha256: 'a'.repeat(64),
  inputs: [
    { name: 'image', shape: ['batch', 3, 224, 224], type: 'float32' },
    { name: 'clicks', shape: ['batch', 3, 224, 224], type: 'float32' },
  ],
  outputs: [{ name: 'logits', shape: ['batch', 1, 224, 224], type: 'float32' }],
};
const manifest = {
  id: 'isegformer-swin32-cpu',
  version: '1.0.0',
  task: 'click-to-mask',
  files: { model: file },
  opset: 17,
  inputSize: [224, 224],
  normalization: { kind: 'percentile', low: 0.5, high: 99.5, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  clickEncoding: { kind: 'disks', radius: 5, channels: ['positive', 'negative', 'previousMask'] },
  threshold: 0.49,
  licence: { weights: 'MIT', data: 'CC-BY 4.0' },
  trainingData: [],
  metrics: {},
  architecture: { kind: 'kept as extra field' },
};

describe('model manifest', () => {
  it('accepts the agreed format and keeps extra fields', () => {
    const check = parseModelManifest(manifest);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.manifest.inputSize).toEqual([224, 224]);
    expect((check.manifest as Record<string, unknown>).architecture).toEqual({ kind: 'kept as extra field' });
    expect(clickModelTensorNames(file)).toEqual({ image: 'image', clicks: 'clicks', output: 'logits' });
    expect(outputIsLogits(check.manifest, file)).toBe(true);
  });

  it('rejects bad manifests with one sentence naming the field', () => {
    const bad = (patch: Record<string, unknown>): string => {
      const check = parseModelManifest({ ...manifest, ...patch });
      return check.ok ? 'ok' : check.problem;
    };
    expect(bad({ files: { model: { ...file, sha256: 'xyz' } } })).toMatch(/files\.model\.sha256: must be 64 hex digits/);
    expect(bad({ files: { model: { ...file, file: '../../etc/passwd' } } })).toMatch(/must stay inside the model folder/);
    expect(bad({ files: {} })).toMatch(/needs files\.model/);
    expect(bad({ normalization: { ...manifest.normalization, low: 99.5, high: 0.5 } })).toMatch(/low must be below/);
    expect(bad({ task: 'segmentation' })).toMatch(/^the manifest is invalid \(task: /);
    expect(bad({ inputSize: [224] })).toMatch(/inputSize/);
    expect(bad({ zoomIn: { minCropSize: 0 } })).toMatch(/zoomIn\.minCropSize/);
    expect(bad({ zoomIn: { minCrop: 34 } })).toMatch(/zoomIn/); // a misspelt key is not ignored
    expect(bad({ zoomIn: { expansion: 0.5 } })).toMatch(/zoomIn\.expansion/);
    expect(bad({ zoomIn: { refineFirst: 'yes' } })).toMatch(/zoomIn\.refineFirst/);
  });

  it('reads the output activation when the manifest gives it', () => {
    const check = parseModelManifest({ ...manifest, output: { name: 'logits', activation: 'none' } });
    expect(check.ok && outputIsLogits(check.manifest, file)).toBe(false);
  });

  it('refuses a quantization entry without its source model', () => {
    const check = parseModelManifest({ ...manifest, quantization: { kind: 'dynamic int8', source: { id: 'x', version: '1' } } });
    expect(check.ok ? 'ok' : check.problem).toMatch(/quantization\.source\.sha256/);
  });
});

describe('defaultModelOrder', () => {
  const parsed = (id: string, quantizedFrom?: string, sourceDigest = manifest.files.model.sha256): { id: string; manifest: ModelManifest } => {
    const check = parseModelManifest({
      ...manifest,
      id,
      ...(quantizedFrom === undefined ? {} : { quantization: { kind: 'dynamic int8', source: { id: quantizedFrom, version: '1.1.0', sha256: sourceDigest.toUpperCase() } } }),
    });
    if (!check.ok) throw new Error(check.problem);
    return { id, manifest: check.manifest };
  };

  it('puts a quantised copy just before its source and keeps the rest in id order', () => {
    const models = [parsed('zeta'), parsed('alpha-int8', 'alpha'), parsed('alpha'), parsed('beta'), parsed('beta-int8', 'beta')];
    expect(defaultModelOrder(models).map((m) => m.id)).toEqual(['alpha-int8', 'alpha', 'beta-int8', 'beta', 'zeta']);
  });

  it('leaves a stale copy (made from weights its source no longer has) after its source', () => {
    const models = [parsed('alpha-int8', 'alpha', 'c'.repeat(64)), parsed('alpha')];
    expect(defaultModelOrder(models).map((m) => m.id)).toEqual(['alpha', 'alpha-int8']);
  });

  it('leaves a copy whose source is absent, and a model without a manifest, in id order', () => {
    const models = [parsed('orphan-int8', 'gone'), { id: 'broken' }, parsed('alpha')];
    expect(defaultModelOrder(models).map((m) => m.id)).toEqual(['alpha', 'broken', 'orphan-int8']);
  });
});
