import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverModels, findModelsRoot, isVerified, verifyModel, type DiscoveredModel } from './discovery';

const repoModels = fileURLToPath(new URL('../../../native-models', import.meta.url));
const fixture = join(repoModels, 'fixtures', 'click-tiny');
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'iseg-models-'));
  cpSync(fixture, join(root, 'good'), { recursive: true });
  cpSync(fixture, join(root, 'damaged'), { recursive: true });
  const damagedManifest = JSON.parse(readFileSync(join(root, 'damaged', 'manifest.json'), 'utf8')) as { id: string };
  damagedManifest.id = 'damaged-model';
  writeFileSync(join(root, 'damaged', 'manifest.json'), JSON.stringify(damagedManifest));
  const bytes = readFileSync(join(root, 'damaged', 'model.onnx'));
  bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
  writeFileSync(join(root, 'damaged', 'model.onnx'), bytes);
  cpSync(fixture, join(root, 'missing'), { recursive: true });
  const missingManifest = JSON.parse(readFileSync(join(root, 'missing', 'manifest.json'), 'utf8')) as { id: string };
  missingManifest.id = 'missing-model';
  writeFileSync(join(root, 'missing', 'manifest.json'), JSON.stringify(missingManifest));
  rmSync(join(root, 'missing', 'model.onnx'));
  cpSync(fixture, join(root, 'broken-json'), { recursive: true });
  writeFileSync(join(root, 'broken-json', 'manifest.json'), '{ "id": ');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model discovery', () => {
  it('lists every model folder, with a reason for each one that cannot be used', async () => {
    const models = await discoverModels(root);
    const byId = Object.fromEntries(models.map((m) => [m.id, m]));
    expect(Object.keys(byId).sort()).toEqual(['broken-json', 'damaged-model', 'fixture-click-tiny', 'missing-model']);
    expect(byId['broken-json']?.status).toBe('invalid');
    expect(byId['broken-json']?.problem).toMatch(/manifest\.json is not valid JSON/);
    expect(byId['missing-model']?.status).toBe('missing');
    expect(byId['missing-model']?.problem).toMatch(/model file model\.onnx is missing .*classical segmenter/);
    expect(byId['fixture-click-tiny']?.status).toBe('unverified');
  });

  it('verifies sha256 before a model may be loaded', async () => {
    const models = await discoverModels(root);
    const good = await verifyModel(models.find((m) => m.id === 'fixture-click-tiny') ?? (models[0] as DiscoveredModel));
    expect(isVerified(good)).toBe(true);
    expect(isVerified(good) ? good.files.model : '').toMatch(/good[\\/]model\.onnx$/);
    const damaged = await verifyModel(models.find((m) => m.id === 'damaged-model') ?? (models[0] as DiscoveredModel));
    expect(damaged.status).toBe('damaged');
    expect(damaged.problem).toMatch(/is damaged: model\.onnx does not match the sha256 in its manifest \(expected 21ab2c915b1f…/);
  });

  it('finds the repository models (fixtures on request) and the folder itself', async () => {
    const plain = await discoverModels(repoModels);
    expect(plain.some((m) => m.fixture)).toBe(false);
    const withFixtures = await discoverModels(repoModels, { includeFixtures: true });
    expect(withFixtures.find((m) => m.id === 'fixture-click-tiny')?.fixture).toBe(true);
    expect(findModelsRoot([fileURLToPath(new URL('.', import.meta.url))], {})).toBe(repoModels);
    expect(findModelsRoot(['/'], { ISEG_MODELS_DIR: root })).toBe(root);
    expect(await discoverModels(join(root, 'nothing-here'))).toEqual([]);
  });
});
