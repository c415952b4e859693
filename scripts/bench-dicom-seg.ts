/**
 * DICOM SEG write and read times, and RTSTRUCT write times, on the shared knee DICOM series
 * (512×512×80): labels with three segments drawn on its grid (a box, a ball, a box) written as a
 * SEG, read back onto the grid, then written as an RTSTRUCT. Prints wall and CPU seconds and file
 * sizes per run (the first run includes compiling the WebAssembly pipelines).
 *   npx vite-node scripts/bench-dicom-seg.ts [--runs N]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRtStruct } from '../electron/node/io/dicom-rtstruct';
import { readDicomSeg, seriesReferenceFiles, writeDicomSeg } from '../electron/node/io/dicom-seg';
import { readDicomSeries } from '../electron/node/io/dicom-series';
import { SHARED_DATA } from '../electron/node/io/test-support/reference-reader';
import { segShapes } from '../electron/node/io/test-support/seg-shapes';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
const folder = join(SHARED_DATA, 'knee', 'pykneer-dess01');
const series = await readDicomSeries(folder);
const files = await seriesReferenceFiles(folder);
const labels = segShapes(series.geometry.size);

async function timed<T>(task: () => Promise<T>): Promise<{ value: T; wallS: number; cpuS: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await task();
  const used = process.cpuUsage(cpu);
  return { value, wallS: (performance.now() - started) / 1000, cpuS: (used.user + used.system) / 1e6 };
}

const dir = await mkdtemp(join(tmpdir(), 'iseg-bench-seg-'));
try {
  console.log(`series ${series.geometry.size.join('×')} (${files.length} files), 3 segments, ${runs} runs`);
  for (let run = 0; run < runs; run++) {
    const path = join(dir, `run${run}.dcm`);
    const write = await timed(() => writeDicomSeg(path, { voxels: labels, geometry: series.geometry, labels: [], referenceFiles: files }));
    const read = await timed(() => readDicomSeg(path, series.geometry));
    const bytes = (await stat(path)).size;
    const rtPath = join(dir, `run${run}.rtstruct.dcm`);
    const rt = await timed(() => writeRtStruct(rtPath, { voxels: labels, geometry: series.geometry, labels: [], referenceFiles: files }));
    const rtBytes = (await stat(rtPath)).size;
    const contours = rt.value.rois.reduce((sum, r) => sum + r.contours, 0);
    const points = rt.value.rois.reduce((sum, r) => sum + r.points, 0);
    console.log(
      `run ${run + 1}: SEG write ${write.wallS.toFixed(2)} s wall / ${write.cpuS.toFixed(2)} s CPU (${(bytes / 2 ** 20).toFixed(2)} MiB); ` +
        `read ${read.wallS.toFixed(2)} s wall / ${read.cpuS.toFixed(2)} s CPU (${read.value.segments.length} segments); ` +
        `RTSTRUCT write ${rt.wallS.toFixed(2)} s wall / ${rt.cpuS.toFixed(2)} s CPU (${(rtBytes / 2 ** 10).toFixed(0)} KiB, ${contours} contours, ${points} points)`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
