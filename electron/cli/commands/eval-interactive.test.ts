import { describe, expect, it } from 'vitest';
import { FakePropagationNetworks } from '../../common/propagation/fake-networks';
import type { InteractiveEvaluation } from '../../common/propagation/interactive-eval';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import { GrowCutSegmenter } from '../../common/segmenters/growcut';
import type { Volume } from '../../common/volume';
import type { CliOutput } from '../command';
import { combinedCurve, evalInteractiveCommand, evaluateInteractiveLoop } from './eval-interactive';

const W = 64;
const H = 64;
const D = 24;

/**
 * Two bright boxes (labels 1 and 2) on slices 3–20, on a dark background, on the fake networks'
 * 16-pixel blocks (which they follow where the image is bright); box 2 grows from one to two blocks.
 */
function scene(): { image: Volume; truth: Volume } {
  const image = new Float32Array(W * H * D);
  const truth = new Uint8Array(W * H * D);
  for (let z = 3; z < 21; z++) {
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const n = x + W * (y + H * z);
        if (x < 32 && y < 32) truth[n] = 1;
        else if (x >= 32 && y >= 32 && y < (z < 12 ? 48 : 64)) truth[n] = 2;
        image[n] = truth[n] ? 100 : 0;
      }
  }
  const geometry = { size: [W, H, D] as const, spacing: [1, 1, 1] as const, origin: [0, 0, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const };
  return { image: { geometry, componentType: 'float32', voxels: image }, truth: { geometry, componentType: 'uint8', voxels: truth } };
}

function capture(): CliOutput & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(t) };
}

describe('iseg eval-interactive', () => {
  it('runs the loop per label with the memory engine and real simulated clicks, Dice per round against clicks', async () => {
    const { image, truth } = scene();
    const log: string[] = [];
    const result = await evaluateInteractiveLoop(new MemoryPropagator(new FakePropagationNetworks()), new GrowCutSegmenter(), image, truth, { labels: [1, 2], view: 'axial', initialSlices: 2, rounds: 2 }, (t) => log.push(t));
    expect(result.labels.map((l) => l.label)).toEqual([1, 2]);
    for (const label of result.labels) {
      expect(label.extent).toEqual([3, 20]);
      const clicks = label.rounds.map((r) => r.clicks);
      // The first point counts the clicks on the k user slices; each correction adds at least one.
      expect(clicks[0]).toBeGreaterThanOrEqual(2);
      for (let r = 1; r < clicks.length; r++) expect(clicks[r]).toBeGreaterThan(clicks[r - 1] ?? Infinity);
      for (const r of label.rounds) {
        expect(r.dsc).toBeGreaterThan(0.5);
        expect(r.dsc).toBeLessThanOrEqual(1);
      }
      expect(label.rounds.at(-1)?.dsc).toBeGreaterThanOrEqual(label.rounds[0]?.dsc ?? 1);
    }
    // Box 2 changes size between the user slices: the loop corrects a slice there and Dice rises.
    const grown = result.labels[1]?.rounds ?? [];
    expect(grown.length).toBeGreaterThan(1);
    expect(grown[1]?.dsc).toBeGreaterThan(grown[0]?.dsc ?? 1);
    expect(result.rounds[0]?.clicks).toBe((result.labels[0]?.rounds[0]?.clicks ?? 0) + (result.labels[1]?.rounds[0]?.clicks ?? 0));
    expect(log.some((t) => /round 1: slice \d+/.test(t))).toBe(true);
  });

  it('combines labels round by round: summed clicks, mean Dice, a finished label holding its last point', () => {
    const label = (rounds: { clicks: number; dsc: number }[]): InteractiveEvaluation => ({
      label: 1,
      axis: 2,
      extent: [0, 1],
      initialSlices: [0],
      rounds: rounds.map((r, n) => ({ ...r, round: n, computedSlices: 0, elapsedMs: 0 })),
    });
    expect(combinedCurve([label([{ clicks: 3, dsc: 0.5 }, { clicks: 5, dsc: 0.7 }]), label([{ clicks: 4, dsc: 0.9 }])])).toEqual([
      { clicks: 7, dsc: 0.7 },
      { clicks: 9, dsc: 0.8 },
    ]);
  });

  it('says what is wrong with a bad command line', async () => {
    const output = capture();
    await expect(evalInteractiveCommand.run(['--image', 'a.nii'], output)).rejects.toThrow(/--image, --labels and --label are required/);
    await expect(evalInteractiveCommand.run(['--image', 'a', '--labels', 'b', '--label', 'x'], output)).rejects.toThrow(/--label is a label value/);
    await expect(evalInteractiveCommand.run(['--image', 'a', '--labels', 'b', '--label', '1', '--k', '0'], output)).rejects.toThrow(/--k is 1–1000/);
    await expect(evalInteractiveCommand.run(['--image', 'a', '--labels', 'b', '--label', '1', '--method', 'magic'], output)).rejects.toThrow(/--method is auto, memory, interpolation or grow/);
    await evalInteractiveCommand.run(['--help'], output);
    expect(output.lines.join('\n')).toMatch(/--rounds/);
  });
});
