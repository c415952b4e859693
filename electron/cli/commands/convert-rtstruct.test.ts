/**
 * RTSTRUCT export on the shared knee DICOM series (../shared/data/knee/pykneer-dess01, sagittal MR),
 * through `iseg convert LABELS OUT.dcm --reference SERIES --rtstruct`. dcmtk's dcmdump, an
 * independent reader, reads the file back: ROI names and colours, point counts, referenced images
 * and frame of reference. Each contour must lie on the plane of the slice it references (from that
 * file's ImagePositionPatient), and filling the contours back in must give the labels again.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { rasterizePolygons } from '../../common/contours/polygon-raster';
import { worldToIndex, type Vec3, type Volume } from '../../common/volume';
import { seriesReferenceFiles } from '../../node/io/dicom-seg';
import { readDicomSeries } from '../../node/io/dicom-series';
import { SHARED_DATA, sharedDataMissingReason } from '../../node/io/test-support/reference-reader';
import { segShapes } from '../../node/io/test-support/seg-shapes';
import { useTempDir } from '../../node/io/test-support/temp-dir';
import { writeLabelMap } from '../../node/io/write-label-map';
import { runCli } from '../run-cli';

const SERIES = join(SHARED_DATA, 'knee', 'pykneer-dess01');
const DCMDUMP = process.env.ISEG_DCMDUMP ?? '/usr/bin/dcmdump';
const run = promisify(execFile);

function dcmdumpMissingReason(): string | undefined {
  const probe = spawnSync(DCMDUMP, ['--version'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : `skipped: dcmtk's dcmdump is not at ${DCMDUMP} (apt-get install dcmtk, or set ISEG_DCMDUMP)`;
}

const missing = sharedDataMissingReason() ?? dcmdumpMissingReason();
const temp = useTempDir('rtstruct');

const LABELS = [
  { value: 1, name: 'Femur', color: [230, 200, 120] as [number, number, number] },
  { value: 2, name: 'Femoral cartilage', color: [80, 160, 250] as [number, number, number] },
  { value: 3, name: 'Tibia', color: [240, 120, 80] as [number, number, number] },
];

interface DumpedElement {
  readonly tag: string;
  readonly value: string;
}

/** Every element dcmdump prints for `file`, long values in full, in file order. */
async function dcmdump(file: string): Promise<DumpedElement[]> {
  const { stdout } = await run(DCMDUMP, ['+L', file], { maxBuffer: 256 << 20 });
  return [...stdout.matchAll(/^\s*\((\w{4},\w{4})\) \w\w (?:\[([^\]]*)\]|=?(\S+))/gm)].map((m) => ({
    tag: m[1] ?? '',
    value: m[2] ?? m[3] ?? '',
  }));
}

interface DumpedContour {
  roi: number;
  sopInstanceUid: string;
  count: number;
  points: Vec3[];
}

/** The contours of the ROI Contour Sequence, each with its ROI, referenced image and points. */
function contoursOf(elements: readonly DumpedElement[]): DumpedContour[] {
  const start = elements.findIndex((e) => e.tag === '3006,0039');
  const contours: DumpedContour[] = [];
  let pending: DumpedContour[] = [];
  let current: DumpedContour | undefined;
  for (const e of elements.slice(start)) {
    if (e.tag === '3006,0080') break;
    if (e.tag === '0008,1155') {
      current = { roi: 0, sopInstanceUid: e.value, count: 0, points: [] };
      pending.push(current);
    } else if (e.tag === '3006,0046' && current) current.count = Number(e.value);
    else if (e.tag === '3006,0050' && current) {
      const v = e.value.split('\\').map(Number);
      for (let n = 0; n + 2 < v.length; n += 3)
        current.points.push([v[n] ?? NaN, v[n + 1] ?? NaN, v[n + 2] ?? NaN]);
    } else if (e.tag === '3006,0084') {
      for (const c of pending) c.roi = Number(e.value);
      contours.push(...pending);
      pending = [];
    }
  }
  return contours;
}

