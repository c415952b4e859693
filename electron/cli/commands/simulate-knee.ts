/** `iseg simulate-knee`: an MR-like knee image made from a real knee label map (a stand-in image). */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ServiceError } from '../../common/errors';
import { colorTableNames, parseColorTable } from '../../common/simulate/color-table';
import { KNEE_SEQUENCES, simulateKneeMr, type KneeSequence } from '../../common/simulate/knee-mr';
import { KNEE_PRESETS, type KneePreset } from '../../common/simulate/tissues';
import { readVolume } from '../../node/io/read-volume';
import { writeVolume } from '../../node/io/write-volume';
import { integerOption, parseCommandLine, UsageError, type CliOutput, type Command } from '../command';

const USAGE = `Usage: iseg simulate-knee --labels <label map> --out <image> [--seed N] [--preset ${KNEE_PRESETS.join('|')}] [--sequence ${KNEE_SEQUENCES.join('|')}] [--color-table FILE]

Simulates an MR-like knee image (tissue intensities, texture, bias field, partial volume, Rician
noise) from a knee label map, in the label map's geometry. The result is SIMULATED, not a scan:
say so wherever it is shown.

  --labels FILE       knee label map (e.g. ../shared/data/knee/oaizib-9092628_label.nii.gz)
  --out FILE          image to write (.nii.gz, .nrrd, ...)
  --seed N            random seed (default 1); one seed always gives the same image
  --preset NAME       how label values map to tissues: ${KNEE_PRESETS.join(', ')} (default oaizib)
  --sequence NAME     which MR contrast the tissue table imitates: ${KNEE_SEQUENCES.join(', ')} (default
                      dess); random draws a sequence per seed and moves each tissue's mean ±20%
  --color-table FILE  3D Slicer colour table naming the labels (e.g. spl-knee-atlas_labels.ctbl)`;

function isSequence(text: string): text is KneeSequence {
  return (KNEE_SEQUENCES as readonly string[]).includes(text);
}

function isPreset(text: string): text is KneePreset {
  return (KNEE_PRESETS as readonly string[]).includes(text);
}

async function readTissueNames(path: string): Promise<Map<number, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ServiceError('not-found', `Cannot open the colour table ${basename(path)}.`);
  }
  try {
    return colorTableNames(parseColorTable(text));
  } catch (error) {
    if (error instanceof ServiceError)
      throw new ServiceError('unreadable', `${basename(path)}: ${error.message}`);
    throw error;
  }
}

export const simulateKneeCommand: Command = {
  name: 'simulate-knee',
  summary: 'simulate an MR-like knee image from a knee label map',
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('simulate-knee', args, {
      labels: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      preset: { type: 'string' },
      sequence: { type: 'string' },
      'color-table': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    if (positionals.length > 0)
      throw new UsageError(`iseg simulate-knee: unexpected argument "${positionals[0] ?? ''}"`);
    if (values.labels === undefined || values.out === undefined)
      throw new UsageError('iseg simulate-knee: --labels and --out are required');
    const seed = integerOption('simulate-knee', 'seed', values.seed, 1);
    const preset = values.preset ?? 'oaizib';
    if (!isPreset(preset))
      throw new UsageError(
        `iseg simulate-knee: --preset must be one of ${KNEE_PRESETS.join(', ')}, not "${preset}"`,
      );
    const sequence = values.sequence ?? 'dess';
    if (!isSequence(sequence))
      throw new UsageError(`iseg simulate-knee: --sequence must be one of ${KNEE_SEQUENCES.join(', ')}, not "${sequence}"`);

    const started = performance.now();
    const labels = await readVolume(values.labels);
    const tissueNames =
      values['color-table'] === undefined ? undefined : await readTissueNames(values['color-table']);
    const image = simulateKneeMr(labels, { seed, preset, sequence, ...(tissueNames ? { tissueNames } : {}) });
    await writeVolume(image, values.out);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    output.out(
      `Wrote ${basename(values.out)}: simulated knee MR (${image.geometry.size.join('×')} ${image.componentType}, preset ${preset}, sequence ${sequence}, seed ${seed}) from ${basename(values.labels)} in ${seconds} s. It is a simulated image, not a scan.`,
    );
  },
};
