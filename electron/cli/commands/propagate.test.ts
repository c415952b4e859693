import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, type CliOutput } from '../command';
import { readVolume } from '../../node/io/read-volume';
import { writeVolume } from '../../node/io/write-volume';
import { benchPropagationCommand } from './bench-propagation';
import { evalPropagationCommand } from './eval-propagation';
import { propagateCommand } from './propagate';

const dir = mkdtempSync(join(tmpdir(), 'iseg-prop-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CliOutput & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: () => undefined };
}

async function fixtures(): Promise<{ image: string; labels: string; seeds: string }> {
  const size: [number, number, number] = [24, 24, 16];
  const geometry = { size, spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };
  const labels = new Uint8Array(24 * 24 * 16);
  const seeds = new Uint8Array(labels.length);
  for (let z = 3; z <= 12; z++) {
    const r = 3 + (z % 4);
    for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) if ((x - 12) ** 2 + (y - 12) ** 2 <= r * r) labels[x + 24 * (y + 24 * z)] = 1;
  }
  for (const z of [4, 11]) seeds.set(labels.subarray(z * 576, (z + 1) * 576), z * 576);
  const image = Float32Array.from(labels, (v) => 100 * v);
  const paths = { image: join(dir, 'image.nii.gz'), labels: join(dir, 'labels.nii.gz'), seeds: join(dir, 'seeds.nii.gz') };
  await writeVolume({ geometry, componentType: 'float32', voxels: image }, paths.image);
  await writeVolume({ geometry, componentType: 'uint8', voxels: labels }, paths.labels);
  await writeVolume({ geometry, componentType: 'uint8', voxels: seeds }, paths.seeds);
  return paths;
}

