/**
 * A prompt on one slice: clicks, an optional box, and scribbles (positive or negative strokes).
 * Every engine takes clicks and an optional box (PredictOptions.box), so the other prompts are
 * turned into those here, once, for the model and the classical segmenter alike:
 *   - a scribble becomes clicks spaced along its stroke, whose disks draw the stroke into the
 *     click maps (the model) or seed it (GrowCut);
 *   - a box adds a positive click at its centre when no positive click lies inside it, and the
 *     engine zooms in on the box (the model) or seeds its outline as background (GrowCut).
 * The box-centre click is the engine's hint, not the user's: the guarantee (honour.ts) keeps
 * the user's clicks and scribbles, never that hint (the centre of a crescent is not in it).
 */
import { ClickInputError, type Box, type Click } from './types';
import { clickPixel } from './validate';

export interface ScribblePoint {
  readonly x: number;
  readonly y: number;
}

export interface Scribble {
  /** The stroke, in slice pixels, in drawing order. */
  readonly points: readonly ScribblePoint[];
  readonly positive: boolean;
}

export interface Prompt {
  readonly clicks: readonly Click[];
  readonly box?: Box;
  readonly scribbles?: readonly Scribble[];
}

/** Pixels between two clicks along a scribble: close enough that the disks (radius ≥ 2) overlap. */
export const SCRIBBLE_STEP = 2;
/** Clicks one request may become (a stroke across a 1024-pixel slice needs about 700). */
export const MAX_PROMPT_CLICKS = 4096;

/** Clicks every `step` pixels along the stroke, its ends included; repeats of a pixel are dropped. */
export function scribbleClicks(scribble: Scribble, step = SCRIBBLE_STEP): Click[] {
  const out: Click[] = [];
  const push = (x: number, y: number): void => {
    const rx = Math.round(x);
    const ry = Math.round(y);
    const last = out[out.length - 1];
    if (last === undefined || last.x !== rx || last.y !== ry) out.push({ x: rx, y: ry, positive: scribble.positive });
  };
  const points = scribble.points;
  const first = points[0];
  if (first === undefined) return out;
  push(first.x, first.y);
  for (let n = 1; n < points.length; n++) {
    const a = points[n - 1] ?? first;
    const b = points[n] ?? a;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    const parts = Math.max(1, Math.ceil(length / step));
    for (let t = 1; t <= parts; t++) push(a.x + ((b.x - a.x) * t) / parts, a.y + ((b.y - a.y) * t) / parts);
  }
  return out;
}

export function boxContains(box: Box, x: number, y: number): boolean {
  return x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1;
}

export interface EngineClicks {
  /** What the engine gets: the box-centre hint (if any) first, so the user's clicks win over it. */
  readonly engine: Click[];
  /** What the user made (clicks, then scribble points): the clicks the guarantee honours. */
  readonly user: Click[];
}

/** The clicks of a prompt, for the engine and for the guarantee (see the file comment). */
export function promptClicks(prompt: Prompt): EngineClicks {
  const user: Click[] = [...prompt.clicks];
  for (const scribble of prompt.scribbles ?? []) user.push(...scribbleClicks(scribble));
  const box = prompt.box;
  const hinted =
    box !== undefined && !user.some((c) => c.positive && boxContains(box, Math.round(c.x), Math.round(c.y)))
      ? [{ x: Math.round((box.x0 + box.x1) / 2), y: Math.round((box.y0 + box.y1) / 2), positive: true }]
      : [];
  return { engine: [...hinted, ...user], user };
}

/**
 * Checks what the click checks (validate.ts) do not: a box inside the slice and not inverted, and
 * a prompt small enough to answer in bounded time. Throws ClickInputError with one sentence.
 */
export function checkPrompt(prompt: Prompt, width: number, height: number): void {
  prompt.clicks.forEach((click, n) => {
    const { x, y } = clickPixel(click);
    if (!(x >= 0 && y >= 0 && x < width && y < height)) {
      throw new ClickInputError(`Click ${n + 1} at (${click.x}, ${click.y}) is outside the ${width}×${height} slice; click inside the image.`);
    }
  });
  const box = prompt.box;
  if (box !== undefined) {
    const values = [box.x0, box.y0, box.x1, box.y1];
    if (!values.every(Number.isFinite)) throw new ClickInputError('The box has a corner that is not a finite number.');
    if (box.x0 > box.x1 || box.y0 > box.y1) throw new ClickInputError(`The box (${box.x0}, ${box.y0})–(${box.x1}, ${box.y1}) is inverted: x0 ≤ x1 and y0 ≤ y1 are needed.`);
    const a = clickPixel({ x: box.x0, y: box.y0, positive: true });
    const b = clickPixel({ x: box.x1, y: box.y1, positive: true });
    if (a.x < 0 || a.y < 0 || b.x >= width || b.y >= height) {
      throw new ClickInputError(`The box (${box.x0}, ${box.y0})–(${box.x1}, ${box.y1}) reaches outside the ${width}×${height} slice; draw it inside the image.`);
    }
  }
  for (const [n, scribble] of (prompt.scribbles ?? []).entries()) {
    if (scribble.points.length === 0) throw new ClickInputError(`Scribble ${n + 1} has no points.`);
    if (!scribble.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))) {
      throw new ClickInputError(`Scribble ${n + 1} has a point that is not a finite number.`);
    }
    const outside = scribble.points.find((p) => {
      const { x, y } = clickPixel({ x: p.x, y: p.y, positive: true });
      return x < 0 || y < 0 || x >= width || y >= height;
    });
    if (outside !== undefined) {
      throw new ClickInputError(`Scribble ${n + 1} leaves the ${width}×${height} slice at (${outside.x}, ${outside.y}); draw inside the image.`);
    }
  }
  const clicks = promptClicks(prompt).engine.length;
  if (clicks === 0) throw new ClickInputError('A prompt needs a click, a box or a scribble.');
  if (clicks > MAX_PROMPT_CLICKS) {
    throw new ClickInputError(`The prompt's strokes are too long (${clicks} points; at most ${MAX_PROMPT_CLICKS}); draw shorter scribbles.`);
  }
}
