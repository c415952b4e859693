/**
 * Times what a user waits for when opening an image and saving a segmentation: loading a
 * 160×384×384 int16 .nii.gz and writing a label map of that size. Figures, not assertions.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { makeKneePhantom } from '../../common/phantom';
import type { Vec3, Volume, VolumeGeometry } from '../../common/volume';
import { readVolume } from '../../node/io/read-volume';
import { writeLabelMap } from '../../node/io/write-label-map';
import { writeVolume } from '../../node/io/write-volume';

export const BENCH_SIZE: Vec3 = [160, 384, 384];
const TARGETS = { loadSeconds: 1.5, labelWriteSeconds: 1 } as const;

export interface IoBenchmarkResult {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly image: {
    readonly file: string;
    readonly synthetic: boolean;
    readonly size: readonly number[];
    readonly componentType: string;
    readonly fileMiB: number;
    /** Bytes of the voxels in memory (the denominator of the peak-RSS ratio). */
    readonly voxelMiB: number;
  };
  /** One entry per run; the first load includes compiling the WebAssembly reader. */
  readonly load: readonly Timing[];
  readonly labelWrite: { readonly niftiGz: readonly Timing[]; readonly nrrd: readonly Timing[] };
  /** 1-minute load average when the benchmark ended: above the CPU count, figures are inflated. */
  readonly loadAverage: number;
  readonly peakRssMiB: number;
  /**
   * The process's resident memory just before the first read (Node and the app's modules; a
   * synthetic image is written before it): what a small image's ratio is mostly made of.
   */
  readonly baselineRssMiB: number;
  readonly targets: typeof TARGETS;
}

/** Wall-clock and CPU seconds of one step. CPU time (all threads) is the steadier figure on a busy machine. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

async function timed<T>(task: () => Promise<T>): Promise<[T, Timing]> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const value = await task();
  const cpu = process.cpuUsage(cpuStarted);
  return [value, { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 }];
}

export interface IoBenchmarkOptions {
  /** Skip the label-map writes (a 1000³ image would need a phantom of that size first). */
  readonly loadOnly?: boolean;
}

export async function runIoBenchmark(
  imagePath: string | undefined,
  runs: number,
  options: IoBenchmarkOptions = {},
): Promise<IoBenchmarkResult> {
  const folder = await mkdtemp(join(tmpdir(), 'iseg-bench-'));
  try {
    let path = imagePath;
    if (path === undefined) {
      const phantom = makeKneePhantom({ size: BENCH_SIZE, spacing: [0.7, 0.3646, 0.3646] });
      path = join(folder, 'synthetic-knee-160x384x384-int16.nii.gz');
      await writeVolume(phantom.image, path);
    }
    const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
    const load: Timing[] = [];
    // Only what describes the image is kept between runs: holding the last volume's voxels through
    // the next read would double the peak memory this benchmark reports.
    let image: Pick<Volume, 'geometry' | 'componentType'> | undefined;
    let voxelMiB = 0;
    for (let run = 0; run < runs; run++) {
      const [volume, timing] = await timed(() => readVolume(path));
      load.push(timing);
      image = { geometry: volume.geometry, componentType: volume.componentType };
      voxelMiB = volume.voxels.byteLength / 2 ** 20;
    }
    if (!image) throw new Error('no runs');
    const geometry = image.geometry;
    const labelWrite = { niftiGz: [] as Timing[], nrrd: [] as Timing[] };
    if (options.loadOnly !== true) await timeLabelWrites(folder, path, geometry, runs, labelWrite);
    return {
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      image: {
        file: basename(path),
        synthetic: imagePath === undefined,
        size: geometry.size,
        componentType: image.componentType,
        fileMiB: (await stat(path)).size / 2 ** 20,
        voxelMiB,
      },
      load,
      labelWrite,
      loadAverage: loadavg()[0] ?? NaN,
      peakRssMiB: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      baselineRssMiB,
      targets: TARGETS,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function timeLabelWrites(
  folder: string,
  path: string,
  geometry: VolumeGeometry,
  runs: number,
  labelWrite: { niftiGz: Timing[]; nrrd: Timing[] },
): Promise<void> {
  // Smooth anatomy-shaped labels compress like real segmentations; noise would not.
  const voxels = makeKneePhantom({ size: geometry.size, spacing: geometry.spacing }).labels.voxels;
  const provenance = {
    app: { name: 'iseg bench-io', version: '0' },
    created: new Date().toISOString(),
    sourceImage: basename(path),
    models: [],
    clicks: 0,
  };
  for (let run = 0; run < runs; run++) {
    for (const [key, extension] of [
      ['niftiGz', '.nii.gz'],
      ['nrrd', '.nrrd'],
    ] as const) {
      const target = join(folder, `labels-${run}${extension}`);
      const [, timing] = await timed(() =>
        writeLabelMap(target, { voxels, geometry, labels: [], provenance }),
      );
      labelWrite[key].push(timing);
    }
  }
}
