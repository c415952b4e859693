/**
 * Figures, not assertions: every label of a label map propagated together by the memory method
 * (so the value encoder's otherMask holds the other objects), once per propagation model, Dice
 * per label over the slices not given. Checks that a model calibrated on one object at a time
 * (stcn-lite-cpu-int8) holds up with several.
 *
 *   npx vite-node scripts/check-prop-multi-object.ts -- IMAGE LABELS [labels 1,2,3,4] [given 40,65,90,115]
 */
import { readVolume } from '../electron/node/io/read-volume';
import { loadLabelMapFor } from '../electron/node/io/load-label-map';
import { OnnxPropagationNetworks } from '../electron/node/propagation/onnx-networks';
import { MemoryPropagator } from '../electron/common/propagation/memory-engine';
import { sliceLayout, readSlice, writeSlice } from '../electron/common/slice';
import { indexAxisForView } from '../electron/common/volume';
const [imagePath, labelsPath] = process.argv.slice(2);
if (imagePath === undefined || labelsPath === undefined) throw new Error('usage: check-prop-multi-object.ts IMAGE LABELS [labels] [given slices]');
const image = await readVolume(imagePath);
const { labels: truth } = await loadLabelMapFor(labelsPath, image.geometry);
const axis = indexAxisForView(image.geometry.direction, 'sagittal');
const layout = sliceLayout(image.geometry.size, axis);
const labels = (process.argv[4] ?? '1,2,3,4').split(',').map(Number);
const given = (process.argv[5] ?? '40,65,90,115').split(',').map(Number);
const seeds = new Uint8Array(truth.voxels.length);
const px = layout.width * layout.height;
for (const s of given) writeSlice(seeds, layout, s, readSlice(truth.voxels, layout, s, new Uint8Array(px)));
for (const model of ['stcn-lite-cpu', 'stcn-lite-cpu-int8']) {
  const n = await OnnxPropagationNetworks.load(`native-models/${model}`, { ep: 'cpu', threads: 2 });
  const engine = new MemoryPropagator(n, { now: () => performance.now() });
  const out = await engine.propagate(image, { geometry: truth.geometry, componentType: 'uint8', voxels: seeds }, { axis, labels, annotatedSlices: given });
  const v = out.labels.voxels;
  const row: string[] = [];
  for (const l of labels) {
    let a = 0, b = 0, both = 0;
    for (let s = 0; s < layout.count; s++) {
      if (given.includes(s)) continue;
      const t = readSlice(truth.voxels, layout, s, new Uint8Array(px));
      const p = readSlice(v, layout, s, new Uint8Array(px));
      for (let i = 0; i < px; i++) { const x = t[i] === l, y = p[i] === l; if (x) a++; if (y) b++; if (x && y) both++; }
    }
    row.push(`label ${l} ${(2 * both / (a + b)).toFixed(4)}`);
  }
  console.log(model, row.join(', '));
  await n.dispose();
}
