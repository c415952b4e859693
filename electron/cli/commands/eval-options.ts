/**
 * What the evaluation commands that read an image, its label map and several labels share: their
 * options, the checks on them, and the propagation method they open.
 */
import type { OpenedPropagator } from '../../node/propagation/open-propagator';
import { openPropagator } from '../../node/propagation/open-propagator';
import type { PropagationMethod } from '../../common/propagation/options';
import { integerOption, UsageError } from '../command';

export const EVAL_VOLUME_OPTIONS = {
  image: { type: 'string' },
  labels: { type: 'string' },
  label: { type: 'string', multiple: true },
  axis: { type: 'string' },
  method: { type: 'string' },
  ep: { type: 'string' },
  threads: { type: 'string' },
  models: { type: 'string' },
  json: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface EvalVolumeValues {
  readonly image?: string | undefined;
  readonly labels?: string | undefined;
  readonly label?: string[] | undefined;
  readonly threads?: string | undefined;
}

/** The image, label map and label values, checked: one sentence for what is missing or wrong. */
export function volumeArguments(command: string, values: EvalVolumeValues, positionals: readonly string[]): { image: string; labels: string; labelValues: number[]; threads?: number } {
  if (positionals.length > 0) throw new UsageError(`iseg ${command}: unexpected argument "${positionals[0] ?? ''}"`);
  if (values.image === undefined || values.labels === undefined || values.label === undefined) throw new UsageError(`iseg ${command}: --image, --labels and --label are required`);
  const labelValues = values.label.map((text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UsageError(`iseg ${command}: --label is a label value 1–65535, not "${text}"`);
    return n;
  });
  const threads = values.threads === undefined ? undefined : integerOption(command, 'threads', values.threads, 1);
  if (threads !== undefined && threads < 1) throw new UsageError(`iseg ${command}: --threads is a positive integer`);
  return { image: values.image, labels: values.labels, labelValues, ...(threads === undefined ? {} : { threads }) };
}

/** Opens the propagation method with the command line's model, models folder, provider and threads. */
export function openEvalPropagator(method: PropagationMethod, options: { model?: string | undefined; models?: string | undefined; ep?: string | undefined; threads?: number | undefined }): Promise<OpenedPropagator> {
  return openPropagator(method, {
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.models === undefined ? {} : { modelsDir: options.models }),
    ...(options.ep === undefined ? {} : { ep: options.ep }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
}
