import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors';
import { colorTableNames, parseColorTable } from './color-table';

/** The head of the SPL knee atlas's table, in Slicer's own layout. */
const SAMPLE = `# Color table file /tmp/Slicer/KneeAtlas/Data/knee.ctbl
# 99 values
9 infrapatellar_fat_body 225 230 150 255
12 vastus_lateralis_muscle 230 125 125 255
31 anterior_cruciate_ligament 255 255 255 255
71 popliteal_artery 253 99 71 255
83 femoral_cartilage 180 180 255 255
95 femur 197 189 177 255
`;

describe('parseColorTable', () => {
  it('reads value, name and RGBA, skipping comments', () => {
    const entries = parseColorTable(SAMPLE);
    expect(entries.map((e) => e.value)).toEqual([9, 12, 31, 71, 83, 95]);
    expect(entries[0]).toEqual({ value: 9, name: 'infrapatellar_fat_body', color: [225, 230, 150, 255] });
    expect(entries[3]?.color).toEqual([253, 99, 71, 255]);
  });

  it('tolerates blank lines, CRLF and extra spaces, and reads a name with spaces', () => {
    const entries = parseColorTable('\r\n  1   left  femur  10 20 30 255\r\n\r\n2 b 0 0 0 0');
    expect(entries).toEqual([
      { value: 1, name: 'left femur', color: [10, 20, 30, 255] },
      { value: 2, name: 'b', color: [0, 0, 0, 0] },
    ]);
  });

  it('gives an empty table for comments alone', () => {
    expect(parseColorTable('# nothing here\n')).toEqual([]);
  });

  it.each([
    ['too few fields', '1 femur 1 2 3', /line 1 has 5 fields/],
    ['a value that is not an integer', '1.5 femur 1 2 3 255', /not an integer/],
    ['a colour out of range', '# c\n1 femur 1 2 300 255', /line 2: colour components/],
    ['a colour that is not a number', '1 femur 1 2 x 255', /colour components/],
    ['a duplicate value', '1 a 1 2 3 255\n1 b 1 2 3 255', /appears twice/],
  ])('rejects %s with a ServiceError naming the line', (_what, text, message) => {
    let error: unknown;
    try {
      parseColorTable(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('unreadable');
    expect((error as ServiceError).message).toMatch(message);
  });
});

describe('colorTableNames', () => {
  it('maps values to names', () => {
    const names = colorTableNames(parseColorTable(SAMPLE));
    expect(names.get(83)).toBe('femoral_cartilage');
    expect(names.get(95)).toBe('femur');
    expect(names.size).toBe(6);
  });
});
