/** `iseg convert`: one image format to another, geometry and voxel type unchanged. */
import { basename } from 'node:path';
import { readVolume, sourceFormatName } from '../../node/io/read-volume';
import { writeVolume } from '../../node/io/write-volume';
import { isDicomSeg } from '../../node/io/dicom-seg';
import { dicomSegToLabels, labelsToDicomSeg, labelsToRtStruct } from './convert-dicom-seg';
import { parseCommandLine, UsageError, type CliOutput, type Command } from '../command';

const USAGE = `Usage: iseg convert <input> <output> [--series UID] [--reference SERIES [--rtstruct]]

Reads <input> (an image file or DICOM folder) and writes it to <output> in the format its name
asks for (.nii.gz, .nii, .nrrd, .mha, .mhd, .gipl, .gipl.gz, .mgh, .mgz), keeping geometry and
voxel type.

DICOM SEG: iseg convert LABELS OUT.dcm --reference SERIES writes the label map as a DICOM SEG
that references the series it was drawn on (a DICOM folder or one of its files; segment names and
colours from LABELS' .labels.json); iseg convert SEG.dcm OUT.nii.gz [--reference SERIES] reads a
SEG back as a label map on the series' grid (without --reference, in the SEG's own extent).
With --rtstruct, LABELS are written instead as a DICOM RTSTRUCT: closed contours of each label
on every slice of SERIES that holds it, one ROI per label.

  --series UID        which series to read when a DICOM folder holds several
  --reference SERIES  the DICOM series a SEG is written for or read onto
  --rtstruct          write OUT.dcm as an RTSTRUCT (contours) instead of a SEG`;

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert an image or DICOM folder to another format',
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('convert', args, {
      series: { type: 'string' },
      reference: { type: 'string' },
      rtstruct: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    const [input, target, ...extra] = positionals;
    if (input === undefined || target === undefined || extra.length > 0) {
      throw new UsageError('iseg convert: give one input and one output path');
    }
    const reference =
      values.reference === undefined ? undefined : { reference: values.reference, seriesUid: values.series };
    const rtstruct = values.rtstruct === true;
    if (rtstruct && !target.toLowerCase().endsWith('.dcm'))
      throw new UsageError('iseg convert: --rtstruct writes a DICOM file: name the output OUT.dcm');
    if (target.toLowerCase().endsWith('.dcm')) {
      const what = rtstruct ? 'an RTSTRUCT' : 'a DICOM SEG';
      if (reference === undefined)
        throw new UsageError(
          `iseg convert: writing ${what} needs --reference SERIES_FOLDER (the series the labels were drawn on)`,
        );
      return output.out(await (rtstruct ? labelsToRtStruct : labelsToDicomSeg)(input, target, reference));
    }
    if (await isDicomSeg(input)) return output.out(await dicomSegToLabels(input, target, reference));
    if (reference !== undefined)
      throw new UsageError(
        'iseg convert: --reference is for DICOM SEG files (writing OUT.dcm or reading SEG.dcm)',
      );
    const started = performance.now();
    const volume = await readVolume(input, { seriesUid: values.series });
    await writeVolume(volume, target);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    output.out(
      `Wrote ${basename(target)} (${volume.geometry.size.join('×')} ${volume.componentType}) from ${basename(input)} (${await sourceFormatName(input)}) in ${seconds} s.`,
    );
  },
};
