import gzip
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import needs_data
from isegdata.nrrd import read_nrrd
from isegdata.objects import neighbours, pick_object
from isegdata.sources import EVAL_ONLY, TRAINING_SOURCES, assert_training_path, percentile_normalise, to_model_input


class Sources(unittest.TestCase):
    def test_eval_only_files_are_refused(self):
        for p in ("knee/oaizib-9092628_label.nii.gz", "brain/mricrop_t1.gipl.gz", "ct/spleen2_ct.nii.gz",
                  "spine/unf01_t2w.nii.gz"):
            with self.assertRaises(ValueError):
                assert_training_path(p)
        for s in TRAINING_SOURCES:
            self.assertFalse(any(t in s.image or t in s.labels for t in EVAL_ONLY))

    def test_percentile_normalisation(self):
        v = np.arange(1000, dtype=np.float32)
        v[0] = -1e6  # an outlier must not squash the range (the paper code's min/max bug)
        n = percentile_normalise(v)
        self.assertEqual(n.min(), 0.0)
        self.assertEqual(n.max(), 1.0)
        self.assertAlmostEqual(float(n[500]), 0.5, delta=0.01)

    def test_model_input_replicates_gray(self):
        x = to_model_input(np.full((2, 4, 4), 0.485, np.float32))
        self.assertEqual(x.shape, (2, 3, 4, 4))
        self.assertAlmostEqual(float(x[0, 0, 0, 0]), 0.0, places=5)

    def test_nrrd_reader(self):
        arr = np.arange(2 * 3 * 4, dtype=np.int16).reshape(4, 3, 2)  # NRRD order: fastest axis first
        hdr = ("NRRD0004\ntype: short\ndimension: 3\nsizes: 2 3 4\n"
               "space directions: (0.5,0,0) (0,2,0) (0,0,3)\nendian: little\nencoding: gzip\n\n")
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "x.nrrd"
            p.write_bytes(hdr.encode() + gzip.compress(arr.tobytes()))
            got, sp = read_nrrd(p)
        self.assertEqual(got.shape, (2, 3, 4))
        self.assertEqual(sp, (0.5, 2.0, 3.0))
        self.assertEqual(got[1, 2, 3], arr[3, 2, 1])


class Objects(unittest.TestCase):
    def test_kinds(self):
        lab = np.zeros((40, 40), np.int32)
        lab[5:15, 5:15] = 1
        lab[25:35, 25:35] = 1      # second component of label 1
        lab[5:15, 15:25] = 2       # touches label 1
        self.assertEqual(list(neighbours(lab, 1)), [2])
        rng = np.random.default_rng(0)
        sizes = {pick_object(lab, rng).sum() for _ in range(60)}
        self.assertTrue({100, 200, 300} & sizes)  # component, label, union of 1+2 (one component)
        self.assertIsNone(pick_object(np.zeros((10, 10), np.int32), rng))


@needs_data
class Samplers(unittest.TestCase):
    def test_click_and_sequence_samples(self):
        from isegdata.samplers import ClickSampler, SequenceSampler
        from isegdata.sources import load_sources

        vols = load_sources(TRAINING_SOURCES[:1])  # the small CLAIR knee volume is enough here
        img, mask = ClickSampler(vols, size=64, seed=0).sample()
        self.assertEqual(img.shape, (64, 64))
        self.assertTrue(0 <= img.min() and img.max() <= 1)
        self.assertGreater(mask.sum(), 0)
        imgs, ms, os_ = SequenceSampler(vols, size=64, frames=3, seed=0).sample()
        self.assertEqual(imgs.shape, (3, 64, 64))
        self.assertEqual(ms.shape, os_.shape)
        self.assertFalse((ms & os_).any())


if __name__ == "__main__":
    unittest.main()