describe('iseg propagate / eval-propagation', () => {
  it('fills between seed slices with interpolation and writes a label map with its sidecar', async () => {
    const f = await fixtures();
    const out = join(dir, 'out.nii.gz');
    const io = capture();
    await propagateCommand.run(['--image', f.image, '--seeds', f.seeds, '--out', out, '--method', 'interpolation', '--quiet'], io);
    expect(io.lines[0]).toMatch(/interpolation propagation of label 1 along axial slices; 14 slices written/);
    const result = await readVolume(out);
    expect(result.voxels[12 + 24 * (12 + 24 * 7)]).toBe(1);
    expect(result.voxels[12 + 24 * (12 + 24 * 14)]).toBe(0);
    const sidecar = JSON.parse(readFileSync(join(dir, 'out.nii.gz.json'), 'utf8')) as { provenance: { propagation: { method: string } } };
    expect(sidecar.provenance.propagation.method).toBe('interpolation');
  });

  it('reports the protocol as text and JSON', async () => {
    const f = await fixtures();
    const json = join(dir, 'eval.json');
    const io = capture();
    await evalPropagationCommand.run(['--image', f.image, '--labels', f.labels, '--label', '1', '--given', '3,5', '--method', 'interpolation', '--json', json, '--quiet'], io);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { method: string; seed: string; given: Record<string, { notGiven: { dsc: number }; whole: { dsc: number }; msPerSlice: number }> };
    expect(report.method).toBe('interpolation');
    expect(report.seed).toBe('gt');
    expect(Object.keys(report.given)).toEqual(['3', '5']);
    expect(report.given['5']?.notGiven.dsc).toBeGreaterThan(0.5);
    expect(report.given['5']?.whole.dsc).toBeGreaterThanOrEqual(report.given['5']?.notGiven.dsc ?? 1);
  });

  it('gives the object\'s end slices with --placement ends, and reports the not-given counts per region', async () => {
    const f = await fixtures();
    const json = join(dir, 'eval-ends.json');
    await evalPropagationCommand.run(['--image', f.image, '--labels', f.labels, '--label', '1', '--given', '3', '--placement', 'ends', '--method', 'interpolation', '--json', json, '--quiet'], capture());
    type Counts = { tp: number; fp: number; fn: number };
    const report = JSON.parse(readFileSync(json, 'utf8')) as { placement: string; extent: number[]; given: Record<string, { slices: number[]; notGivenByRegion: { before: Counts; between: Counts; after: Counts } }> };
    expect(report.placement).toBe('ends');
    const three = report.given['3'];
    expect(three?.slices[0]).toBe(report.extent[0]);
    expect(three?.slices.at(-1)).toBe(report.extent[1]);
    // Nothing of the object lies past its end slices.
    expect(three?.notGivenByRegion.before).toEqual({ tp: 0, fp: 0, fn: 0 });
    expect(three?.notGivenByRegion.after).toEqual({ tp: 0, fp: 0, fn: 0 });
    expect(three?.notGivenByRegion.between.tp).toBeGreaterThan(0);
    await expect(evalPropagationCommand.run(['--image', f.image, '--labels', f.labels, '--label', '1', '--placement', 'middle'], capture())).rejects.toThrow(/centres or ends/);
  });

  it('reports several methods side by side, with the gate auto chose', async () => {
    const f = await fixtures();
    const json = join(dir, 'eval-methods.json');
    const io = capture();
    const models = fileURLToPath(new URL('../../../native-models', import.meta.url));
    await evalPropagationCommand.run(['--image', f.image, '--labels', f.labels, '--label', '1', '--given', '3', '--method', 'auto,interpolation', '--models', models, '--model', 'fixture-prop-tiny', '--threads', '1', '--json', json, '--quiet'], io);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { method: string; methods: Record<string, Record<string, { notGiven: { dsc: number }; gate?: { label: number; between: string }[] }>> };
    expect(report.method).toBe('auto');
    expect(Object.keys(report.methods)).toEqual(['auto', 'interpolation']);
    expect(report.methods.auto?.['3']?.gate).toEqual([expect.objectContaining({ label: 1 })]);
    expect(io.lines.join('\n')).toMatch(/not-given DSC \(%\) by method/);
    // --consensus-margin=-1: the consensus never runs between the given slices; =1: always (and never alone: --solo-margin=1).
    for (const [margin, between] of [['-1', 'interpolation'], ['1', 'consensus']] as const) {
      await evalPropagationCommand.run(['--image', f.image, '--labels', f.labels, '--label', '1', '--given', '3', '--method', 'auto', `--consensus-margin=${margin}`, '--solo-margin=1', '--models', models, '--model', 'fixture-prop-tiny', '--threads', '1', '--json', json, '--quiet'], io);
      const one = JSON.parse(readFileSync(json, 'utf8')) as { gateMargins: { consensus: number; solo: number }; given: Record<string, { gate: { between: string }[] }> };
      expect(one.gateMargins).toEqual({ consensus: Number(margin), solo: 1 });
      expect(one.given['3']?.gate[0]?.between).toBe(between);
    }
  });

  it('rejects bad command lines with one line', async () => {
    const io = capture();
    await expect(propagateCommand.run(['--image', 'a'], io)).rejects.toThrow(UsageError);
    await expect(propagateCommand.run(['--image', 'a', '--seeds', 'b', '--out', 'c', '--method', 'magic'], io)).rejects.toThrow(/memory, interpolation or grow/);
    await expect(evalPropagationCommand.run(['--image', 'a', '--labels', 'b', '--label', '1', '--seed', 'paint'], io)).rejects.toThrow(/gt or clicks/);
    await expect(evalPropagationCommand.run(['--image', 'a', '--labels', 'b', '--label', '1', '--solo-margin', '2'], io)).rejects.toThrow(/--solo-margin is a number from -1 to 1/);
    await expect(benchPropagationCommand.run(['--image', 'a', '--labels', 'b'], io)).rejects.toThrow(/--label are required/);
    await expect(benchPropagationCommand.run(['--image', 'a', '--labels', 'b', '--label', '1', '--readout', 'gpu'], io)).rejects.toThrow(/onnx or typescript/);
  });

  it('benchmarks the memory engine and counts slices written, not decodes', async () => {
    const f = await fixtures();
    const json = join(dir, 'bench.json');
    const io = capture();
    const models = fileURLToPath(new URL('../../../native-models', import.meta.url));
    await benchPropagationCommand.run(['--image', f.image, '--labels', f.labels, '--label', '1', '--axis', 'axial', '--given', '2', '--models', models, '--model', 'fixture-prop-tiny', '--threads', '1', '--json', json], io);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { givenSlices: number[]; readout: { positions: number; keyDim: number }; propagation: { writtenSlices: number; decodedSlices: number; cachedSlicesPerSecond: number; cachedTimings: { keyEncodes: number } } };
    expect(report.readout).toMatchObject({ positions: 4, keyDim: 8 });
    expect(report.givenSlices).toHaveLength(2);
    // 16 slices, 2 given; the stop rule is off, so every other slice is written once.
    expect(report.propagation.writtenSlices).toBe(14);
    expect(report.propagation.decodedSlices).toBeGreaterThan(14);
    expect(report.propagation.cachedTimings.keyEncodes).toBe(0);
    expect(report.propagation.cachedSlicesPerSecond).toBeGreaterThan(0);
    expect(io.lines.join('\n')).toMatch(/14 slices written/);
  });
});
