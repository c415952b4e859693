/** Labels for DICOM SEG tests and benchmarks on the shared knee series (512×512×80): three shapes on its grid. */
import type { Vec3 } from '../../../common/volume';

/** Value 1 a box (slices 10–29), 2 a ball (around slice 45), 3 a box that touches the ball (slices 40–61). */
export function segShapes(size: Vec3): Uint8Array {
  const [nx, ny, nz] = size;
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const n = i + nx * (j + ny * k);
        if (k >= 10 && k < 30 && j >= 100 && j < 220 && i >= 60 && i < 200) labels[n] = 1;
        else if ((i - 300) ** 2 + (j - 260) ** 2 + ((k - 45) * 4.8) ** 2 < 60 ** 2) labels[n] = 2;
        else if (k >= 40 && k < 62 && j >= 320 && j < 420 && i >= 250 && i < 330) labels[n] = 3;
      }
  return labels;
}
