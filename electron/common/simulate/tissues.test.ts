import { describe, expect, it } from 'vitest';
import { colorTableNames, parseColorTable } from './color-table';
import { presetTissueTable, tissueForLabel, tissueForName } from './tissues';

describe('tissueForName', () => {
  it.each([
    ['femur', 'bone'],
    ['tibia', 'bone'],
    ['fibula', 'bone'],
    ['patella', 'bone'],
    ['femoral_cartilage', 'cartilage'],
    ['patellar_cartilage', 'cartilage'],
    ['lateral_tibial_cartilage', 'cartilage'],
    ['patellar_ligament', 'fibrous'],
    ['tibial_collateral_ligament', 'fibrous'],
    ['popliteus_tendon', 'fibrous'],
    ['iliotibial_tract', 'fibrous'],
    ['medial_meniscus', 'fibrous'],
    ['tibialis_anterior_muscle', 'muscle'],
    ['biceps_femoris_muscle', 'muscle'],
    ['tibialis_nerve', 'nerve'],
    ['popliteal_artery', 'vessel'],
    ['great_saphenous_vein', 'vessel'],
    ['infrapatellar_fat_body', 'fat'],
    ['Skin', 'skin'],
    ['joint fluid', 'fluid'],
    ['something else', 'background'],
  ])('%s → %s', (name, tissue) => {
    expect(tissueForName(name)).toBe(tissue);
  });
});

describe('preset tables', () => {
  it('oaizib: 1 femur, 2 femoral cartilage, 3 tibia, 4 tibial cartilage', () => {
    expect([...presetTissueTable('oaizib')]).toEqual([
      [1, 'bone'],
      [2, 'cartilage'],
      [3, 'bone'],
      [4, 'cartilage'],
    ]);
    expect(tissueForLabel(5, 'oaizib')).toBe('background');
    expect(tissueForLabel(0, 'oaizib')).toBe('background');
  });

  it('clair: 1 femur, 2 femoral cartilage, 3 tibia, 4 and 5 tibial cartilage', () => {
    expect([...presetTissueTable('clair')]).toEqual([
      [1, 'bone'],
      [2, 'cartilage'],
      [3, 'bone'],
      [4, 'cartilage'],
      [5, 'cartilage'],
    ]);
  });

  it('spl: names from the colour table, by keyword', () => {
    const names = colorTableNames(
      parseColorTable(
        [
          '9 infrapatellar_fat_body 225 230 150 255',
          '12 vastus_lateralis_muscle 230 125 125 255',
          '35 patellar_ligament 255 255 255 255',
          '62 tibialis_nerve 245 225 16 255',
          '72 popliteal_vein 41 166 255 255',
          '81 lateral_meniscus 200 205 205 255',
          '86 patellar_cartilage 180 180 255 255',
          '98 patella 197 189 177 255',
        ].join('\n'),
      ),
    );
    expect(Object.fromEntries(presetTissueTable('spl', names))).toEqual({
      9: 'fat',
      12: 'muscle',
      35: 'fibrous',
      62: 'nerve',
      72: 'vessel',
      81: 'fibrous',
      86: 'cartilage',
      98: 'bone',
    });
    // A value the table does not name falls back to the atlas's numbering.
    expect(tissueForLabel(96, 'spl', names)).toBe('bone');
  });

  it('spl without names: the atlas numbering scheme', () => {
    expect(tissueForLabel(9, 'spl')).toBe('fat');
    expect(tissueForLabel(20, 'spl')).toBe('muscle');
    expect(tissueForLabel(33, 'spl')).toBe('fibrous');
    expect(tissueForLabel(44, 'spl')).toBe('fibrous');
    expect(tissueForLabel(63, 'spl')).toBe('nerve');
    expect(tissueForLabel(77, 'spl')).toBe('vessel');
    expect(tissueForLabel(82, 'spl')).toBe('fibrous');
    expect(tissueForLabel(85, 'spl')).toBe('cartilage');
    expect(tissueForLabel(97, 'spl')).toBe('bone');
    expect(tissueForLabel(3, 'spl')).toBe('background'); // in the atlas, but not in its table
    expect(tissueForLabel(55, 'spl')).toBe('background');
  });

  it('names override a preset for the values they name', () => {
    const names = new Map([[2, 'popliteal artery']]);
    expect(tissueForLabel(2, 'oaizib', names)).toBe('vessel');
    expect(tissueForLabel(1, 'oaizib', names)).toBe('bone');
  });
});
