/** `iseg info`: what an image file or DICOM folder holds, for people and (with --json) for scripts. */
import { basename } from 'node:path';
import { formatNumber } from '../../common/geometry-compare';
import { distinctValueCounts, nonFiniteCount, valueRange, type ValueCount } from '../../common/volume-stats';
import { fromOrientationCode, indexToWorldAffine, orientationCode, type Volume } from '../../common/volume';
import { readVolume, sourceFormatName } from '../../node/io/read-volume';
import { parseCommandLine, UsageError, type CliOutput, type Command } from '../command';
import { writeJsonFile } from '../write-json';

const USAGE = `Usage: iseg info <image | dicom-folder> [--series UID] [--json FILE]

Prints the size, spacing, origin, direction, orientation code, voxel type, value range and (for
integer images with at most 256 distinct values) each value with its voxel count.

  --series UID   which series to read when a DICOM folder holds several
  --json FILE    also write the facts as JSON to FILE ("-" prints JSON instead of text)

World coordinates are ITK's LPS millimetres (x → left, y → posterior, z → superior). The
orientation code gives, for index axes i, j, k, the direction each points towards: the same
letters nibabel's aff2axcodes prints. ITK-SNAP and ITK's SpatialOrientation names use the
opposite ("from") letters; info prints both.`;

interface ImageInfo {
  readonly file: string;
  readonly format: string;
  readonly size: readonly number[];
  readonly spacing: readonly number[];
  readonly origin: readonly number[];
  /** Row-major 3×3, LPS; column c is index axis c. */
  readonly direction: readonly number[];
  readonly worldCoordinates: 'LPS';
  readonly orientation: { readonly towards: string; readonly from: string };
  /** 4×4 row-major index-to-world affine in RAS, as nibabel reports it. */
  readonly affineRas: readonly number[];
  readonly componentType: string;
  /** Over the finite voxels; [NaN, NaN] (null in JSON) when there is none. */
  readonly range: readonly [number, number];
  /** Voxels that are NaN or ±Infinity (left out of the range). */
  readonly nonFinite: number;
  /** Integer images with at most 256 distinct values; null otherwise. */
  readonly values: readonly ValueCount[] | null;
}

function imageInfo(path: string, format: string, volume: Volume): ImageInfo {
  const { geometry } = volume;
  return {
    file: basename(path),
    format,
    size: geometry.size,
    spacing: geometry.spacing,
    origin: geometry.origin,
    direction: geometry.direction,
    worldCoordinates: 'LPS',
    orientation: {
      towards: orientationCode(geometry.direction),
      from: fromOrientationCode(geometry.direction),
    },
    affineRas: indexToWorldAffine(geometry, 'RAS'),
    componentType: volume.componentType,
    range: valueRange(volume.voxels),
    nonFinite: nonFiniteCount(volume.voxels),
    values: distinctValueCounts(volume.voxels) ?? null,
  };
}

const list = (values: readonly number[], separator: string) => values.map(formatNumber).join(separator);

function formatRange(info: ImageInfo): string {
  if (Number.isNaN(info.range[0])) {
    return info.nonFinite === 0 ? 'none: there are no voxels' : `none: every voxel is NaN or infinite (${info.nonFinite.toLocaleString('en-US')})`;
  }
  const range = `${formatNumber(info.range[0])} … ${formatNumber(info.range[1])}`;
  return info.nonFinite === 0 ? range : `${range} (${info.nonFinite.toLocaleString('en-US')} NaN or infinite voxels left out)`;
}

function formatImageInfo(info: ImageInfo): string {
  const d = info.direction;
  const [i = '?', j = '?', k = '?'] = info.orientation.towards;
  const lines = [
    `file         ${info.file} (${info.format})`,
    `size         ${info.size.join(' × ')} voxels`,
    `spacing      ${list(info.spacing, ' × ')} mm`,
    `origin       (${list(info.origin, ', ')}) mm, LPS world coordinates`,
    `direction    [${list(d.slice(0, 3), ' ')}; ${list(d.slice(3, 6), ' ')}; ${list(d.slice(6, 9), ' ')}] (LPS; columns are the i, j, k axes)`,
    `orientation  ${info.orientation.towards}: i→${i}, j→${j}, k→${k} (letters say where each axis points, as nibabel's aff2axcodes; ITK-SNAP / ITK SpatialOrientation "from" code: ${info.orientation.from})`,
    `voxel type   ${info.componentType}`,
    `value range  ${formatRange(info)}`,
  ];
  if (info.values) {
    lines.push(`values       ${info.values.length} distinct`);
    for (const { value, count } of info.values)
      lines.push(`  ${String(value).padStart(6)}  ${count.toLocaleString('en-US')} voxels`);
  }
  return lines.join('\n');
}

export const infoCommand: Command = {
  name: 'info',
  summary: 'show geometry, orientation, voxel type and values of an image or DICOM folder',
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('info', args, {
      json: { type: 'string' },
      series: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    const [path, ...extra] = positionals;
    if (path === undefined || extra.length > 0)
      throw new UsageError('iseg info: give exactly one image file or DICOM folder');
    const volume = await readVolume(path, { seriesUid: values.series });
    const info = imageInfo(path, await sourceFormatName(path), volume);
    if (values.json === '-') return output.out(JSON.stringify(info, null, 2));
    output.out(formatImageInfo(info));
    if (values.json !== undefined) await writeJsonFile(values.json, info);
  },
};
