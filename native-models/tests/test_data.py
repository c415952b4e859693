import gzip
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import needs_data
from isegdata.nrrd import read_nrrd
from isegdata.objects import neighbours, pick_object
from isegdata.samplers import ClickSampler, app_validation_slices
from isegdata.sources import (EVAL_ONLY, TRAINING_SOURCES, Volume, assert_training_path, percentile_normalise,
                              to_model_input)


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


def box_volume(two_labels=False):
    """40 x 48 x 64 voxels of (1.0, 1.5, 0.75) mm with a 24^3-voxel box labelled 1 (and a box
    labelled 2 touching it)."""
    lab = np.zeros((40, 48, 64), np.int32)
    lab[8:32, 12:36, 16:40] = 1
    if two_labels:
        lab[8:32, 36:44, 16:40] = 2
    img = np.random.default_rng(0).random(lab.shape).astype(np.float32)
    return Volume("box", img, lab, (1.0, 1.5, 0.75), 1.0, "test", "test")


def padded_fraction(shape, spacing, extents):
    """Share of the slice padded square in mm that an object of extents (rows, cols) covers."""
    side = max(shape[0] * spacing[0], shape[1] * spacing[1])
    return extents[0] * spacing[0] * extents[1] * spacing[1] / side ** 2


class ClickViews(unittest.TestCase):
    def test_first_click_view_shows_the_whole_padded_slice(self):
        v = box_volume()
        # Slices along axis 0, 1, 2: the box covers 12.5%, 18.75%, 16.7% of the padded square.
        want = [padded_fraction([s for a, s in enumerate(v.labels.shape) if a != ax],
                                [s for a, s in enumerate(v.spacing) if a != ax], (24, 24)) for ax in range(3)]
        self.assertEqual(len({round(f, 3) for f in want}), 3)
        sampler = ClickSampler([v], size=96, seed=0, full_view_prob=1.0)
        for _ in range(12):
            s = sampler.draw()
            self.assertTrue(s.full_view)
            frac = s.mask.mean()
            self.assertLess(min(abs(frac - f) for f in want), 0.006, (frac, want))

    def test_view_mix_others_and_determinism(self):
        v = box_volume(two_labels=True)
        a = ClickSampler([v], size=64, seed=3, full_view_prob=0.3).batch(40)
        b = ClickSampler([v], size=64, seed=3, full_view_prob=0.3).batch(40)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        images, masks, others, full = a
        self.assertTrue(4 <= full.sum() <= 20, full.sum())
        self.assertFalse((masks & others).any())
        self.assertTrue(others.any(axis=(1, 2)).sum() > 5)  # the touching label shows up as 'others'
        self.assertTrue((masks.sum(axis=(1, 2)) >= 20).all())
        # Object-centred views make the object a large part of the view; full views show it small.
        self.assertGreater(masks[~full].mean(), masks[full].mean())
        none = ClickSampler([v], size=64, seed=3, full_view_prob=0.0).batch(10)[3]
        self.assertFalse(none.any())

    def test_app_validation_slices_are_whole_held_out_slices(self):
        v = box_volume(two_labels=True)
        val = app_validation_slices([v], n=3, min_area=60)
        self.assertEqual(len(val), 3)
        names = [n for *_, n in val]
        self.assertEqual(len(set(names)), 3)
        for img, mask, sp, name in val:
            k = int(name.split(":")[2])
            self.assertTrue(18 <= k < 22, name)  # the middle 10% of axis-0 slices
            self.assertEqual(img.shape, (48, 64))
            self.assertEqual(sp, (1.5, 0.75))
            label = int(name.split("label")[1])
            np.testing.assert_array_equal(mask, v.labels[k] == label)  # the label's whole region


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

    def test_sequence_views_at_native_pixel_size(self):
        from unittest import mock
        import isegdata.samplers as samplers
        from isegdata.sources import load_sources

        vols = load_sources(TRAINING_SOURCES[:1])
        finest = min(vols[0].spacing)  # CLAIR: 0.729 mm in two axes, so every slice has it in-plane
        scales = []
        real = samplers.sample_grid

        def recording(rng, out_size, center, spacing, mm, elastic=True):
            scales.append((mm, min(spacing)))
            return real(rng, out_size, center, spacing, mm, elastic)

        with mock.patch.object(samplers, "sample_grid", recording):
            for _ in range(6):
                samplers.SequenceSampler(vols, size=64, frames=2, seed=len(scales), native_prob=1.0).sample()
        self.assertTrue(all(0.8 * f <= mm <= 1.25 * f for mm, f in scales), scales)
        scales.clear()
        with mock.patch.object(samplers, "sample_grid", recording):
            for i in range(6):
                samplers.SequenceSampler(vols, size=64, frames=2, seed=i, native_prob=0.0).sample()
        # Object-fitted views of a 64 px crop are far coarser than the native pixels.
        self.assertTrue(any(mm > 1.3 * finest for mm, _ in scales), scales)

    def test_sequences_past_the_object_end(self):
        from isegdata.samplers import SequenceSampler
        from isegdata.sources import load_sources

        vols = load_sources(TRAINING_SOURCES[:1])
        sampler = SequenceSampler(vols, size=64, frames=3, seed=3, past_end_prob=1.0)
        for _ in range(4):
            imgs, ms, _ = sampler.sample()
            self.assertGreaterEqual(ms[0].sum(), 20)  # the object is there on the given frame
            self.assertFalse(ms[-1].any())  # and gone on the last one
        # Without the option, sequences whose last frame is empty stay rare.
        plain = SequenceSampler(vols, size=64, frames=3, seed=3)
        empty_last = sum(not plain.sample()[1][-1].any() for _ in range(12))
        self.assertLess(empty_last, 6)


if __name__ == "__main__":
    unittest.main()
