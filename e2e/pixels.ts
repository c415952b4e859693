/** Pixel statistics of a PNG screenshot, to tell a rendered view from a blank one. */
import { PNG } from 'pngjs';

export interface PixelStats {
  width: number;
  height: number;
  meanLuminance: number;
  stdLuminance: number;
  distinctLevels: number;
}

export function pixelStats(png: Buffer): PixelStats {
  const image = PNG.sync.read(png);
  const levels = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  const count = image.width * image.height;
  for (let p = 0; p < count; p++) {
    const r = image.data[4 * p] ?? 0;
    const g = image.data[4 * p + 1] ?? 0;
    const b = image.data[4 * p + 2] ?? 0;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    levels.add(Math.round(y));
    sum += y;
    sumSq += y * y;
  }
  const mean = sum / count;
  return {
    width: image.width,
    height: image.height,
    meanLuminance: mean,
    stdLuminance: Math.sqrt(Math.max(0, sumSq / count - mean * mean)),
    distinctLevels: levels.size,
  };
}

/** Fraction of pixels whose luminance differs by more than `tolerance` levels. */
export function differingFraction(a: Buffer, b: Buffer, tolerance = 8): number {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  if (x.width !== y.width || x.height !== y.height) return 1;
  let differing = 0;
  for (let p = 0; p < x.width * x.height; p++) {
    const lx = 0.299 * (x.data[4 * p] ?? 0) + 0.587 * (x.data[4 * p + 1] ?? 0) + 0.114 * (x.data[4 * p + 2] ?? 0);
    const ly = 0.299 * (y.data[4 * p] ?? 0) + 0.587 * (y.data[4 * p + 1] ?? 0) + 0.114 * (y.data[4 * p + 2] ?? 0);
    if (Math.abs(lx - ly) > tolerance) differing++;
  }
  return differing / (x.width * x.height);
}
