/**
 * Opens a click segmenter by id for in-process use (CLI eval-clicks and bench, and the worker's
 * load op): "classical" or "classical-growcut" gives the classical segmenter; any other id is looked
 * up under native-models/, verified (sha256) and loaded into ONNX Runtime. Errors are one sentence.
 */
import { basename } from 'node:path';
import { CLASSICAL_SEGMENTER_ID, type ClickSegmenter } from '../../common/click/types';
import { GrowCutSegmenter } from '../../common/segmenters/growcut';
import { discoverModels, firstVerified, isVerified, readModelFolder, verifyModel, type DiscoveredModel, type VerifiedModel } from './discovery';
import { OnnxClickSegmenter, type OnnxLoadOptions } from './onnx-click-segmenter';

export function isClassicalId(id: string): boolean {
  return id === 'classical' || id === CLASSICAL_SEGMENTER_ID;
}

export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

/** Verifies and loads the click model in `dir`; throws ModelUnavailableError with the reason. */
export async function loadClickModelFromDir(dir: string, options: OnnxLoadOptions = {}): Promise<OnnxClickSegmenter> {
  const found = await readModelFolder(dir, basename(dir));
  const verified = await verifyModel(found);
  if (!isVerified(verified)) throw new ModelUnavailableError(verified.problem ?? `Model "${found.id}" cannot be used.`);
  return loadVerified(verified, options);
}

async function loadVerified(model: VerifiedModel, options: OnnxLoadOptions): Promise<OnnxClickSegmenter> {
  if (model.manifest.task !== 'click-to-mask') {
    throw new ModelUnavailableError(`Model "${model.id}" is a ${model.manifest.task} model, not a click model.`);
  }
  try {
    return await OnnxClickSegmenter.load(model, options);
  } catch (error) {
    throw new ModelUnavailableError(`Model "${model.id}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The click models under `root` (fixtures too when asked), best first: verified ones by id. */
export async function clickModels(root: string, includeFixtures = false): Promise<DiscoveredModel[]> {
  const all = await discoverModels(root, { includeFixtures });
  return all.filter((m) => m.manifest?.task === 'click-to-mask' || m.manifest === undefined);
}

/**
 * Opens `id` ("classical", a model id, or "default": the first click model under `root` that
 * verifies, fixtures excluded, in the app's order: a quantised copy before its source).
 */
export async function openClickSegmenter(
  id: string,
  root: string | undefined,
  options: OnnxLoadOptions & { includeFixtures?: boolean } = {},
): Promise<ClickSegmenter> {
  if (isClassicalId(id)) return new GrowCutSegmenter();
  if (!root) throw new ModelUnavailableError('No native-models folder was found (set ISEG_MODELS_DIR or pass --models).');
  const models = await discoverModels(root, { includeFixtures: true });
  if (id === 'default') {
    // The app's order (a quantised copy before its source), so the CLI measures what ships.
    const { model, problems } = await firstVerified(models.filter((m) => !m.fixture && (!m.manifest || m.manifest.task === 'click-to-mask')));
    if (model) return loadVerified(model, options);
    throw new ModelUnavailableError(problems.length > 0 ? problems.join(' ') : `There is no click model in ${root}.`);
  }
  const model = models.find((m) => m.id === id);
  if (!model) {
    const known = models.filter((m) => m.manifest?.task === 'click-to-mask').map((m) => m.id);
    throw new ModelUnavailableError(`There is no model "${id}" in ${root} (click models: ${known.join(', ') || 'none'}; or "classical").`);
  }
  const verified = await verifyModel(model);
  if (!isVerified(verified)) throw new ModelUnavailableError(verified.problem ?? `Model "${id}" cannot be used.`);
  return loadVerified(verified, options);
}
