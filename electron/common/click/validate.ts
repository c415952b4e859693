/** Entry checks for click requests: a bad click is a clear error, never a crash or a silent no-op. */
import { ClickInputError, type Click } from './types';

/** The pixel a click names, after rounding to the nearest pixel centre. */
export function clickPixel(click: Click): { x: number; y: number } {
  return { x: Math.round(click.x), y: Math.round(click.y) };
}

export function checkSliceInput(
  slice: ArrayLike<number>,
  width: number,
  height: number,
  clicks: readonly Click[],
  previousMask?: ArrayLike<number>,
): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ClickInputError(`The slice size ${width}×${height} is not a positive integer size.`);
  }
  if (slice.length !== width * height) {
    throw new ClickInputError(`The slice has ${slice.length} values but ${width}×${height} = ${width * height} were expected.`);
  }
  if (previousMask !== undefined && previousMask.length !== width * height) {
    throw new ClickInputError(`The previous mask has ${previousMask.length} values but the slice has ${width * height}.`);
  }
  if (clicks.length === 0) throw new ClickInputError('At least one click is needed.');
  clicks.forEach((click, n) => {
    if (!Number.isFinite(click.x) || !Number.isFinite(click.y)) {
      throw new ClickInputError(`Click ${n + 1} has a coordinate that is not a finite number.`);
    }
    const { x, y } = clickPixel(click);
    if (x < 0 || y < 0 || x >= width || y >= height) {
      throw new ClickInputError(
        `Click ${n + 1} at (${click.x}, ${click.y}) is outside the ${width}×${height} slice; click inside the image.`,
      );
    }
  });
}
