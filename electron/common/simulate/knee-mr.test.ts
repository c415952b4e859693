import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, type Mat3, type Vec3, type Volume, type VoxelArray } from '../volume';
import { simulateKneeMr, type SimulateKneeMrOptions } from './knee-mr';

/** Label values of the synthetic knee's four structures. */
interface KneeValues {
  readonly femur: number;
  readonly femoralCartilage: number;
  readonly tibia: number;
  readonly tibialCartilage: number;
  /** When set, the tibial cartilage on the high-i half gets this value (CLAIR's lateral plate). */
  readonly lateralTibialCartilage?: number;
}

const OAIZIB: KneeValues = { femur: 1, femoralCartilage: 2, tibia: 3, tibialCartilage: 4 };

interface KneeLayout {
  readonly size: Vec3;
  readonly spacing: Vec3;
  /** Radius of the bone and cartilage cylinders about the volume's axis, mm. */
  readonly radiusMm: number;
  /** First k of the tibial cartilage (3 voxels thick), then `gap` unlabelled voxels, then 3 of femoral cartilage. */
  readonly tibialCartilageK: number;
  readonly gap: number;
}

const SMALL: KneeLayout = {
  size: [64, 64, 36],
  spacing: [0.5, 0.5, 0.8],
  radiusMm: 7,
  tibialCartilageK: 14,
  gap: 1,
};

/**
 * A knee made of cylinders along k (the superior–inferior axis under an identity direction):
 * tibia below, tibial cartilage, a gap, femoral cartilage, femur above; unlabelled around them.
 */
function kneeLabels(layout: KneeLayout = SMALL, values: KneeValues = OAIZIB): Volume {
  const [nx, ny, nz] = layout.size;
  const [sx, sy] = layout.spacing;
  const voxels = new Uint8Array(nx * ny * nz);
  const t0 = layout.tibialCartilageK;
  const f0 = t0 + 3 + layout.gap;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r = Math.hypot((i - (nx - 1) / 2) * sx, (j - (ny - 1) / 2) * sy);
        if (r > layout.radiusMm) continue;
        let value = 0;
        if (k < t0) value = values.tibia;
        else if (k < t0 + 3)
          value =
            i >= nx / 2 ? (values.lateralTibialCartilage ?? values.tibialCartilage) : values.tibialCartilage;
        else if (k >= f0 && k < f0 + 3) value = values.femoralCartilage;
        else if (k >= f0 + 3) value = values.femur;
        voxels[i + nx * (j + ny * k)] = value;
      }
    }
  }
  return {
    geometry: {
      size: layout.size,
      spacing: layout.spacing,
      origin: [-16, -16, -12],
      direction: IDENTITY_DIRECTION,
    },
    componentType: 'uint8',
    voxels,
  };
}

/** Mean and σ of the image over the voxels where `where(i, j, k)` holds. */
function stats(
  image: Volume,
  where: (i: number, j: number, k: number) => boolean,
): { mean: number; sd: number; n: number } {
  const [nx, ny, nz] = image.geometry.size;
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (!where(i, j, k)) continue;
        const v = image.voxels[i + nx * (j + ny * k)] ?? 0;
        n++;
        sum += v;
        sq += v * v;
      }
    }
  }
  const mean = sum / Math.max(1, n);
  return { mean, sd: Math.sqrt(Math.max(0, sq / Math.max(1, n) - mean * mean)), n };
}

/** In-plane distance (mm) of voxel (i, j) from the cylinders' axis. */
function radius(layout: KneeLayout, i: number, j: number): number {
  return Math.hypot(
    (i - (layout.size[0] - 1) / 2) * layout.spacing[0],
    (j - (layout.size[1] - 1) / 2) * layout.spacing[1],
  );
}

/** Rician σ from air, where the signal is 0 and the magnitude is Rayleigh: mean = σ·√(π/2). */
function noiseSigma(image: Volume, layout: KneeLayout): number {
  return stats(image, (i, j) => radius(layout, i, j) > 13).mean / Math.sqrt(Math.PI / 2);
}

const run = (labels: Volume, options: Partial<SimulateKneeMrOptions> = {}): Volume =>
  simulateKneeMr(labels, { seed: 1, preset: 'oaizib', bodyMarginMm: 2, ...options });

