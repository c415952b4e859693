/** The working labels as the export calls send them: a copy of the voxels (binary) and the segment table. */
import type { LabelEntry } from '../../../electron/common/label-sidecar';
import type { LabelArray } from './paint';
import type { Segment } from './segments';

export interface LabelPayload {
  readonly labelMap: { readonly componentType: 'uint8' | 'uint16'; readonly voxels: ArrayBuffer };
  readonly labels: LabelEntry[];
}

export function labelPayload(labels: LabelArray, segments: readonly Segment[]): LabelPayload {
  return {
    // A copy: the call owns (and may transfer) its buffer while the page keeps editing.
    labelMap: { componentType: labels instanceof Uint16Array ? 'uint16' : 'uint8', voxels: labels.slice().buffer },
    labels: segments.map((s) => ({ value: s.value, name: s.name, color: [s.color[0], s.color[1], s.color[2]] })),
  };
}
