/**
 * Parser for 3D Slicer's colour-table text format (`.ctbl`, also written as `.txt`): one label per
 * line, `value name r g b a`, with `#` comment lines. Slicer writes names without spaces
 * (underscores instead); a line with more than six fields is read as a name that contains spaces.
 */
import { ServiceError } from '../errors';

export interface ColorTableEntry {
  readonly value: number;
  readonly name: string;
  /** Red, green, blue, alpha, each 0–255. */
  readonly color: readonly [number, number, number, number];
}

const INTEGER = /^[+-]?\d+$/;

export function parseColorTable(text: string): ColorTableEntry[] {
  const entries: ColorTableEntry[] = [];
  const seen = new Set<number>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const where = `colour table line ${index + 1}`;
    if (fields.length < 6)
      throw new ServiceError(
        'unreadable',
        `${where} has ${fields.length} fields; expected "value name r g b a".`,
      );
    const valueField = fields[0] ?? '';
    if (!INTEGER.test(valueField))
      throw new ServiceError('unreadable', `${where}: the label value "${valueField}" is not an integer.`);
    const value = Number(valueField);
    const rgba = fields.slice(-4).map((field) => (INTEGER.test(field) ? Number(field) : Number.NaN));
    const [r = Number.NaN, g = Number.NaN, b = Number.NaN, a = Number.NaN] = rgba;
    for (const channel of [r, g, b, a]) {
      if (!(channel >= 0 && channel <= 255)) {
        throw new ServiceError('unreadable', `${where}: colour components must be integers 0–255.`);
      }
    }
    if (seen.has(value))
      throw new ServiceError('unreadable', `${where}: label value ${value} appears twice.`);
    seen.add(value);
    entries.push({ value, name: fields.slice(1, -4).join(' '), color: [r, g, b, a] });
  }
  return entries;
}

/** Label value → name, the form `simulateKneeMr` takes as `tissueNames`. */
export function colorTableNames(entries: readonly ColorTableEntry[]): Map<number, string> {
  return new Map(entries.map((entry) => [entry.value, entry.name]));
}
