import { describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, type Mat3 } from '../../../electron/common/volume';
import { edgeLabels, viewFrame } from './view-frame';

/** fs_norm.mgz style: i → left, j → inferior, k → anterior. */
const LIA: Mat3 = [1, 0, 0, 0, 0, -1, 0, -1, 0];
/** NIfTI RAS data converted to LPS: i → right, j → anterior, k → superior. */
const RAS: Mat3 = [-1, 0, 0, 0, -1, 0, 0, 0, 1];
/** A sagittal acquisition: i → posterior, j → inferior, k → left (a proper rotation would be PIR; this one has det −1). */
const PIL: Mat3 = [0, 0, 1, 1, 0, 0, 0, -1, 0];

describe('viewFrame', () => {
  it('lays out an LPS volume in the standard orientation', () => {
    const axial = viewFrame(IDENTITY_DIRECTION, 'axial');
    expect(axial).toMatchObject({
      normalAxis: 2,
      rightAxis: 0,
      rightSign: 1,
      upAxis: 1,
      upSign: -1,
      forwardSign: 1,
    });
    expect(axial.viewDirection).toEqual([0, 0, 1]);
    expect(edgeLabels(axial)).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });

    const coronal = viewFrame(IDENTITY_DIRECTION, 'coronal');
    expect(coronal).toMatchObject({
      normalAxis: 1,
      rightAxis: 0,
      rightSign: 1,
      upAxis: 2,
      upSign: 1,
      forwardSign: -1,
    });
    expect(edgeLabels(coronal)).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });

    const sagittal = viewFrame(IDENTITY_DIRECTION, 'sagittal');
    expect(sagittal).toMatchObject({
      normalAxis: 0,
      rightAxis: 1,
      rightSign: 1,
      upAxis: 2,
      upSign: 1,
      forwardSign: 1,
    });
    expect(edgeLabels(sagittal)).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });

  it('follows the direction matrix of a permuted, flipped volume (LIA)', () => {
    const axial = viewFrame(LIA, 'axial');
    expect(axial).toMatchObject({
      normalAxis: 1,
      rightAxis: 0,
      rightSign: 1,
      upAxis: 2,
      upSign: 1,
      forwardSign: -1,
    });
    expect(edgeLabels(axial)).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    const coronal = viewFrame(LIA, 'coronal');
    expect(coronal).toMatchObject({ normalAxis: 2, rightAxis: 0, upAxis: 1, upSign: -1, forwardSign: 1 });
    expect(edgeLabels(coronal)).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    const sagittal = viewFrame(LIA, 'sagittal');
    expect(sagittal).toMatchObject({ normalAxis: 0, rightAxis: 2, rightSign: -1, upAxis: 1, upSign: -1 });
    expect(edgeLabels(sagittal)).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });

  it('shows the same anatomy the same way round for RAS storage and a left-handed matrix', () => {
    for (const direction of [RAS, PIL]) {
      expect(edgeLabels(viewFrame(direction, 'axial'))).toEqual({
        left: 'R',
        right: 'L',
        top: 'A',
        bottom: 'P',
      });
      expect(edgeLabels(viewFrame(direction, 'coronal'))).toEqual({
        left: 'R',
        right: 'L',
        top: 'S',
        bottom: 'I',
      });
      expect(edgeLabels(viewFrame(direction, 'sagittal'))).toEqual({
        left: 'A',
        right: 'P',
        top: 'S',
        bottom: 'I',
      });
    }
    expect(viewFrame(RAS, 'axial')).toMatchObject({ rightSign: -1, upSign: 1 });
    expect(viewFrame(PIL, 'sagittal')).toMatchObject({
      normalAxis: 2,
      rightAxis: 0,
      rightSign: 1,
      upAxis: 1,
      upSign: -1,
    });
  });

  it('snaps the screen axes of a slightly oblique volume to its index axes', () => {
    const t = (5 * Math.PI) / 180;
    const tilted: Mat3 = [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1];
    const axial = viewFrame(tilted, 'axial');
    expect(axial).toMatchObject({ normalAxis: 2, rightAxis: 0, upAxis: 1, upSign: -1 });
    expect(axial.up[0]).toBeCloseTo(Math.sin(t));
    expect(axial.up[1]).toBeCloseTo(-Math.cos(t));
  });
});
