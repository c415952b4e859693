/**
 * Finds the models under native-models/: every `<root>/<id>/manifest.json` (and, for tests, under
 * `<root>/fixtures/<id>/`). A manifest that does not parse, or names a file that is missing or
 * whose sha256 differs, makes that model unavailable with one sentence saying why; nothing here
 * throws for a bad model, so the app always opens images (clicks then use the classical
 * segmenter).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defaultModelOrder, parseModelManifest, type ModelManifest } from '../../common/click/manifest';

export type ModelStatus = 'ok' | 'unverified' | 'invalid' | 'missing' | 'damaged';

export interface DiscoveredModel {
  readonly id: string;
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest?: ModelManifest;
  /** The raw JSON (what the worker re-validates). */
  readonly manifestJson?: unknown;
  readonly status: ModelStatus;
  /** Why the model cannot be used (status invalid, missing or damaged). */
  readonly problem?: string;
  readonly fixture: boolean;
}

export interface VerifiedModel extends DiscoveredModel {
  readonly manifest: ModelManifest;
  readonly status: 'ok';
  /** Absolute paths of the manifest's files by role ("model" for a click model). */
  readonly files: Readonly<Record<string, string>>;
}

export const MODELS_DIR_NAME = 'native-models';

/**
 * The native-models folder: $ISEG_MODELS_DIR if set, else the first `native-models` folder found
 * walking up from each start folder (the built CLI sits in dist/electron/, sources in electron/…).
 */
export function findModelsRoot(starts: readonly string[], env: Record<string, string | undefined> = process.env): string | undefined {
  const fromEnv = env.ISEG_MODELS_DIR;
  if (fromEnv) return resolve(fromEnv);
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, MODELS_DIR_NAME);
      if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

/** Reads and checks `<dir>/manifest.json` (and that its files exist); never throws. */
export async function readModelFolder(dir: string, fallbackId: string, fixture = false): Promise<DiscoveredModel> {
  const manifestPath = join(dir, 'manifest.json');
  const base = { id: fallbackId, dir, manifestPath, fixture };
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    return { ...base, status: 'invalid', problem: `Model "${fallbackId}" cannot be used: its manifest.json ${why}.` };
  }
  const check = parseModelManifest(json);
  if (!check.ok) return { ...base, status: 'invalid', manifestJson: json, problem: `Model "${fallbackId}" cannot be used: ${check.problem}.` };
  const manifest = check.manifest;
  for (const [role, file] of Object.entries(manifest.files)) {
    const path = resolve(dir, file.file);
    if (!path.startsWith(resolve(dir) + sep)) {
      return { ...base, id: manifest.id, manifest, manifestJson: json, status: 'invalid', problem: `Model "${manifest.id}" cannot be used: its ${role} file is outside its folder.` };
    }
    if (!existsSync(path)) {
      return {
        ...base,
        id: manifest.id,
        manifest,
        manifestJson: json,
        status: 'missing',
        problem: `Model "${manifest.id}" cannot be used: its ${role} file ${file.file} is missing from ${dir}. Restore it (or re-run the export in native-models/); until then clicks use the classical segmenter.`,
      };
    }
  }
  return { ...base, id: manifest.id, manifest, manifestJson: json, status: 'unverified' };
}

/** Every model folder under `root` (sorted by id); never throws for a bad model. */
export async function discoverModels(root: string, options: { includeFixtures?: boolean } = {}): Promise<DiscoveredModel[]> {
  const found: DiscoveredModel[] = [];
  const scan = async (folder: string, fixture: boolean): Promise<void> => {
    let entries: string[];
    try {
      entries = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const dir = join(folder, name);
      if (existsSync(join(dir, 'manifest.json'))) found.push(await readModelFolder(dir, name, fixture));
    }
  };
  await scan(root, false);
  if (options.includeFixtures) await scan(join(root, 'fixtures'), true);
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await new Promise<void>((resolvePromise, reject) => {
    const stream = createReadStream(path);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolvePromise());
  });
  return hash.digest('hex');
}

const verified = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** sha256 of a file, cached by (path, size, mtime) so a model is hashed once per change. */
async function cachedSha256(path: string): Promise<string> {
  const s = await stat(path);
  const cached = verified.get(path);
  if (cached && cached.size === s.size && cached.mtimeMs === s.mtimeMs) return cached.sha256;
  const sha256 = await sha256File(path);
  verified.set(path, { size: s.size, mtimeMs: s.mtimeMs, sha256 });
  return sha256;
}

/** Checks every file of a discovered model against its manifest's sha256. */
export async function verifyModel(model: DiscoveredModel): Promise<VerifiedModel | (DiscoveredModel & { status: Exclude<ModelStatus, 'ok' | 'unverified'> })> {
  if (model.status !== 'unverified' && model.status !== 'ok') return model as DiscoveredModel & { status: 'invalid' | 'missing' | 'damaged' };
  const manifest = model.manifest;
  if (!manifest) return { ...model, status: 'invalid', problem: `Model "${model.id}" cannot be used: it has no manifest.` };
  const files: Record<string, string> = {};
  for (const [role, file] of Object.entries(manifest.files)) {
    const path = resolve(model.dir, file.file);
    let actual: string;
    try {
      actual = await cachedSha256(path);
    } catch {
      return { ...model, status: 'missing', problem: `Model "${model.id}" cannot be used: its ${role} file ${file.file} cannot be read.` };
    }
    if (actual.toLowerCase() !== file.sha256.toLowerCase()) {
      return {
        ...model,
        status: 'damaged',
        problem: `Model "${model.id}" is damaged: ${relative(model.dir, path)} does not match the sha256 in its manifest (expected ${file.sha256.slice(0, 12)}…, found ${actual.slice(0, 12)}…). Re-download or re-export it; until then clicks use the classical segmenter.`,
      };
    }
    files[role] = path;
  }
  return { ...model, manifest, status: 'ok', files };
}

export function isVerified(model: DiscoveredModel): model is VerifiedModel {
  return model.status === 'ok' && model.manifest !== undefined && 'files' in model;
}

/**
 * What "default" means for a task: the first of `candidates`, in `defaultModelOrder` (a quantised
 * copy just before its source), whose files match their digests; with why each one tried before it
 * could not be used.
 */
export async function firstVerified(candidates: readonly DiscoveredModel[]): Promise<{ model: VerifiedModel | undefined; problems: string[] }> {
  const problems: string[] = [];
  for (const candidate of defaultModelOrder(candidates)) {
    const verified = await verifyModel(candidate);
    if (isVerified(verified)) return { model: verified, problems };
    if (verified.problem) problems.push(verified.problem);
  }
  return { model: undefined, problems };
}
