/**
 * The static int8 propagation model (native-models/stcn-lite-cpu-int8, made by
 * native-models/quantize_prop.py): the app loads it (manifest and digests verify), it answers a
 * synthetic slice like the float32 model it was made from, and it is the default propagation model
 * while its digests check out.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OnnxPropagationNetworks, propagationModelDir } from '../electron/node/propagation/onnx-networks';

const root = fileURLToPath(new URL('../native-models', import.meta.url));
const floatDir = `${root}/stcn-lite-cpu`;
const int8Dir = `${root}/stcn-lite-cpu-int8`;

/** A bright disc with a soft edge on a ramp, normalised as the engine does (percentiles → [0,1] → mean/std). */
function slice(size: number, mean: number | readonly number[], std: number | readonly number[]): { image: Float32Array; mask: Float32Array } {
  const image = new Float32Array(3 * size * size);
  const mask = new Float32Array(size * size);
  const at = (v: number | readonly number[], c: number): number => (typeof v === 'number' ? v : (v[c] ?? v[0] ?? 0));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size * 0.45, y - size * 0.55) / (size * 0.2);
      const v = Math.min(1, Math.max(0, 0.2 + 0.2 * (x / size) + 0.6 / (1 + Math.exp(8 * (r - 1))) + 0.03 * Math.sin(x * 0.7 + y * 0.3)));
      for (let c = 0; c < 3; c++) image[c * size * size + y * size + x] = (v - at(mean, c)) / at(std, c);
      mask[y * size + x] = r < 1 ? 1 : 0;
    }
  }
  return { image, mask };
}

describe.skipIf(!existsSync(`${int8Dir}/manifest.json`) || !existsSync(`${floatDir}/manifest.json`))('int8 propagation model', () => {
  it('is the default, ahead of the float32 model it was made from, which takes over when the copy is damaged', async () => {
    expect(await propagationModelDir(root, undefined)).toBe(int8Dir);
    expect(await propagationModelDir(root, 'stcn-lite-cpu')).toBe(floatDir);
    const copy = mkdtempSync(join(tmpdir(), 'iseg-prop-default-'));
    try {
      cpSync(floatDir, join(copy, 'stcn-lite-cpu'), { recursive: true });
      cpSync(int8Dir, join(copy, 'stcn-lite-cpu-int8'), { recursive: true });
      expect(await propagationModelDir(copy, undefined)).toBe(join(copy, 'stcn-lite-cpu-int8'));
      const decoder = join(copy, 'stcn-lite-cpu-int8', 'decoder.onnx');
      const bytes = readFileSync(decoder);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
      writeFileSync(decoder, bytes);
      expect(await propagationModelDir(copy, undefined)).toBe(join(copy, 'stcn-lite-cpu'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('loads, and decodes a slice like the float32 model', async () => {
    const [f, q] = await Promise.all([OnnxPropagationNetworks.load(floatDir, { ep: 'cpu', threads: 1 }), OnnxPropagationNetworks.load(int8Dir, { ep: 'cpu', threads: 1 })]);
    try {
      expect(q.id).toBe('stcn-lite-cpu-int8');
      expect(q.normalization).toEqual(f.normalization);
      const size = { width: 128, height: 128 };
      const { image, mask } = slice(128, f.normalization.mean, f.normalization.std);
      const zeros = new Float32Array(mask.length);
      const answer = async (n: OnnxPropagationNetworks) => {
        const features = await n.encodeKey(image, size);
        const key = features.key.slice();
        // The slice's own value as the read-out: a stand-in with the right scale.
        const value = (await n.encodeValue(image, mask, zeros, features.f16, size)).slice();
        const probability = (await n.decodeProbabilities(value, features, size, 128, 128)).slice();
        return { key, probability };
      };
      const a = await answer(f);
      const b = await answer(q);
      // Keys: relative error of a few 8-bit steps, not a different network.
      let num = 0;
      let den = 0;
      for (let i = 0; i < a.key.length; i++) {
        num += ((a.key[i] ?? 0) - (b.key[i] ?? 0)) ** 2;
        den += (a.key[i] ?? 0) ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(0.1);
      expect(Math.sqrt(num / den)).toBeGreaterThan(0); // it did run the int8 graphs
      // Masks: the same side of the model's threshold almost everywhere.
      let agree = 0;
      for (let i = 0; i < a.probability.length; i++) if ((a.probability[i] ?? 0) >= f.threshold === (b.probability[i] ?? 0) >= q.threshold) agree++;
      expect(agree / a.probability.length).toBeGreaterThan(0.98);
    } finally {
      await Promise.all([f.dispose(), q.dispose()]);
    }
  });
});
