/**
 * The click engine's interface, shared by the app (through the inference worker) and the CLI's
 * evaluation and benchmark (in-process), so both run the same code.
 *
 * Slice layout: a 2D slice is `width × height` float32 values, row-major with x fastest. A click
 * names a pixel of that slice: x is the column (0 … width−1), y the row (0 … height−1).
 * See slice.ts for how a slice of a volume maps to index space.
 */

export interface Click {
  /** Column, in slice pixels (rounded to the nearest pixel). */
  readonly x: number;
  /** Row, in slice pixels (rounded to the nearest pixel). */
  readonly y: number;
  readonly positive: boolean;
}

/** A box prompt: inclusive slice-pixel bounds (x0 ≤ x1, y0 ≤ y1), in the slice convention above. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface PredictOptions {
  /**
   * A box around the object: the model sees a crop of it (zoom-in on the box), the classical
   * segmenter takes its outline as background seeds. See click/prompt.ts for the whole prompt.
   */
  readonly box?: Box;
  /**
   * Intensities mapped to 0 and 1 before the model's mean/std (the 0.5th and 99.5th percentiles
   * of the whole volume, as in training). When absent, the slice's own percentiles are used.
   */
  readonly intensityRange?: readonly [number, number];
  /** Millimetres per pixel along x and y; the zoom-in crop is square in millimetres. */
  readonly pixelSpacing?: readonly [number, number];
}

/**
 * Turns a slice and the clicks on it into a foreground probability per slice pixel.
 * `previousMask` is the current mask of the object on this slice: a Uint8Array is binary
 * (non-zero = inside), a Float32Array a probability in [0, 1]. Clicks outside the slice are
 * rejected with a `ClickInputError`.
 *
 * Locked segments are the caller's business: a segmenter always returns the full mask, and the
 * workspace that writes it into the label map leaves voxels of locked labels untouched.
 */
export interface ClickSegmenter {
  /** The model id of its manifest, or "classical-growcut". */
  readonly id: string;
  readonly kind: 'onnx' | 'classical';
  /** Probabilities above this value are foreground (0.49 for every model here). */
  readonly threshold: number;
  predict(
    slice: Float32Array,
    width: number,
    height: number,
    clicks: readonly Click[],
    previousMask?: Uint8Array | Float32Array,
    options?: PredictOptions,
  ): Promise<Float32Array>;
  dispose?(): Promise<void>;
}

/** A bad request to a click segmenter (click outside the slice, wrong buffer size, …). */
export class ClickInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClickInputError';
  }
}

export const CLASSICAL_SEGMENTER_ID = 'classical-growcut';
export const DEFAULT_THRESHOLD = 0.49;
export const DEFAULT_CLICK_RADIUS = 5;
