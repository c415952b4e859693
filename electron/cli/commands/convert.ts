/** `iseg convert`: one image format to another, geometry and voxel type unchanged. */
import { basename } from 'node:path';
import { readVolume, sourceFormatName } from '../../node/io/read-volume';
import { writeVolume } from '../../node/io/write-volume';
import { parseCommandLine, UsageError, type CliOutput, type Command } from '../command';

const USAGE = `Usage: iseg convert <input> <output> [--series UID]

Reads <input> (an image file or DICOM folder) and writes it to <output> in the format its name
asks for (.nii.gz, .nii, .nrrd, .mha, .mhd, .gipl, .gipl.gz, .mgh, .mgz), keeping geometry and
voxel type.

  --series UID   which series to read when a DICOM folder holds several`;

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert an image or DICOM folder to another format',
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('convert', args, {
      series: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    const [input, target, ...extra] = positionals;
    if (input === undefined || target === undefined || extra.length > 0) {
      throw new UsageError('iseg convert: give one input and one output path');
    }
    const started = performance.now();
    const volume = await readVolume(input, { seriesUid: values.series });
    await writeVolume(volume, target);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    output.out(
      `Wrote ${basename(target)} (${volume.geometry.size.join('×')} ${volume.componentType}) from ${basename(input)} (${await sourceFormatName(input)}) in ${seconds} s.`,
    );
  },
};
