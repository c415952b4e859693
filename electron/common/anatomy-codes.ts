/**
 * Coded meaning of segment names for DICOM SEG (Segmented Property Category and Type, PS3.3
 * C.8.20.2): the knee bones get their SNOMED CT codes, anything else the generic "Tissue".
 *
 * Codes as listed in DICOM PS3.16: category "Anatomical Structure" and "Tissue" from CID 7150
 * (Segmentation Property Categories); Femur, Tibia and Fibula from CID 12021 (Fetal Long Bone
 * Anatomic Site), Patella from CID 1006 (Anatomical Reference Basis - Extremity). The cartilages and
 * menisci have no code confirmed against PS3.16 here, so they get the generic pair rather than a
 * guessed one.
 */

export interface CodedConcept {
  readonly CodeValue: string;
  readonly CodingSchemeDesignator: 'SCT';
  readonly CodeMeaning: string;
}

export interface SegmentCodes {
  readonly category: CodedConcept;
  readonly type: CodedConcept;
}

const sct = (CodeValue: string, CodeMeaning: string): CodedConcept => ({ CodeValue, CodingSchemeDesignator: 'SCT', CodeMeaning });

export const TISSUE = sct('85756007', 'Tissue');
export const ANATOMICAL_STRUCTURE = sct('91723000', 'Anatomical Structure');

/** What a segment whose name is not recognised is coded as. */
export const GENERIC_SEGMENT_CODES: SegmentCodes = { category: TISSUE, type: TISSUE };

const BONES: readonly { readonly names: readonly string[]; readonly type: CodedConcept }[] = [
  { names: ['femur', 'femoral bone', 'femur bone'], type: sct('71341001', 'Femur') },
  { names: ['tibia', 'tibial bone', 'tibia bone'], type: sct('12611008', 'Tibia') },
  { names: ['patella', 'patellar bone', 'kneecap', 'patella bone'], type: sct('64234005', 'Patella') },
  { names: ['fibula', 'fibular bone', 'fibula bone'], type: sct('87342007', 'Fibula') },
];

/** "Left femur", "FEMUR", "femur_bone" → "femur"/"femur bone": case, separators and side ignored. */
function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .replace(/\b(left|right|l|r)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The category and type codes for a segment called `name`. */
export function segmentCodes(name: string): SegmentCodes {
  const key = normalise(name);
  const bone = BONES.find((b) => b.names.includes(key));
  return bone === undefined ? GENERIC_SEGMENT_CODES : { category: ANATOMICAL_STRUCTURE, type: bone.type };
}
