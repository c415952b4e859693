/**
 * Deterministic stand-ins for the three networks, for tests of the engine's plumbing (pure).
 *
 * Keys are the block's position (scaled so the read-out picks the same position in each memory
 * frame), values are the block's mask fraction, and the decoder multiplies the read-out by the
 * query block's brightness: an object is followed where the image is bright and ends where it is
 * dark. One feature position per 16 × 16 block.
 */
import type { KeyFeatures, NetworkGeometry, PropagationNetworks } from './networks';

function blockMeans(plane: Float32Array, size: NetworkGeometry, stride: number): Float32Array {
  const h = size.height / stride;
  const w = size.width / stride;
  const out = new Float32Array(h * w);
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      const b = Math.floor(y / stride) * w + Math.floor(x / stride);
      out[b] = (out[b] ?? 0) + (plane[y * size.width + x] as number) / (stride * stride);
    }
  }
  return out;
}

export class FakePropagationNetworks implements PropagationNetworks {
  readonly keyDim = 2;
  readonly valueDim = 1;
  readonly stride = 16;
  readonly topK = 20;
  readonly threshold = 0.5;
  readonly imageChannels = 1;
  readonly normalization = { low: 0, high: 100, mean: 0, std: 1 };
  readonly id = 'fake';
  readonly sha256 = '0'.repeat(64);
  calls = { key: 0, value: 0, decode: 0 };

  encodeKey(image: Float32Array, size: NetworkGeometry): Promise<KeyFeatures> {
    this.calls.key++;
    const h = size.height / this.stride;
    const w = size.width / this.stride;
    const key = new Float32Array(2 * h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        key[y * w + x] = 100 * x;
        key[h * w + y * w + x] = 100 * y;
      }
    }
    const f16 = blockMeans(image, size, this.stride);
    return Promise.resolve({ key, f16, f8: new Float32Array(1), f4: new Float32Array(1) });
  }

  encodeValue(_image: Float32Array, mask: Float32Array, _other: Float32Array, _f16: Float32Array, size: NetworkGeometry): Promise<Float32Array> {
    this.calls.value++;
    return Promise.resolve(blockMeans(mask, size, this.stride));
  }

  decode(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry): Promise<Float32Array> {
    this.calls.decode++;
    const w = size.width / this.stride;
    const logits = new Float32Array(size.width * size.height);
    for (let y = 0; y < size.height; y++) {
      for (let x = 0; x < size.width; x++) {
        const b = Math.floor(y / this.stride) * w + Math.floor(x / this.stride);
        const p = Math.min(1 - 1e-6, Math.max(1e-6, (readout[b] as number) * Math.min(1, features.f16[b] as number)));
        logits[y * size.width + x] = Math.log(p / (1 - p));
      }
    }
    return Promise.resolve(logits);
  }
}