describe('simulateKneeMr', () => {
  it('keeps the geometry exactly and returns float32 intensities in about 0–1000', () => {
    const direction: Mat3 = [
      0.10452850261338091, 0, -0.9945218221548936, 0.9945218768931287, 0, 0.10452849702372716, 0, -1, 0,
    ];
    const base = kneeLabels();
    const labels: Volume = {
      ...base,
      geometry: {
        size: [64, 64, 36],
        spacing: [0.3645833432674408, 0.5, 0.699999988079071],
        origin: [-12.5117769241333, -69.36524963378906, 84.04358673095703],
        direction,
      },
    };
    const copy = Uint8Array.from(labels.voxels);
    const image = simulateKneeMr(labels, { seed: 3, preset: 'oaizib' });
    expect(image.geometry).toEqual(labels.geometry);
    expect(image.geometry).not.toBe(labels.geometry);
    expect(image.componentType).toBe('float32');
    expect(image.voxels).toBeInstanceOf(Float32Array);
    expect(image.voxels.length).toBe(labels.voxels.length);
    expect(labels.voxels).toEqual(copy); // the labels are not touched
    let low = Infinity;
    let high = -Infinity;
    for (const v of image.voxels) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeGreaterThan(500);
    expect(high).toBeLessThan(1400);
  });

  it('is deterministic per seed, and seeds differ', () => {
    const labels = kneeLabels();
    const a = run(labels, { seed: 11 });
    const b = run(labels, { seed: 11 });
    const c = run(labels, { seed: 12 });
    expect(Buffer.from(a.voxels.buffer).equals(Buffer.from(b.voxels.buffer))).toBe(true);
    let differ = 0;
    a.voxels.forEach((v, n) => {
      if (v !== c.voxels[n]) differ++;
    });
    expect(differ).toBeGreaterThan(0.9 * a.voxels.length);
  });

  it('gives the same image for the same labels in any integer or float type', () => {
    const labels = kneeLabels({
      size: [32, 32, 24],
      spacing: [0.5, 0.5, 0.8],
      radiusMm: 5,
      tibialCartilageK: 8,
      gap: 1,
    });
    const as = (voxels: VoxelArray, componentType: Volume['componentType']): Volume => ({
      ...labels,
      componentType,
      voxels,
    });
    const reference = run(labels).voxels;
    for (const other of [
      as(Int16Array.from(labels.voxels), 'int16'),
      as(Uint32Array.from(labels.voxels), 'uint32'),
      as(Float32Array.from(labels.voxels), 'float32'),
    ]) {
      expect(run(other).voxels).toEqual(reference);
    }
  });

  it('rejects a voxel buffer that does not match the size', () => {
    const labels = kneeLabels();
    expect(() =>
      simulateKneeMr({ ...labels, voxels: new Uint8Array(10) }, { seed: 1, preset: 'oaizib' }),
    ).toThrow(/voxels/);
  });

  describe('contrast', () => {
    const layout = SMALL;
    const inside = (i: number, j: number): boolean => radius(layout, i, j) < 4.5;
    let image: Volume;
    let marrow: ReturnType<typeof stats>;
    let cartilage: ReturnType<typeof stats>;
    let sigma: number;
    beforeAll(() => {
      image = run(kneeLabels(layout));
      marrow = stats(image, (i, j, k) => inside(i, j) && k >= 3 && k <= 10);
      cartilage = stats(image, (i, j, k) => inside(i, j) && (k === 15 || k === 19));
      sigma = noiseSigma(image, layout);
    });

    it('draws cartilage brighter than bone marrow', () => {
      expect(cartilage.mean).toBeGreaterThan(2 * marrow.mean);
      expect(marrow.mean).toBeGreaterThan(100);
    });

    it('keeps the contrast between labelled tissues well above the noise', () => {
      expect(sigma).toBeGreaterThan(5);
      expect(cartilage.mean - marrow.mean).toBeGreaterThan(10 * sigma);
    });

    it('adds Rician noise: air is Rayleigh-distributed, with σ 2–4% of cartilage', () => {
      const air = stats(image, (i, j) => radius(layout, i, j) > 13);
      expect(air.n).toBeGreaterThan(5000);
      expect(air.mean).toBeGreaterThan(0); // the Rician bias: |noise| has a positive mean
      // For a Rayleigh distribution mean/σ = √(π/2) / √(2 − π/2) ≈ 1.913.
      expect(air.mean / air.sd).toBeGreaterThan(1.8);
      expect(air.mean / air.sd).toBeLessThan(2.03);
      const relative = sigma / cartilage.mean;
      expect(relative).toBeGreaterThan(0.015); // cartilage mean carries the ±20% bias field
      expect(relative).toBeLessThan(0.05);
    });

    it('brightens a thin gap between the cartilage plates into synovial fluid', () => {
      const gap = stats(image, (i, j, k) => inside(i, j) && k === 17);
      expect(gap.mean).toBeGreaterThan(0.9 * cartilage.mean);
    });
  });

  it('fills a wider gap between femoral and tibial cartilage with dark meniscus', () => {
    const layout: KneeLayout = { ...SMALL, gap: 6 };
    const image = run(kneeLabels(layout));
    const inside = (i: number, j: number): boolean => radius(layout, i, j) < 4.5;
    const cartilage = stats(image, (i, j, k) => inside(i, j) && k === 15);
    const meniscus = stats(image, (i, j, k) => inside(i, j) && (k === 19 || k === 20));
    expect(meniscus.mean).toBeLessThan(0.3 * cartilage.mean);
  });

  it('leaves the meniscus to the labels when the map labels fibrous tissue', () => {
    const layout: KneeLayout = { ...SMALL, gap: 6 };
    const base = kneeLabels(layout, { femur: 95, femoralCartilage: 83, tibia: 96, tibialCartilage: 84 });
    const voxels = Uint8Array.from(base.voxels);
    voxels[0] = 31; // one ligament voxel, in a corner
    const image = run({ ...base, voxels }, { preset: 'spl' });
    const inside = (i: number, j: number): boolean => radius(layout, i, j) < 4.5;
    const cartilage = stats(image, (i, j, k) => inside(i, j) && k === 15);
    const gap = stats(image, (i, j, k) => inside(i, j) && (k === 19 || k === 20));
    expect(gap.mean).toBeGreaterThan(0.35 * cartilage.mean);
  });

  it('draws a dark cortical shell at the bone surface', () => {
    const layout = SMALL;
    const image = run(kneeLabels(layout));
    const marrow = stats(image, (i, j, k) => radius(layout, i, j) < 4 && k >= 3 && k <= 10);
    // Bone voxels within half a millimetre of the cylinder's side, and soft tissue just outside.
    const shell = stats(image, (i, j, k) => {
      const r = radius(layout, i, j);
      return r > 6.5 && r <= 7 && k >= 3 && k <= 10;
    });
    const outside = stats(image, (i, j, k) => {
      const r = radius(layout, i, j);
      return r > 7.6 && r < 8.2 && k >= 3 && k <= 10;
    });
    const sigma = noiseSigma(image, layout);
    expect(shell.mean).toBeLessThan(marrow.mean - 3 * sigma);
    expect(shell.mean).toBeLessThan(outside.mean - 3 * sigma);
  });

  it('blurs boundaries into intermediate values (partial volume)', () => {
    // Meniscus (81) below cartilage (83), a flat boundary between k = 17 and 18, everywhere in-plane.
    const size: Vec3 = [40, 40, 36];
    const voxels = new Uint8Array(40 * 40 * 36);
    for (let k = 0; k < 36; k++) voxels.fill(k < 18 ? 81 : 83, 1600 * k, 1600 * (k + 1));
    const labels: Volume = {
      geometry: { size, spacing: [0.5, 0.5, 0.8], origin: [0, 0, 0], direction: IDENTITY_DIRECTION },
      componentType: 'uint8',
      voxels,
    };
    const image = simulateKneeMr(labels, { seed: 5, preset: 'spl' });
    const plane = (k: number): number =>
      stats(image, (i, j, kk) => kk === k && i > 5 && i < 34 && j > 5 && j < 34).mean;
    const meniscus = plane(14);
    const cartilage = plane(21);
    const step = cartilage - meniscus;
    expect(step).toBeGreaterThan(400);
    expect(plane(17)).toBeGreaterThan(meniscus + 0.08 * step); // last meniscus plane, lifted
    expect(plane(18)).toBeLessThan(cartilage - 0.08 * step); // first cartilage plane, lowered
    expect(plane(17)).toBeLessThan(plane(18));
  });

  it('synthesises soft tissue around bone-only labels: muscle and fat inside the body, air outside', () => {
    const layout: KneeLayout = {
      size: [60, 60, 40],
      spacing: [1.2, 1.2, 1.5],
      radiusMm: 10,
      tibialCartilageK: 18,
      gap: 1,
    };
    const image = run(kneeLabels(layout), { bodyMarginMm: 18, seed: 2 });
    const [nx, ny] = layout.size;
    const labels = kneeLabels(layout).voxels;
    let air = 0;
    let muscle = 0;
    let fat = 0;
    let unlabelled = 0;
    image.voxels.forEach((v, n) => {
      if (labels[n] !== 0) return;
      unlabelled++;
      if (v < 80) air++;
      else if (v > 250 && v < 420) muscle++;
      else if (v > 470) fat++;
    });
    expect(air / unlabelled).toBeGreaterThan(0.05);
    expect(muscle / unlabelled).toBeGreaterThan(0.05);
    expect(fat / unlabelled).toBeGreaterThan(0.01);
    // The corners are outside the body, the voxels next to the bone inside it.
    expect(image.voxels[0] ?? Infinity).toBeLessThan(120);
    const nearBone = stats(image, (i, j, k) => k === 5 && Math.abs(radius(layout, i, j) - 13) < 1);
    expect(nearBone.mean).toBeGreaterThan(200);
    expect(nx * ny).toBeGreaterThan(0);
  });

  it('maps each preset: CLAIR tibial cartilage in two values, SPL tissues by name', () => {
    const clairValues: KneeValues = { ...OAIZIB, lateralTibialCartilage: 5 };
    const clair = run(kneeLabels(SMALL, clairValues), { preset: 'clair' });
    const inner = (i: number, j: number): boolean => radius(SMALL, i, j) < 4.5;
    const medial = stats(clair, (i, j, k) => inner(i, j) && i < 28 && k === 15);
    const lateral = stats(clair, (i, j, k) => inner(i, j) && i > 35 && k === 15);
    const clairMarrow = stats(clair, (i, j, k) => inner(i, j) && k >= 3 && k <= 10);
    expect(medial.mean).toBeGreaterThan(2 * clairMarrow.mean);
    expect(lateral.mean).toBeGreaterThan(2 * clairMarrow.mean);

    // The same cylinders as SPL structures, the femur replaced by muscle, vessel, ligament, fat and nerve slabs.
    const names = new Map([
      [96, 'tibia'],
      [84, 'lateral_tibial_cartilage'],
      [83, 'femoral_cartilage'],
      [12, 'vastus_lateralis_muscle'],
      [71, 'popliteal_artery'],
      [31, 'anterior_cruciate_ligament'],
      [9, 'infrapatellar_fat_body'],
      [62, 'tibialis_nerve'],
    ]);
    const layout: KneeLayout = { ...SMALL, size: [64, 64, 48] };
    const labels = kneeLabels(layout, { femur: 12, femoralCartilage: 83, tibia: 96, tibialCartilage: 84 });
    const [nx, ny] = layout.size;
    // Slabs 5 voxels thick above the muscle at k 21–25; each is measured in its middle plane.
    const slabs: [number, number][] = [
      [26, 71],
      [31, 31],
      [36, 9],
      [41, 62],
    ];
    const voxels = Uint8Array.from(labels.voxels);
    for (const [k0, value] of slabs) {
      for (let k = k0; k < k0 + 5; k++) {
        for (let n = nx * ny * k; n < nx * ny * (k + 1); n++) if (voxels[n] !== 0) voxels[n] = value;
      }
    }
    const spl = run({ ...labels, voxels }, { preset: 'spl', tissueNames: names, seed: 4 });
    const at = (k: number): number => stats(spl, (i, j, kk) => inner(i, j) && kk === k).mean;
    const tissue = {
      bone: stats(spl, (i, j, k) => inner(i, j) && k >= 3 && k <= 10).mean,
      cartilage: at(15),
      muscle: at(23),
      vessel: at(28),
      ligament: at(33),
      fat: at(38),
      nerve: at(43),
    };
    const sigma = noiseSigma(spl, layout);
    expect(tissue.ligament).toBeLessThan(tissue.bone);
    expect(tissue.bone).toBeLessThan(tissue.muscle);
    expect(tissue.muscle).toBeLessThan(tissue.nerve);
    expect(tissue.nerve).toBeLessThan(tissue.fat);
    expect(tissue.fat).toBeLessThan(tissue.cartilage);
    expect(tissue.cartilage).toBeLessThan(tissue.vessel);
    // Every pair of labelled tissues differs by more than twice the noise σ.
    const means = Object.values(tissue);
    for (const a of means)
      for (const b of means) if (a !== b) expect(Math.abs(a - b)).toBeGreaterThan(2 * sigma);
  });

  it('keeps the DESS table byte for byte (the embedded sample and evaluation knees were made with it)', () => {
    const size: Vec3 = [32, 32, 24];
    const voxels = new Uint8Array(32 * 32 * 24);
    for (let n = 0; n < voxels.length; n++) voxels[n] = Math.floor(n / 5000) % 5;
    const labels: Volume = { geometry: { size, spacing: [0.5, 0.5, 0.8], origin: [0, 0, 0], direction: IDENTITY_DIRECTION }, componentType: 'uint8', voxels };
    // The digest of this image before sequences existed.
    const before = 'b3963454679fdbbafd9059fbe92b3be63c1b1d2b9695f688e77ade264c5639d9';
    for (const sequence of [undefined, 'dess'] as const) {
      const image = simulateKneeMr(labels, { seed: 7, preset: 'oaizib', bodyMarginMm: 2, ...(sequence ? { sequence } : {}) });
      expect(createHash('sha256').update(Buffer.from(image.voxels.buffer)).digest('hex')).toBe(before);
    }
  });

  it('imitates each sequence: bright fatty marrow on T1, dark marrow under cartilage on DESS and fat-saturated PD/T2', () => {
    const labels = kneeLabels();
    const t0 = SMALL.tibialCartilageK;
    const f0 = t0 + 3 + SMALL.gap;
    const inside = (i: number, j: number): boolean => radius(SMALL, i, j) < SMALL.radiusMm - 1.5;
    const marrowOverCartilage = (image: Volume): number =>
      stats(image, (i, j, k) => inside(i, j) && k >= f0 + 6 && k < f0 + 12).mean /
      stats(image, (i, j, k) => inside(i, j) && k === f0 + 1).mean;
    expect(marrowOverCartilage(run(labels, { sequence: 'dess' }))).toBeLessThan(0.6);
    expect(marrowOverCartilage(run(labels, { sequence: 't1' }))).toBeGreaterThan(1.3);
    expect(marrowOverCartilage(run(labels, { sequence: 'pd-fs' }))).toBeLessThan(0.6);
    expect(marrowOverCartilage(run(labels, { sequence: 't2-fs' }))).toBeLessThan(0.8);
  });

  it('draws a different contrast per seed with the random table', () => {
    const labels = kneeLabels({ size: [32, 32, 24], spacing: [0.5, 0.5, 0.8], radiusMm: 5, tibialCartilageK: 8, gap: 1 });
    const ratios = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
      const image = run(labels, { seed, sequence: 'random' });
      const centre = (i: number, j: number): boolean => Math.hypot(i - 15.5, j - 15.5) < 4;
      return stats(image, (i, j, k) => centre(i, j) && k >= 18).mean / stats(image, (i, j, k) => centre(i, j) && k === 13).mean;
    });
    // Some seeds draw T1 (marrow brighter than cartilage), others a table where it is darker.
    expect(Math.max(...ratios)).toBeGreaterThan(1.2);
    expect(Math.min(...ratios)).toBeLessThan(0.8);
    expect(new Set(ratios.map((r) => r.toFixed(3))).size).toBe(ratios.length);
  });
});
