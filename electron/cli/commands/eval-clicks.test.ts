import { describe, expect, it } from 'vitest';
import { GrowCutSegmenter } from '../../common/segmenters/growcut';
import type { ClickSegmenter } from '../../common/click/types';
import type { Volume } from '../../common/volume';
import { chooseSlices, evaluateClicks, parseEvalClicksArgs } from './eval-clicks';

describe('eval-clicks arguments', () => {
  it('parses the documented options with their defaults', () => {
    const o = parseEvalClicksArgs(['--image', 'a.nii', '--labels', 'b.nii', '--label', '2', '--label', '4', '--slices', '40,80', '--json', 'out.json']);
    expect(o).toMatchObject({ image: 'a.nii', labels: 'b.nii', labelValues: [2, 4], slices: [40, 80], axis: 'axial', maxClicks: 20, model: 'default', json: 'out.json' });
    expect(() => parseEvalClicksArgs(['--image', 'a', '--labels', 'b'])).toThrow(/--label/);
    expect(() => parseEvalClicksArgs(['--image', 'a', '--labels', 'b', '--label', '1', '--axis', 'oblique'])).toThrow(/axial, coronal or sagittal/);
    expect(() => parseEvalClicksArgs(['--image', 'a', '--labels', 'b', '--label', '1', '--slices', '1', '--every', '2'])).toThrow(/not both/);
  });

  it('chooses explicit, every-Nth or evenly spread slices that contain the label', () => {
    const counts = Int32Array.from([0, 30, 30, 5, 30, 30, 30, 0, 30, 30]);
    const base = { samples: 20, minArea: 20 };
    expect(chooseSlices(counts, { ...base, slices: [1, 3, 7, 8] })).toEqual([1, 8]);
    expect(chooseSlices(counts, { ...base, every: 2 })).toEqual([2, 4, 6, 8]);
    expect(chooseSlices(counts, base)).toEqual([1, 2, 4, 5, 6, 8, 9]);
    expect(chooseSlices(counts, { ...base, samples: 3 })).toEqual([2, 5, 8]);
  });
});

describe('evaluateClicks', () => {
  it('runs the protocol over the chosen slices of a labelled volume', async () => {
    const size = [32, 32, 6] as const;
    const labels = new Uint8Array(32 * 32 * 6);
    const image = new Float32Array(labels.length);
    for (let k = 0; k < 6; k++) {
      for (let j = 0; j < 32; j++) {
        for (let i = 0; i < 32; i++) {
          const n = i + 32 * (j + 32 * k);
          const inside = k > 0 && k < 5 && i >= 8 && i < 20 && j >= 10 && j < 24;
          labels[n] = inside ? 3 : 0;
          image[n] = inside ? 200 : 20;
        }
      }
    }
    const geometry = { size, spacing: [1, 1, 1] as const, origin: [0, 0, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const };
    const imageVolume: Volume = { geometry, componentType: 'float32', voxels: image };
    const labelVolume: Volume = { geometry, componentType: 'uint8', voxels: labels };
    const options = parseEvalClicksArgs(['--image', 'img.nii', '--labels', 'lab.nii', '--label', '3', '--max-clicks', '5']);
    const result = await evaluateClicks(new GrowCutSegmenter(), imageVolume, labelVolume, options);
    expect(result).toMatchObject({ model: 'classical-growcut', samples: 4, indexAxis: 'k', over20: { '85': 0, '90': 0 } });
    expect(result.noc).toEqual({ '80': { mean: 1, std: 0 }, '85': { mean: 1, std: 0 }, '90': { mean: 1, std: 0 } });
    const perSample = result.perSample as { slice: number; clicks: { x: number; y: number }[] }[];
    expect(perSample.map((s) => s.slice)).toEqual([1, 2, 3, 4]);
    // The deepest point of the 12 × 14 rectangle, first in row-major order: distance 6 first at (13, 15).
    expect(perSample[0]?.clicks[0]).toEqual({ x: 13, y: 15, positive: true });
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result).toMatchObject({ guarantee: true, clickViolations: 0 });
  });

  it('counts the clicks an engine ignores, unless the guarantee honours them, and scores a first mask from the box', async () => {
    const size = [24, 24, 3] as const;
    const labels = new Uint8Array(24 * 24 * 3).map((_, n) => (n % 24 >= 6 && n % 24 < 18 && Math.floor(n / 24) % 24 >= 6 && Math.floor(n / 24) % 24 < 18 ? 1 : 0));
    const geometry = { size, spacing: [1, 1, 1] as const, origin: [0, 0, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const };
    const image: Volume = { geometry, componentType: 'float32', voxels: Float32Array.from(labels, (v) => 100 + 800 * v) };
    const labelVolume: Volume = { geometry, componentType: 'uint8', voxels: labels };
    // An engine that never finds anything: every positive click is contradicted.
    const blind: ClickSegmenter = { id: 'blind', kind: 'classical', threshold: 0.5, predict: (_s, w, h) => Promise.resolve(new Float32Array(w * h)) };
    const args = ['--image', 'i', '--labels', 'l', '--label', '1', '--max-clicks', '3', '--slices', '1'];
    const raw = await evaluateClicks(blind, image, labelVolume, parseEvalClicksArgs([...args, '--no-guarantee']));
    // One sample, 3 clicks: after click n the n clicks so far are all violated (1 + 2 + 3).
    expect(raw).toMatchObject({ guarantee: false, clickViolations: 6 });
    const honoured = await evaluateClicks(blind, image, labelVolume, parseEvalClicksArgs(args));
    expect(honoured).toMatchObject({ guarantee: true, clickViolations: 0 });
    const boxed = await evaluateClicks(new GrowCutSegmenter(), image, labelVolume, parseEvalClicksArgs([...args, '--box']));
    expect(boxed.boxIou).toBeGreaterThan(0.9);
    expect((boxed.perSample as { boxIou: number }[])[0]?.boxIou).toBe(boxed.boxIou);
  });
});
