/**
 * The three propagation networks as the engine sees them (batch 1, channel-major float32). The
 * ONNX implementation is in onnx-networks.ts; tests use small fakes.
 */
import type { ReadoutKernel, ReadoutWindow } from './readout';

export interface KeyFeatures {
  /** Ck × h × w at stride 16. */
  readonly key: Float32Array;
  /** Skip features at 1/16, 1/8 and 1/4, with their channel counts. */
  readonly f16: Float32Array;
  readonly f8: Float32Array;
  readonly f4: Float32Array;
}

export interface NetworkGeometry {
  /** Padded input size (multiples of `stride`). */
  readonly height: number;
  readonly width: number;
}

/**
 * The three networks. Input arrays are read only until the returned promise settles: the engine
 * reuses their buffers for the next call.
 */
export interface PropagationNetworks {
  readonly keyDim: number;
  readonly valueDim: number;
  /** Feature stride of key, value and read-out (16). */
  readonly stride: number;
  /** Read-out top-k (manifest). */
  readonly topK: number;
  /**
   * The local read-out the weights were trained with (manifest readout.window); absent: the
   * engine's default (DEFAULT_READOUT_WINDOW); null: every memory position.
   */
  readonly readoutWindow?: ReadoutWindow | null;
  /** Probability at or above which a pixel is in the object (manifest threshold). */
  readonly threshold: number;
  readonly normalization: {
    readonly low: number;
    readonly high: number;
    readonly mean: number | readonly number[];
    readonly std: number | readonly number[];
  };
  /** Input channels of the image (3: gray replicated). */
  readonly imageChannels: number;
  /** image: C × H × W, normalised. */
  encodeKey(image: Float32Array, size: NetworkGeometry): Promise<KeyFeatures>;
  /** mask, otherMask: H × W probabilities; f16 from encodeKey of the same image. */
  encodeValue(image: Float32Array, mask: Float32Array, otherMask: Float32Array, f16: Float32Array, size: NetworkGeometry): Promise<Float32Array>;
  /** readout: Cv × h × w → logits H × W. */
  decode(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry): Promise<Float32Array>;
  /** Optional accelerated read-out (ONNX Runtime); the TypeScript reference otherwise. */
  readonly readoutKernel?: ReadoutKernel;
  /**
   * Optional: `decode` and the sigmoid in one call, cropped to the slice's width × height (a new
   * array). The engine prefers it: one network call per decode.
   */
  decodeProbabilities?(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry, width: number, height: number): Promise<Float32Array>;
  /** Model id and digest for provenance. */
  readonly id: string;
  readonly sha256: string;
  dispose?(): Promise<void>;
}
