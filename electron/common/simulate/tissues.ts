/**
 * Tissue classes of the knee simulator and the mapping from label values to them, per preset.
 *
 * Presets (label value → tissue):
 * - `oaizib` (OAI-ZIB): 1 femur → bone, 2 femoral cartilage, 3 tibia → bone, 4 tibial cartilage.
 * - `clair` (CLAIR-Knee-103R template labels): 1 femur → bone, 2 femoral cartilage, 3 tibia → bone,
 *   4 medial tibial cartilage, 5 lateral tibial cartilage. 4 and 5 were told apart by anatomy on
 *   the template (value 4: larger plateau, 44 mm anteroposterior against 36 mm, thinner cartilage,
 *   2.0 mm mean against 2.3 mm, on the side where the femoral condyle reaches further distally);
 *   both are cartilage to the simulator, so the distinction only matters for naming.
 * - `spl` (SPL knee atlas): names from the atlas colour table, mapped by keyword (`tissueForName`).
 *   Without names, values fall back to the atlas's numbering scheme (`SPL_VALUE_RANGES`).
 */

export const KNEE_TISSUES = [
  'background',
  'bone',
  'cartilage',
  'fluid',
  'muscle',
  'fat',
  'fibrous',
  'vessel',
  'nerve',
  'skin',
] as const;
/** What a label value stands for. `background` is unlabelled: the simulator synthesises it. */
export type KneeTissue = (typeof KNEE_TISSUES)[number];

export const KNEE_PRESETS = ['oaizib', 'clair', 'spl'] as const;
export type KneePreset = (typeof KNEE_PRESETS)[number];

/** Keyword rules, first match wins: the order settles names such as "patellar_ligament". */
const KEYWORD_RULES: readonly (readonly [KneeTissue, readonly string[]])[] = [
  ['cartilage', ['cartilage']],
  ['fibrous', ['ligament', 'tendon', 'menisc', 'tract', 'aponeuros', 'retinacul', 'capsule', 'fascia']],
  ['muscle', ['muscle']],
  ['nerve', ['nerve']],
  ['vessel', ['artery', 'arteri', 'vein', 'vessel', 'venous']],
  ['fat', ['fat', 'adipose']],
  ['skin', ['skin']],
  ['fluid', ['fluid', 'synovi', 'effusion', 'bursa', 'cyst']],
  ['bone', ['bone', 'marrow', 'femur', 'tibia', 'patella', 'fibula']],
];

/** The tissue a structure's name suggests; `background` when no keyword matches. */
export function tissueForName(name: string): KneeTissue {
  const lower = name.toLowerCase();
  for (const [tissue, keywords] of KEYWORD_RULES) {
    if (keywords.some((keyword) => lower.includes(keyword))) return tissue;
  }
  return 'background';
}

const OAIZIB: ReadonlyMap<number, KneeTissue> = new Map([
  [1, 'bone'],
  [2, 'cartilage'],
  [3, 'bone'],
  [4, 'cartilage'],
]);

const CLAIR: ReadonlyMap<number, KneeTissue> = new Map([
  [1, 'bone'],
  [2, 'cartilage'],
  [3, 'bone'],
  [4, 'cartilage'],
  [5, 'cartilage'],
]);

/** Label names per preset value, for reports and legends. */
export const PRESET_LABEL_NAMES: Readonly<Record<'oaizib' | 'clair', ReadonlyMap<number, string>>> = {
  oaizib: new Map([
    [1, 'femur'],
    [2, 'femoral cartilage'],
    [3, 'tibia'],
    [4, 'tibial cartilage'],
  ]),
  clair: new Map([
    [1, 'femur'],
    [2, 'femoral cartilage'],
    [3, 'tibia'],
    [4, 'medial tibial cartilage'],
    [5, 'lateral tibial cartilage'],
  ]),
};

/**
 * The SPL atlas numbers its structures in decades (9 fat pad, 12–26 muscles, 31–35 ligaments,
 * 41–48 tendons, 61–64 nerves, 71–78 vessels, 81–82 menisci, 83–86 cartilage, 95–98 bones); these
 * ranges stand in for the colour table when no names are given. (The atlas also holds a few
 * voxels of value 3, which its table does not name: they stay background.)
 */
export const SPL_VALUE_RANGES: readonly (readonly [number, number, KneeTissue])[] = [
  [9, 9, 'fat'],
  [10, 29, 'muscle'],
  [30, 49, 'fibrous'],
  [60, 69, 'nerve'],
  [70, 79, 'vessel'],
  [80, 82, 'fibrous'],
  [83, 89, 'cartilage'],
  [90, 99, 'bone'],
];

function splFallback(value: number): KneeTissue {
  for (const [low, high, tissue] of SPL_VALUE_RANGES) if (value >= low && value <= high) return tissue;
  return 'background';
}

/**
 * The tissue of one label value under a preset. `tissueNames`, when given, wins for the values it
 * names (by keyword); value 0 is always background.
 */
export function tissueForLabel(
  value: number,
  preset: KneePreset,
  tissueNames?: ReadonlyMap<number, string>,
): KneeTissue {
  if (value === 0) return 'background';
  const name = tissueNames?.get(value);
  if (name !== undefined) return tissueForName(name);
  switch (preset) {
    case 'oaizib':
      return OAIZIB.get(value) ?? 'background';
    case 'clair':
      return CLAIR.get(value) ?? 'background';
    case 'spl':
      return splFallback(value);
  }
}

/** The preset's table for the values it knows (plus every named value), sorted by value. */
export function presetTissueTable(
  preset: KneePreset,
  tissueNames?: ReadonlyMap<number, string>,
): Map<number, KneeTissue> {
  const values = new Set<number>(tissueNames?.keys() ?? []);
  if (preset === 'oaizib') for (const value of OAIZIB.keys()) values.add(value);
  if (preset === 'clair') for (const value of CLAIR.keys()) values.add(value);
  if (preset === 'spl' && tissueNames === undefined) {
    for (const [low, high] of SPL_VALUE_RANGES) for (let v = low; v <= high; v++) values.add(v);
  }
  values.delete(0);
  return new Map(
    [...values].sort((a, b) => a - b).map((value) => [value, tissueForLabel(value, preset, tissueNames)]),
  );
}
