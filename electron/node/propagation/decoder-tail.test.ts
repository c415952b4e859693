import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OnnxPropagationNetworks } from './onnx-networks';
import { cutDecoderTail } from './decoder-tail';

const root = fileURLToPath(new URL('../../../native-models', import.meta.url));
const shipped = `${root}/stcn-lite-cpu`;
const tiny = `${root}/fixtures/prop-tiny`;

describe('cutting the decoder before its last upsampling', () => {
  it('finds the final Resize of the exported decoders and leaves anything else whole', () => {
    const bytes = new Uint8Array(readFileSync(`${tiny}/decoder.onnx`));
    const cut = cutDecoderTail(bytes, 'logits');
    expect(cut).toMatchObject({ output: '/pred/Conv_output_0', factor: 4 });
    expect(cut?.model.length).toBeLessThan(bytes.length);
    // Not a graph output, not a Resize, not there, not ONNX: the decoder runs whole.
    expect(cutDecoderTail(bytes, '/up_8_4/Resize_output_0')).toBeUndefined();
    expect(cutDecoderTail(bytes, '/pred/Conv_output_0')).toBeUndefined();
    expect(cutDecoderTail(bytes, 'no-such-tensor')).toBeUndefined();
    expect(cutDecoderTail(Uint8Array.from([0x3a, 0xff, 0xff, 0x01]), 'logits')).toBeUndefined();
  });

  it.skipIf(!existsSync(`${shipped}/manifest.json`))('gives the shipped decoder the probabilities its whole graph gives (384², a 380 × 370 slice)', async () => {
    const whole = await OnnxPropagationNetworks.load(shipped, { ep: 'cpu', threads: 1, wholeDecoder: true });
    const cut = await OnnxPropagationNetworks.load(shipped, { ep: 'cpu', threads: 1 });
    try {
      expect(whole.decoderEnd.kind).toBe('whole');
      expect(cut.decoderEnd).toEqual({ kind: 'cut', output: '/pred/Conv_output_0', factor: 4 });
      const size = { width: 384, height: 384 };
      // A bright disk, and as the read-out the disk's own value (what a read-out of it recalls).
      const disk = (i: number): boolean => Math.hypot((i % 384) - 190, Math.floor(i / 384) - 180) < 90;
      const gray = Float32Array.from({ length: 384 * 384 }, (_, i) => (disk(i) ? 1.5 : -1) + 0.2 * Math.sin(i * 0.37));
      const image = new Float32Array(3 * 384 * 384);
      for (let c = 0; c < 3; c++) image.set(gray, c * 384 * 384);
      const features = await cut.encodeKey(image, size);
      const mask = Float32Array.from({ length: 384 * 384 }, (_, i) => (disk(i) ? 1 : 0));
      const read = await cut.encodeValue(image, mask, new Float32Array(384 * 384), features.f16, size);
      const expected = await whole.decodeProbabilities(read, features, size, 380, 370);
      const got = await cut.decodeProbabilities(read, features, size, 380, 370);
      let worst = 0;
      let inside = 0;
      let disagree = 0;
      for (let i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
        if ((expected[i] as number) >= 0.5) inside++;
        if ((expected[i] as number) >= 0.5 !== (got[i] as number) >= 0.5) disagree++;
      }
      expect(inside).toBeGreaterThan(1000);
      expect(inside).toBeLessThan(got.length - 1000);
      expect(worst).toBeLessThan(1e-5);
      expect(disagree).toBe(0);
      const logitsWhole = await whole.decode(read, features, size);
      const logitsCut = await cut.decode(read, features, size);
      expect(logitsCut.length).toBe(384 * 384);
      for (let i = 0; i < logitsCut.length; i += 97) expect(logitsCut[i]).toBeCloseTo(logitsWhole[i] as number, 3);
    } finally {
      await Promise.all([whole.dispose(), cut.dispose()]);
    }
  });
});
