"""Edge-bounded pseudo-objects from unlabelled images (isegdata/pseudo.py)."""
import unittest

import numpy as np

from _common import NATIVE  # noqa: F401  (puts native-models/ on sys.path)
from isegdata.pseudo import REAL_KNEE, pseudo_object_volume, edge_bounded_regions


def two_tissues():
    """A dark half (0.3) and a bright half (0.8) inside air (0), with mild noise."""
    img = np.zeros((40, 40, 12), np.float32)
    img[4:36, 4:20] = 0.3
    img[4:36, 20:36] = 0.8
    return img + np.random.default_rng(0).normal(0, 0.01, img.shape).astype(np.float32)


class EdgeBoundedRegions(unittest.TestCase):
    def test_regions_end_at_edges_and_skip_air(self):
        img = two_tissues()
        regions = edge_bounded_regions(img, (1.0, 1.0, 1.0), smooth_mm=1.0, min_voxels=10)
        air = img < 0.1
        self.assertLess(float((regions[air] > 0).mean()), 0.2)  # air stays background (bar the smoothed border)
        self.assertFalse(regions[:2].any())  # far from the tissue, none at all
        inside = regions[6:34, 6:34, 2:10]
        self.assertTrue(inside.all())  # the tissues themselves are covered
        for r in np.unique(inside):
            vals = img[(regions == r) & (img > 0.1)]  # tissue voxels only: the air border is neither
            # a region lies on one side of the edge (all dark or all bright), apart from edge voxels
            self.assertGreater(max((vals < 0.55).mean(), (vals >= 0.55).mean()), 0.9)
        self.assertGreaterEqual(len(np.unique(inside)), 2)  # one region per tissue at least

    @unittest.skipUnless(REAL_KNEE.is_file(), "resources/sample/knee-dess-pykneer01.nii.gz missing")
    def test_real_knee_becomes_a_training_volume(self):
        v = pseudo_object_volume()
        self.assertEqual(v.labels.shape, v.image.shape)
        self.assertGreater(len(np.unique(v.labels)), 20)
        self.assertTrue(0.2 < (v.labels > 0).mean() < 0.95)


if __name__ == "__main__":
    unittest.main()
