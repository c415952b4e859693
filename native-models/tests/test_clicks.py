import unittest

import numpy as np

from _common import NATIVE  # noqa: F401
from isegnet.clicks import RADIUS, click_input, disk_maps, iou, next_click, noc, simulate


class DiskEncoding(unittest.TestCase):
    def test_radius_five_disk(self):
        m = disk_maps([(20, 30, True)], (48, 64))
        self.assertEqual(RADIUS, 5)
        self.assertEqual(m.shape, (2, 48, 64))
        self.assertEqual(m[1].sum(), 0)
        # integer points with dy^2 + dx^2 <= 25: 81
        self.assertEqual(m[0].sum(), 81)
        self.assertEqual(m[0, 20, 35], 1)   # distance 5: inside
        self.assertEqual(m[0, 20, 36], 0)   # distance 6: outside
        self.assertEqual(m[0, 24, 33], 1)   # 16 + 9 = 25: inside
        self.assertEqual(m[0, 24, 34], 0)   # 16 + 16 = 32: outside

    def test_negative_channel_and_previous_mask(self):
        prev = np.full((32, 32), 0.25, np.float32)
        x = click_input([(3, 3, False), (20, 20, True)], prev)
        self.assertEqual(x.shape, (3, 32, 32))
        self.assertEqual(x[1, 3, 3], 1)
        self.assertEqual(x[0, 3, 3], 0)
        self.assertEqual(x[0, 20, 20], 1)
        np.testing.assert_array_equal(x[2], prev)

    def test_disk_clipped_at_border(self):
        m = disk_maps([(0, 0, True)], (20, 20))
        # quarter disk, both axes included: columns x=0..5 hold 6, 5, 5, 5, 4, 1 points
        self.assertEqual(m[0].sum(), 26)


class RitmClicks(unittest.TestCase):
    def setUp(self):
        self.gt = np.zeros((41, 41), bool)
        self.gt[10:31, 10:31] = True  # 21x21 square, centre (20, 20)

    def test_first_click_at_centre_of_square(self):
        self.assertEqual(next_click(np.zeros_like(self.gt), self.gt), (20, 20, True))

    def test_negative_click_on_larger_false_positive(self):
        pred = self.gt.copy()
        pred[0:9, 0:9] = True  # 9x9 false-positive block at the corner, no false negatives
        r, c, pos = next_click(pred, self.gt)
        self.assertFalse(pos)
        self.assertTrue(pred[r, c] and not self.gt[r, c])

    def test_clicked_pixels_are_excluded(self):
        clicked = np.zeros_like(self.gt)
        clicked[20, 20] = True
        r, c, _ = next_click(np.zeros_like(self.gt), self.gt, clicked)
        self.assertNotEqual((r, c), (20, 20))

    def test_perfect_prediction_gives_no_click(self):
        self.assertIsNone(next_click(self.gt.copy(), self.gt))

    def test_noc_and_simulation(self):
        self.assertEqual(noc([0.5, 0.86, 0.9], 0.85), 2)
        self.assertEqual(noc([0.5] * 20, 0.85), 20)
        ious = simulate(lambda img, maps: self.gt.astype(np.float32), None, self.gt, max_clicks=3)
        self.assertEqual(ious, [1.0, 1.0, 1.0])
        self.assertEqual(iou(self.gt, self.gt), 1.0)


if __name__ == "__main__":
    unittest.main()