async function iseg(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function dot(a: readonly number[], b: readonly number[]): number {
  return (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0) + (a[2] ?? 0) * (b[2] ?? 0);
}

describe.skipIf(missing !== undefined)(`RTSTRUCT export on the knee DICOM series ${missing ?? ''}`, () => {
  let series: Volume;
  let labels: Uint8Array;
  let labelsPath: string;
  let rtPath: string;
  let dump: DumpedElement[];
  let contours: DumpedContour[];

  beforeAll(async () => {
    series = await readDicomSeries(SERIES);
    labels = segShapes(series.geometry.size);
    // A hole through the box of label 1 on slices 15–24, so that some slices hold a ring.
    const [nx, ny] = series.geometry.size;
    for (let k = 15; k < 25; k++)
      for (let j = 140; j < 180; j++) for (let i = 100; i < 160; i++) labels[i + nx * (j + ny * k)] = 0;
    labelsPath = join(temp.path, 'knee.labels.nii.gz');
    rtPath = join(temp.path, 'knee.rtstruct.dcm');
    await writeLabelMap(labelsPath, {
      voxels: labels,
      geometry: series.geometry,
      labels: LABELS,
      provenance: {
        app: { name: 'test', version: '0' },
        created: new Date().toISOString(),
        sourceImage: 'pykneer-dess01',
        models: [],
        clicks: 0,
      },
    });
  }, 60_000);

  it('writes an RTSTRUCT with `iseg convert LABELS OUT.dcm --reference SERIES --rtstruct`', async () => {
    const result = await iseg('convert', labelsPath, rtPath, '--reference', SERIES, '--rtstruct');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    // Label 1: 20 slices, 10 of them with a hole; label 2: the ball's slices; label 3: 22 slices.
    expect(result.out).toMatch(
      /^Wrote RTSTRUCT knee\.rtstruct\.dcm referencing 80 files of pykneer-dess01: ROIs 1 "Femur" \(30 contours\), 2 "Femoral cartilage" \(\d+ contours\), 3 "Tibia" \(22 contours\); in [\d.]+ s\.$/,
    );
    dump = await dcmdump(rtPath);
    contours = contoursOf(dump);
  }, 120_000);

  it('names the ROIs and colours them, references the series, its frame of reference and MR images, as dcmdump reads them', async () => {
    const values = (tag: string) => dump.filter((e) => e.tag === tag).map((e) => e.value);
    expect(values('0008,0016')).toEqual(['RTStructureSetStorage']);
    expect(values('0008,0060')).toEqual(['RTSTRUCT']);
    expect(values('3006,0026')).toEqual(LABELS.map((l) => l.name));
    expect(values('3006,002a')).toEqual(LABELS.map((l) => l.color.join('\\')));
    const files = await seriesReferenceFiles(SERIES);
    const { stdout } = await run(DCMDUMP, [
      '+P',
      '0020,0052',
      '+P',
      '0020,000e',
      '+P',
      '0020,000d',
      files[0] ?? '',
    ]);
    const [frameOfReference, studyUid, seriesUid] = ['0020,0052', '0020,000d', '0020,000e'].map(
      (tag) => new RegExp(`\\(${tag}\\) UI \\[([^\\]]*)\\]`).exec(stdout)?.[1],
    );
    expect(values('0020,0052')).toEqual([frameOfReference]);
    expect(values('3006,0024')).toEqual(LABELS.map(() => frameOfReference));
    expect(values('0020,000d')).toEqual([studyUid]);
    expect(values('0020,000e')).toContain(seriesUid);
    // Every image reference names MR Image Storage: the series' own class, not the writer's CT default.
    expect(new Set(values('0008,1150'))).toEqual(
      new Set(['MRImageStorage', 'RETIRED_StudyComponentManagementSOPClass']),
    );
    // The referenced series lists all 80 images, once each.
    const seriesImages = dump
      .slice(
        0,
        dump.findIndex((e) => e.tag === '3006,0020'),
      )
      .filter((e) => e.tag === '0008,1155')
      .map((e) => e.value);
    const { stdout: sops } = await run(DCMDUMP, ['+P', '0008,0018', ...files], { maxBuffer: 16 << 20 });
    const seriesSops = [...sops.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
    expect(new Set(seriesImages.slice(1))).toEqual(new Set(seriesSops));
    expect(seriesImages).toHaveLength(81);
    // Each contour's point count matches its data, and it references an image of the series.
    expect(contours.length).toBeGreaterThan(60);
    for (const c of contours) {
      expect(c.points).toHaveLength(c.count);
      expect(c.count).toBeGreaterThanOrEqual(3);
      expect(seriesSops).toContain(c.sopInstanceUid);
    }
  }, 60_000);

  it('puts each contour on the plane of the slice it references (that file’s ImagePositionPatient)', async () => {
    const files = await seriesReferenceFiles(SERIES);
    const { stdout } = await run(
      DCMDUMP,
      ['+P', '0008,0018', '+P', '0020,0032', '+P', '0020,0037', ...files],
      { maxBuffer: 16 << 20 },
    );
    const fields = [...stdout.matchAll(/\((\w{4},\w{4})\) \w\w \[([^\]]*)\]/g)].map(
      (m) => [m[1] ?? '', m[2] ?? ''] as const,
    );
    const planes = new Map<string, { position: number[]; normal: number[] }>();
    for (let n = 0; n + 2 < fields.length; n += 3) {
      const byTag = new Map(fields.slice(n, n + 3));
      const o = (byTag.get('0020,0037') ?? '').split('\\').map(Number);
      const normal = [
        (o[1] ?? 0) * (o[5] ?? 0) - (o[2] ?? 0) * (o[4] ?? 0),
        (o[2] ?? 0) * (o[3] ?? 0) - (o[0] ?? 0) * (o[5] ?? 0),
        (o[0] ?? 0) * (o[4] ?? 0) - (o[1] ?? 0) * (o[3] ?? 0),
      ];
      planes.set(byTag.get('0008,0018') ?? '', {
        position: (byTag.get('0020,0032') ?? '').split('\\').map(Number),
        normal,
      });
    }
    expect(planes.size).toBe(80);
    let worst = 0;
    for (const c of contours) {
      const plane = planes.get(c.sopInstanceUid);
      expect(plane).toBeDefined();
      const at = dot(plane?.position ?? [], plane?.normal ?? []);
      for (const p of c.points) worst = Math.max(worst, Math.abs(dot(p, plane?.normal ?? []) - at));
    }
    // ContourData holds 8 significant digits; positions are tenths of a millimetre apart at worst.
    expect(worst).toBeLessThan(1e-3);
  }, 60_000);

  it('gives the labels back when the contours are filled in (even–odd per slice): Dice ≥ 0.95, differences only on the boundary', () => {
    const [nx, ny, nz] = series.geometry.size;
    const back = new Uint8Array(labels.length);
    const groups = new Map<string, { roi: number; k: number; polygons: [number, number][][] }>();
    for (const c of contours) {
      const index = c.points.map((p) => worldToIndex(series.geometry, p));
      const k = Math.round(index[0]?.[2] ?? NaN);
      const key = `${c.roi}@${k}`;
      const group = groups.get(key) ?? { roi: c.roi, k, polygons: [] };
      group.polygons.push(index.map(([i, j]) => [i, j]));
      groups.set(key, group);
    }
    for (const { roi, k, polygons } of groups.values()) {
      const mask = rasterizePolygons(nx, ny, polygons);
      for (let n = 0; n < mask.length; n++) if (mask[n]) back[k * nx * ny + n] = roi;
    }
    for (const { value } of LABELS) {
      let both = 0;
      let sum = 0;
      let offBoundary = 0;
      for (let n = 0; n < labels.length; n++) {
        const a = labels[n] === value;
        const b = back[n] === value;
        both += a && b ? 1 : 0;
        sum += (a ? 1 : 0) + (b ? 1 : 0);
        if (a !== b) {
          const i = n % nx;
          const j = Math.floor(n / nx) % ny;
          const neighbours = [
            i > 0 ? n - 1 : n,
            i < nx - 1 ? n + 1 : n,
            j > 0 ? n - nx : n,
            j < ny - 1 ? n + nx : n,
          ];
          if (neighbours.every((m) => (labels[m] === value) === a)) offBoundary++;
        }
      }
      expect(offBoundary).toBe(0);
      expect((2 * both) / sum).toBeGreaterThanOrEqual(0.95);
    }
    expect(nz).toBe(80);
  });
});
