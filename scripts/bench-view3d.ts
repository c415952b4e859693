/**
 * 3D-view surface figures (run with `node scripts/bench-view3d.mjs [labels] [--runs N]`): what the
 * 3D view's worker does for the femur (value 1) of a knee label map. Prints figures, asserts
 * nothing. The surfaces depend on the labels only, so the simulated knee's figures are those of
 * the label map it was simulated from (../shared/data/knee/oaizib-9092628_label.nii.gz,
 * 384×384×160).
 *
 *  - first surface: the femur meshed from nothing (crop, surface nets, smoothing, normals);
 *  - first surfaces, all segments: the worker's first answer after labels are loaded;
 *  - per update: a brush-sized edit to the femur, then the worker's answer (finds the changed
 *    segments in the whole map, rebuilds the femur only);
 *  - page copy: the page's copy of the label map handed to the worker per update;
 *  - vtk.js marching cubes + windowed-sinc on the same femur, the alternative measured and not
 *    taken.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
import vtkWindowedSincPolyDataFilter from '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter';
import { readVolume } from '../electron/node/io/read-volume';
import type { VolumeGeometry } from '../electron/common/volume';
import { SurfaceCache } from '../renderer/src/views/view3d-cache';
import { boundingBoxes, croppedMask, extractSurface, type VoxelBox } from '../renderer/src/views/view3d-surfaces';

const FEMUR = 1;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

/**
 * Paints a disc of `radius` voxels as `value` on the k slice through the box's centre, centred on
 * the segment's first voxel along the centre row (its edge, so the edit changes voxels).
 */
function brushEdit(labels: Uint8Array, g: VolumeGeometry, box: VoxelBox, value: number, radius: number): void {
  const [nx, ny] = g.size;
  const cj = Math.round((box.min[1] + box.max[1]) / 2);
  const ck = Math.round((box.min[2] + box.max[2]) / 2);
  let ci = box.min[0];
  while (ci < box.max[0] && labels[ci + nx * (cj + ny * ck)] !== value) ci++;
  for (let j = cj - radius; j <= cj + radius; j++)
    for (let i = ci - radius; i <= ci + radius; i++)
      if ((i - ci) ** 2 + (j - cj) ** 2 <= radius ** 2) labels[i + nx * (j + ny * ck)] = value;
}

function vtkFemur(labels: Uint8Array, g: VolumeGeometry, box: VoxelBox): number {
  const crop = croppedMask(labels, g.size, FEMUR, box);
  const image = vtkImageData.newInstance({ spacing: [...g.spacing], origin: [0, 0, 0] });
  image.setDimensions([...crop.dims]);
  image.getPointData().setScalars(vtkDataArray.newInstance({ values: crop.mask, numberOfComponents: 1 }));
  const cubes = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
  cubes.setInputData(image);
  const smoother = vtkWindowedSincPolyDataFilter.newInstance({ numberOfIterations: 15, passBand: 0.1, nonManifoldSmoothing: 1, normalizeCoordinates: 1 });
  smoother.setInputData(cubes.getOutputData());
  return smoother.getOutputData().getNumberOfPoints();
}

export async function benchView3d(path: string, runs: number): Promise<void> {
  const volume = await readVolume(path);
  const g = volume.geometry;
  const labels = Uint8Array.from(volume.voxels as ArrayLike<number>);
  const box = boundingBoxes(labels, g.size, new Set([FEMUR])).get(FEMUR);
  if (box === undefined) throw new Error(`${path} has no voxel of value ${FEMUR} (femur).`);
  const boxSize = [0, 1, 2].map((a) => (box.max[a] ?? 0) - (box.min[a] ?? 0) + 1);
  console.log(`labels: ${path} (${g.size.join('×')}, ${g.spacing.map((s) => s.toFixed(3)).join('×')} mm); femur box ${boxSize.join('×')} voxels`);

  const femurTimes: number[] = [];
  const firstTimes: number[] = [];
  const updateTimes: number[] = [];
  const copyTimes: number[] = [];
  let femurMesh = { points: 0, triangles: 0 };
  let rebuilt = '';
  for (let run = 0; run < runs; run++) {
    const [mesh, femurMs] = timed(() => extractSurface(labels, g, FEMUR, box));
    femurTimes.push(femurMs);
    femurMesh = { points: mesh.points.length / 3, triangles: mesh.polys.length / 4 };
    const cache = new SurfaceCache();
    firstTimes.push(timed(() => cache.update(g, labels.slice()))[1]);
    const edited = labels.slice();
    brushEdit(edited, g, box, FEMUR, 12);
    const [copy, copyMs] = timed(() => edited.slice());
    copyTimes.push(copyMs);
    const [update, updateMs] = timed(() => cache.update(g, copy));
    updateTimes.push(updateMs);
    rebuilt = update.meshes.map((m) => m.value).join(',');
  }
  const [vtkPoints, vtkMs] = timed(() => vtkFemur(labels, g, box));
  const fmt = (values: readonly number[]): string => `median ${median(values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;
  console.log(`femur first surface: ${fmt(femurTimes)}; ${femurMesh.points} points, ${femurMesh.triangles} triangles`);
  console.log(`first surfaces, all segments: ${fmt(firstTimes)}`);
  console.log(`per update (femur brush edit; rebuilt ${rebuilt}): ${fmt(updateTimes)}`);
  console.log(`page copy of the label map per update: ${fmt(copyTimes)}`);
  console.log(`vtk.js marching cubes + windowed-sinc, femur, 1 run: ${vtkMs.toFixed(0)} ms; ${vtkPoints} points`);
}
