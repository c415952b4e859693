/**
 * The statistics as the panel shows them and as CSV: segment names from the table, bounding slices
 * per view (1-based, as the views number them), volumes in mL.
 */
import type { IndexAxis } from '../../../electron/common/slice';
import { VIEW_AXES, type ViewAxis } from '../../../electron/common/volume';
import type { SegmentStatistics } from './segment-statistics';

export interface StatisticsRow extends SegmentStatistics {
  readonly name: string;
  /** First and last slice (1-based) holding the segment in each view. */
  readonly slices: Readonly<Record<ViewAxis, readonly [number, number]>>;
}

export function statisticsRows(
  stats: readonly SegmentStatistics[],
  nameOf: (value: number) => string | undefined,
  normalAxisOf: (view: ViewAxis) => IndexAxis,
): StatisticsRow[] {
  return stats.map((s) => {
    const range = (view: ViewAxis): readonly [number, number] => {
      const axis = normalAxisOf(view);
      return [s.first[axis] + 1, s.last[axis] + 1];
    };
    return {
      ...s,
      name: nameOf(s.value) ?? `Segment ${s.value}`,
      slices: { axial: range('axial'), sagittal: range('sagittal'), coronal: range('coronal') },
    };
  });
}

/** Three significant decimals for mL, two for intensities: enough for a report, stable for a diff. */
export function formatMl(ml: number): string {
  return ml.toFixed(3);
}

export function formatIntensity(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '';
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One header line and one line per segment, comma-separated (RFC 4180 quoting), ending in a newline. */
export function statisticsCsv(rows: readonly StatisticsRow[]): string {
  const header = [
    'segment',
    'value',
    'voxels',
    'volume_ml',
    'mean',
    'sd',
    'min',
    'max',
    ...VIEW_AXES.flatMap((view) => [`${view}_first_slice`, `${view}_last_slice`]),
  ];
  const lines = rows.map((r) =>
    [
      csvField(r.name),
      String(r.value),
      String(r.voxels),
      formatMl(r.volumeMl),
      formatIntensity(r.mean),
      formatIntensity(r.sd),
      formatIntensity(r.min),
      formatIntensity(r.max),
      ...VIEW_AXES.flatMap((view) => r.slices[view].map(String)),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
