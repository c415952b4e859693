"""The app-settings sweep: its dev sets come from the held-out slab and honour their filters, and
each setting reaches the app-protocol run."""
import unittest

import numpy as np

from _common import HAVE_TORCH, needs_torch
from test_data import box_volume

if HAVE_TORCH:  # the sweep imports train_click, which imports torch
    from sweep_app_settings import object_slices, sweep


@needs_torch
class SweepAppSettings(unittest.TestCase):
    def test_object_slices_filter_by_area_label_and_components(self):
        v = box_volume(two_labels=True)  # label 1: 24 x 24 px per axis-0 slice, label 2: 8 x 24
        both = object_slices([v], 10, None, (20, 10**6), None, True)
        self.assertEqual({n.split("label")[1] for *_, n in both}, {"1", "2"})
        for _, mask, spacing, name in both:
            self.assertTrue(18 <= int(name.split(":")[2]) < 22, name)  # the held-out middle 10% of axis 0
            self.assertEqual(spacing, (1.5, 0.75))
        self.assertEqual({n.split("label")[1] for *_, n in object_slices([v], 10, None, (100, 300), None, True)}, {"2"})
        self.assertEqual({n.split("label")[1] for *_, n in object_slices([v], 10, None, (20, 10**6), {"box": (1,)}, True)},
                         {"1"})
        self.assertEqual(object_slices([v], 10, ("other",), (20, 10**6), None, True), [])
        split = box_volume()
        split.labels[:, :, 27:29] = 0  # label 1 in two pieces on every axis-0 slice
        self.assertEqual(object_slices([split], 10, None, (20, 10**6), None, True), [])
        self.assertEqual(len(object_slices([split], 10, None, (20, 10**6), None, False)), 4)

    def test_each_setting_reaches_the_app_protocol(self):
        v = box_volume()  # its image is noise: the less a crop is magnified, the rougher the model's input
        slices = object_slices([v], 1, None, (20, 10**6), None, True)
        roughness = []

        def predict(image, maps):  # 0.6 on the positive clicks' disks, 0.45 elsewhere
            roughness.append(float(np.abs(np.diff(image, axis=1)).mean()))
            return np.where(maps[0] > 0, 0.6, 0.45).astype(np.float32)

        settings = [{"threshold": 0.49, "minCropSize": 8}, {"threshold": 0.49, "minCropSize": 40}, {"threshold": 0.4}]
        rows = sweep(predict, slices, settings, input_size=(64, 64), max_clicks=2)
        self.assertEqual([r[0] for r in rows], settings)
        # Click 2 zooms in on the first click's disk: an 8-pixel minimum crop is magnified more than a 40.
        self.assertLess(roughness[1], roughness[3])
        # 0.45 is background at 0.49 and object at 0.4.
        self.assertNotEqual(rows[0][1]["app_iou@1"], rows[2][1]["app_iou@1"])
        self.assertEqual(set(rows[0][2]), {"box"})

if __name__ == "__main__":
    unittest.main()
