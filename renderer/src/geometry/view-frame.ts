/**
 * How each anatomical view is laid out on screen, in the LPS world of electron/common/volume.ts.
 *
 * Display convention (as in 3D Slicer and ITK-SNAP, radiological left/right):
 *   axial    — seen from the feet: anterior up, patient's right on the screen's left;
 *   coronal  — seen from the front: superior up, patient's right on the screen's left;
 *   sagittal — seen from the patient's left: superior up, anterior on the screen's left.
 *
 * A view shows the volume's native slices: its normal is the index axis closest to the anatomical
 * normal, and its screen axes are the two other index axes (snapped, so an almost-aligned oblique
 * scan is not shown rotated by a degree or two). The camera's own vectors come from the volume's
 * direction matrix, so flipped or permuted storage (LIA, RAS, sagittal-first DICOM) shows the same
 * anatomy the same way round.
 */
import { indexAxisForView, type Mat3, type Vec3, type ViewAxis } from '../../../electron/common/volume';
import type { IndexAxis } from '../../../electron/common/slice';
import { column, cross, dot, scale } from './vec3';

/** Ideal screen axes in LPS world coordinates (x → patient left, y → posterior, z → superior). */
const SCREEN_RIGHT: Record<ViewAxis, Vec3> = {
  axial: [1, 0, 0],
  coronal: [1, 0, 0],
  sagittal: [0, 1, 0],
};
const SCREEN_UP: Record<ViewAxis, Vec3> = {
  axial: [0, -1, 0],
  coronal: [0, 0, 1],
  sagittal: [0, 0, 1],
};

/**
 * The world direction a view's slice moves in when the user scrolls "forward" (wheel up, arrow up,
 * Page Up): superior for axial, anterior for coronal, towards the patient's left for sagittal.
 */
const FORWARD: Record<ViewAxis, Vec3> = {
  axial: [0, 0, 1],
  coronal: [0, -1, 0],
  sagittal: [1, 0, 0],
};

export interface ViewFrame {
  readonly view: ViewAxis;
  /** Index axis the view slices along. */
  readonly normalAxis: IndexAxis;
  /** Index axis shown left→right, and whether index grows to the right (+1) or left (−1). */
  readonly rightAxis: IndexAxis;
  readonly rightSign: 1 | -1;
  /** Index axis shown bottom→top, and whether index grows upwards (+1) or downwards (−1). */
  readonly upAxis: IndexAxis;
  readonly upSign: 1 | -1;
  /** +1 when "forward" scrolling increases the slice index, −1 when it decreases it. */
  readonly forwardSign: 1 | -1;
  /** Unit world vectors of the camera: screen right, screen up, and the direction of projection. */
  readonly right: Vec3;
  readonly up: Vec3;
  readonly viewDirection: Vec3;
}

function signOf(value: number): 1 | -1 {
  return value < 0 ? -1 : 1;
}

export function viewFrame(direction: Mat3, view: ViewAxis): ViewFrame {
  const normalAxis = indexAxisForView(direction, view);
  const inPlane = ([0, 1, 2] as const).filter((a) => a !== normalAxis) as IndexAxis[];
  const a0 = inPlane[0] ?? 0;
  const a1 = inPlane[1] ?? 1;
  const idealUp = SCREEN_UP[view];
  const idealRight = SCREEN_RIGHT[view];
  // The in-plane axis most parallel to the ideal "up" goes up; ties go to the first axis.
  const upAxis =
    Math.abs(dot(column(direction, a1), idealUp)) > Math.abs(dot(column(direction, a0), idealUp)) ? a1 : a0;
  const rightAxis = upAxis === a0 ? a1 : a0;
  const upSign = signOf(dot(column(direction, upAxis), idealUp));
  const up = scale(column(direction, upAxis), upSign);
  // Look along the native normal, signed to agree with the ideal direction of projection.
  const idealViewDirection = cross(idealUp, idealRight);
  const normal = column(direction, normalAxis);
  const viewDirection = scale(normal, signOf(dot(normal, idealViewDirection)));
  // A right-handed camera: right = direction × up. This is close to the ideal right whatever the
  // handedness of the direction matrix, because the camera lives in world space, not index space.
  const right = cross(viewDirection, up);
  const rightSign = signOf(dot(column(direction, rightAxis), right));
  const forwardSign = signOf(dot(normal, FORWARD[view]));
  return { view, normalAxis, rightAxis, rightSign, upAxis, upSign, forwardSign, right, up, viewDirection };
}

const LPS_LETTERS: readonly (readonly [string, string])[] = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];

/** The anatomical letter (L, R, P, A, S, I) a world direction points most towards. */
export function anatomicalLetter(v: Vec3): string {
  let best = 0;
  for (let r = 1; r < 3; r++) if (Math.abs(v[r] ?? 0) > Math.abs(v[best] ?? 0)) best = r;
  const letters = LPS_LETTERS[best] ?? ['?', '?'];
  return (v[best] ?? 0) >= 0 ? letters[0] : letters[1];
}

export interface EdgeLabels {
  readonly left: string;
  readonly right: string;
  readonly top: string;
  readonly bottom: string;
}

/** Orientation markers for the four edges of a view. */
export function edgeLabels(frame: ViewFrame): EdgeLabels {
  return {
    left: anatomicalLetter(scale(frame.right, -1)),
    right: anatomicalLetter(frame.right),
    top: anatomicalLetter(frame.up),
    bottom: anatomicalLetter(scale(frame.up, -1)),
  };
}
