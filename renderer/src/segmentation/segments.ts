/** The segment table's row type, the standard knee preset and a palette for new segments (pure). */
export type Rgb = readonly [number, number, number];

export interface Segment {
  /** Voxel value in the label map (1…65535; 0 is background). */
  readonly value: number;
  readonly name: string;
  readonly color: Rgb;
  readonly visible: boolean;
  readonly locked: boolean;
}

/** Femur, femoral cartilage, tibia, tibial cartilage: values 1–4 as in OAI-ZIB. */
export const KNEE_PRESET: readonly Segment[] = [
  { value: 1, name: 'Femur', color: [241, 214, 145], visible: true, locked: false },
  { value: 2, name: 'Femoral cartilage', color: [75, 160, 255], visible: true, locked: false },
  { value: 3, name: 'Tibia', color: [221, 130, 101], visible: true, locked: false },
  { value: 4, name: 'Tibial cartilage', color: [60, 210, 110], visible: true, locked: false },
];

/** Distinct colours for segments added by hand (cycled). */
const PALETTE: readonly Rgb[] = [
  [230, 80, 80],
  [80, 200, 120],
  [80, 140, 240],
  [240, 200, 60],
  [190, 90, 220],
  [60, 210, 210],
  [250, 140, 40],
  [160, 220, 80],
  [240, 110, 180],
  [140, 120, 255],
];

export function paletteColor(value: number): Rgb {
  return PALETTE[(value - 1 + PALETTE.length) % PALETTE.length] ?? [255, 0, 0];
}

/** The smallest value not used yet (1 when the table is empty), or undefined when all are taken. */
export function nextSegmentValue(segments: readonly Segment[], max = 65535): number | undefined {
  const used = new Set(segments.map((s) => s.value));
  for (let v = 1; v <= max; v++) if (!used.has(v)) return v;
  return undefined;
}

export function toHex(color: Rgb): string {
  return `#${color.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, '0')).join('')}`;
}

export function fromHex(hex: string): Rgb | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (m === null) return undefined;
  return [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16), parseInt(m[3] ?? '0', 16)];
}
