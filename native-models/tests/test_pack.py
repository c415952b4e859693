"""The training-data pack: what goes in comes back (to the 8-bit step), evaluation data never goes in."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import NATIVE  # noqa: F401  (puts native-models/ on sys.path)
from isegdata.pack import load_pack, save_pack, training_volumes
from isegdata.sources import Volume
from test_data import box_volume


class PackTest(unittest.TestCase):
    def test_round_trip_keeps_labels_geometry_and_order(self):
        box = box_volume(two_labels=True)
        wide = Volume("wide-labels", np.linspace(0, 1, 2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4),
                      np.arange(24, dtype=np.int32).reshape(2, 3, 4) * 1000, (0.5, 0.5, 2.0), 0.25, "MR", "CC0")
        with tempfile.TemporaryDirectory() as d:
            path = save_pack([box, wide], Path(d) / "pack.bin")
            self.assertTrue(path.exists())  # the name is kept: no ".npz" appended
            back = load_pack(path)
            self.assertEqual([v.name for v in back], ["box", "wide-labels"])
            for before, after in zip([box, wide], back):
                np.testing.assert_array_equal(after.labels, before.labels)
                self.assertEqual(after.labels.dtype, np.int32)
                self.assertEqual(after.image.dtype, np.float32)
                self.assertLessEqual(float(np.abs(after.image - before.image).max()), 0.5 / 255 + 1e-7)
                self.assertEqual((after.spacing, after.weight, after.modality, after.licence),
                                 (before.spacing, before.weight, before.modality, before.licence))
            self.assertEqual([v.name for v in training_volumes(path)], ["box", "wide-labels"])

    def test_evaluation_volumes_and_bad_inputs_are_refused(self):
        box = box_volume()
        with tempfile.TemporaryDirectory() as d:
            leak = Volume("spleen2_ct", box.image, box.labels, box.spacing, 1.0, "CT", "x")
            with self.assertRaises(ValueError):
                save_pack([leak], Path(d) / "p.npz")
            bad = Volume("bad", box.image[:-1], box.labels, box.spacing, 1.0, "MR", "x")
            with self.assertRaises(ValueError):
                save_pack([bad], Path(d) / "p.npz")
            negative = Volume("neg", box.image, box.labels - 1, box.spacing, 1.0, "MR", "x")
            with self.assertRaises(ValueError):
                save_pack([negative], Path(d) / "p.npz")
            other = Path(d) / "other.npz"
            np.savez(other, a=np.zeros(3))
            with self.assertRaisesRegex(ValueError, "not a training pack"):
                load_pack(other)


if __name__ == "__main__":
    unittest.main()
