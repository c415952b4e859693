import { describe, expect, it } from 'vitest';
import { GENERIC_SEGMENT_CODES, segmentCodes } from './anatomy-codes';

describe('segmentCodes', () => {
  it('codes the knee bones as anatomical structures with their SNOMED CT concepts', () => {
    expect(segmentCodes('Femur')).toEqual({
      category: { CodeValue: '91723000', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' },
      type: { CodeValue: '71341001', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Femur' },
    });
    expect(segmentCodes('Tibia').type.CodeValue).toBe('12611008');
    expect(segmentCodes('Patella').type.CodeValue).toBe('64234005');
    expect(segmentCodes('Fibula').type.CodeValue).toBe('87342007');
  });

  it('ignores case, separators and side', () => {
    expect(segmentCodes('LEFT_FEMUR').type.CodeMeaning).toBe('Femur');
    expect(segmentCodes('  right tibia ').type.CodeMeaning).toBe('Tibia');
    expect(segmentCodes('Patellar bone').type.CodeMeaning).toBe('Patella');
  });

  it('gives cartilage, menisci and unknown names the generic Tissue pair, not a bone code', () => {
    for (const name of ['Femoral cartilage', 'Tibial cartilage', 'Meniscus', 'Segment 7', 'Femur lesion', '']) {
      expect(segmentCodes(name)).toEqual(GENERIC_SEGMENT_CODES);
    }
    expect(GENERIC_SEGMENT_CODES.type).toEqual({ CodeValue: '85756007', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Tissue' });
  });
});
