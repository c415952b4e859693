import { describe, expect, it } from 'vitest';
import type { SegmentStatistics } from './segment-statistics';
import { statisticsCsv, statisticsRows } from './statistics-table';

const femur: SegmentStatistics = { value: 1, voxels: 1500, volumeMl: 0.5606, first: [2, 10, 30], last: [40, 90, 70], mean: 812.25, sd: 40.5, min: 700, max: 950 };

describe('statistics table', () => {
  it('names segments and gives each view its slice range, 1-based, along the axis it slices', () => {
    // A sagittal acquisition: the sagittal view slices along k, the axial along j, the coronal along i.
    const axes = { axial: 1, sagittal: 2, coronal: 0 } as const;
    const [row] = statisticsRows([femur], (v) => (v === 1 ? 'Femur' : undefined), (view) => axes[view]);
    expect(row?.name).toBe('Femur');
    expect(row?.slices).toEqual({ axial: [11, 91], sagittal: [31, 71], coronal: [3, 41] });
    const [unnamed] = statisticsRows([{ ...femur, value: 7 }], () => undefined, (view) => axes[view]);
    expect(unnamed?.name).toBe('Segment 7');
  });

  it('writes CSV with a header, quoted names and fixed decimals', () => {
    const rows = statisticsRows([femur], () => 'Femur, "distal"', () => 2);
    expect(statisticsCsv(rows)).toBe(
      'segment,value,voxels,volume_ml,mean,sd,min,max,axial_first_slice,axial_last_slice,sagittal_first_slice,sagittal_last_slice,coronal_first_slice,coronal_last_slice\n' +
        '"Femur, ""distal""",1,1500,0.561,812.25,40.50,700.00,950.00,31,71,31,71,31,71\n',
    );
  });
});
