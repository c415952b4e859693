import unittest

import numpy as np
from scipy import ndimage

from _common import HAVE_TORCH, NATIVE, needs_torch  # noqa: F401
from isegnet.clicks import RADIUS, click_input, disk_maps, iou, next_click, noc, simulate

if HAVE_TORCH:  # train_click imports torch
    from train_click import multi_point_clicks, start_clicks


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


@needs_torch
class TrainingClicks(unittest.TestCase):
    def setUp(self):
        yy, xx = np.mgrid[:96, :96]
        self.mask = (yy - 40) ** 2 + (xx - 44) ** 2 <= 18 ** 2
        self.others = np.zeros_like(self.mask)
        self.others[62:80, 30:60] = True  # a neighbouring structure 4..22 px below the disk
        self.inner = ndimage.distance_transform_edt(self.mask)
        self.out = ndimage.distance_transform_edt(~self.mask)

    def test_multi_point_clicks_land_where_promised(self):
        rng = np.random.default_rng(0)
        counts, on_others, in_ring = [], 0, 0
        for _ in range(200):
            clicks = multi_point_clicks(self.mask, self.others, rng, max_points=12)
            counts.append(len(clicks))
            self.assertTrue(clicks[0][2])
            for r, c, pos in clicks:
                if pos:  # well inside: at least a quarter of the deepest distance from the border
                    self.assertGreaterEqual(self.inner[r, c], 0.25 * self.inner.max())
                else:
                    self.assertFalse(self.mask[r, c])
                    self.assertTrue(self.others[r, c] or 3 < self.out[r, c] <= 30, (r, c))
                    on_others += bool(self.others[r, c])
                    in_ring += not self.others[r, c]
            self.assertLessEqual(sum(p for *_, p in clicks), 6)
        self.assertLessEqual(max(counts), 12)
        self.assertGreaterEqual(max(counts), 9)  # long click lists do occur
        self.assertLess(np.mean(counts), 6)      # but counts decay, as RITM's prob_gamma
        self.assertGreater(on_others, 20)
        self.assertGreater(in_ring, 20)

    def test_first_view_gets_one_or_two_positive_clicks(self):
        rng = np.random.default_rng(1)
        counts = set()
        for _ in range(50):
            clicks = start_clicks(self.mask, self.others, True, rng)
            counts.add(len(clicks))
            self.assertTrue(all(pos and self.mask[r, c] for r, c, pos in clicks))
        self.assertEqual(counts, {1, 2})


if __name__ == "__main__":
    unittest.main()
