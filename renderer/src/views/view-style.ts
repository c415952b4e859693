import type { ViewAxis } from '../../../electron/common/volume';

/** Each view's colour (as in 3D Slicer: axial red, sagittal yellow, coronal green) lives in styles.css. */
export const VIEW_TITLES: Readonly<Record<ViewAxis, string>> = {
  axial: 'Axial',
  sagittal: 'Sagittal',
  coronal: 'Coronal',
};
