"""SynthSeg-style image generation (isegdata/synth.py) and its use by the click sampler."""
import unittest

import numpy as np
from scipy import ndimage

import _common  # noqa: F401  (puts native-models/ on sys.path)

from isegdata.objects import object_weights, pick_object
from isegdata.samplers import ClickSampler
from isegdata.sources import Volume
from isegdata.synth import (acquisition_noise, bias_field, gmm_image, pick_training_object, split_labels_into_parts, synth_appearance,
                            synth_source, thick_slices, voronoi_parts)


def disc_labels(size=96):
    """Background, a big disc (1), a small square (2) and a thin ring around the disc (3)."""
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - size / 2, xx - size / 2)
    lab = np.zeros((size, size), np.int32)
    lab[r < size / 4] = 1
    lab[(r >= size / 4) & (r < size / 4 + 2)] = 3
    lab[4:14, 4:14] = 2
    return lab


class Appearance(unittest.TestCase):
    def test_each_label_gets_its_own_random_intensity(self):
        lab = disc_labels()
        means = []
        for seed in range(20):
            img = gmm_image(lab, np.random.default_rng(seed))
            means.append([float(img[lab == v].mean()) for v in (1, 2)])
            # within a label the intensity is a narrow Gaussian (std <= 0.12 drawn per sample)
            self.assertLess(float(img[lab == 1].std()), 0.2)
        means = np.asarray(means)
        self.assertGreater(means[:, 0].std(), 0.15)  # means vary from sample to sample
        brighter = means[:, 0] > means[:, 1]
        self.assertTrue(brighter.any() and (~brighter).any())  # and so does their order (contrast)

    def test_background_is_cluttered_or_real_texture(self):
        lab = np.zeros((96, 96), np.int32)
        lab[40:60, 40:60] = 1
        real = np.tile(np.linspace(0, 1, 96, dtype=np.float32), (96, 1))
        stds = [float(gmm_image(lab, np.random.default_rng(s), real)[lab == 0].std()) for s in range(30)]
        # many backgrounds are not one flat class: clutter regions or the remapped real gradient
        self.assertGreater(sum(s > 0.15 for s in stds), 5)

    def test_thick_slices_blur_along_one_axis_only(self):
        img = np.zeros((64, 64), np.float32)
        img[::4, :] = 1.0  # stripes across axis 0
        out = thick_slices(img, np.random.default_rng(0), axis=0, factor=4.0)
        self.assertLess(out.std(axis=0).mean(), 0.5 * img.std(axis=0).mean())  # smoothed along axis 0
        img_t = img.T.copy()  # the same stripes across axis 1 are untouched by blur along axis 0
        out_t = thick_slices(img_t, np.random.default_rng(0), axis=0, factor=4.0)
        np.testing.assert_allclose(out_t.std(axis=1).mean(), img_t.std(axis=1).mean(), rtol=1e-4)

    def test_bias_field_is_smooth_and_positive(self):
        f = bias_field((80, 120), np.random.default_rng(1), 0.3)
        self.assertEqual(f.shape, (80, 120))
        self.assertGreater(float(f.min()), 0.0)
        self.assertLess(float(np.abs(np.diff(f, axis=1)).max()), 0.1)

    def test_appearance_ends_normalised_and_keeps_the_padding_dark(self):
        lab = disc_labels()
        base = 0.3 + 0.7 * gmm_image(lab, np.random.default_rng(0)).clip(0, 1)
        base[:, :20] = 0.0  # outside the slice, as the sampler's warp pads it
        for seed in range(20):
            out = synth_appearance(base, np.random.default_rng(seed))
            self.assertEqual(out.dtype, np.float32)
            self.assertTrue(0.0 <= out.min() and out.max() <= 1.0)
            self.assertLess(float(out[:, :16].mean()), float(out[:, 24:].mean()))

    def test_source_shows_either_brightness_order(self):
        lab = (disc_labels() == 1).astype(np.int32)
        real = np.zeros(lab.shape, np.float32)
        orders = set()
        for seed in range(30):
            img = synth_source(lab, np.random.default_rng(seed), real)
            self.assertTrue(0.0 <= img.min() and img.max() <= 1.0)
            orders.add(bool(img[lab == 1].mean() > img[lab == 0].mean()))
        self.assertEqual(orders, {True, False})

    def test_acquisition_noise_is_correlated_once_a_small_slice_is_upsampled(self):
        flat = np.full((64, 64), 0.5, np.float32)
        self.assertIs(acquisition_noise(flat, np.random.default_rng(0), prob=0.0), flat)
        noisy = acquisition_noise(flat, np.random.default_rng(1), prob=1.0, max_sd=0.1)
        self.assertTrue(0.0 <= noisy.min() and noisy.max() <= 1.0)
        self.assertGreater(float(noisy.std()), 0.005)
        up = ndimage.zoom(noisy, 1.75, order=1) - 0.5  # what the app's crop-resize does to a 128-px slice at 224

        def neighbour_correlation(x):
            x = x - x.mean()
            return float((x[:, 1:] * x[:, :-1]).mean() / (x * x).mean())

        self.assertGreater(neighbour_correlation(up), 0.4)
        self.assertLess(abs(neighbour_correlation(noisy - 0.5)), 0.1)

    def test_synth_source_keeps_the_label_grid(self):
        lab = disc_labels(80)
        img = synth_source(lab, np.random.default_rng(3), real_image=np.zeros((80, 80), np.float32), spacing=(1.0, 3.0))
        self.assertEqual(img.shape, lab.shape)
        self.assertTrue(np.isfinite(img).all())


class Objects(unittest.TestCase):
    def test_voronoi_parts_cover_the_mask(self):
        m = disc_labels() == 1
        parts = voronoi_parts(m, np.random.default_rng(0), 3)
        self.assertEqual(set(np.unique(parts[m])), {1, 2, 3})
        self.assertFalse(parts[~m].any())

    def test_parts_get_new_label_values(self):
        lab = disc_labels()
        out = split_labels_into_parts(lab, np.random.default_rng(0), prob=1.0)
        self.assertGreater(len(np.unique(out[lab == 1])), 1)
        np.testing.assert_array_equal(out[lab == 0], 0)

    def test_thin_and_small_structures_weigh_more(self):
        lab = disc_labels()
        w = object_weights(lab, np.array([1, 2, 3]))
        self.assertEqual(w[0], 1.0)        # the big disc
        self.assertEqual(w[1], 2.0)        # the small square (100 px, 5 px deep)
        self.assertEqual(w[2], 3.0)        # the 2 px ring is thin (and large)
        rng = np.random.default_rng(0)
        counts = {1: 0, 2: 0, 3: 0}
        for _ in range(300):
            m = pick_object(lab, rng, kinds=("label",), prefer_thin=True)
            counts[int(np.bincount(lab[m]).argmax())] += 1
        self.assertGreater(counts[3], 2 * counts[1])

    def test_a_part_is_a_visible_region(self):
        lab = disc_labels()
        rng = np.random.default_rng(0)
        parts_seen = 0
        for _ in range(60):
            mask, gen = pick_training_object(lab, rng, part_prob=1.0)
            if mask is None:
                continue
            values = np.unique(gen[mask])
            if len(np.unique(lab[mask])) == 1 and mask.sum() < (lab == lab[mask][0]).sum():
                parts_seen += 1
                self.assertEqual(len(values), 1)            # the part has one generator value ...
                self.assertFalse((gen[~mask] == values[0]).any())  # ... that nothing else has
        self.assertGreater(parts_seen, 10)


class Sampler(unittest.TestCase):
    def test_synthetic_share_and_refusal(self):
        lab = np.stack([disc_labels(64)] * 6)
        real = np.full(lab.shape, 0.5, np.float32)  # a flat real image: only synthetic ones show the shapes
        v = Volume("synth-test", real, lab, (1.0, 1.0, 1.0), 1.0, "MR", "test")
        flat = ClickSampler([v], size=64, seed=1, synth_prob=0.0).batch(8)[0]
        synth = ClickSampler([v], size=64, seed=1, synth_prob=1.0).batch(8)[0]
        self.assertLess(float(np.mean([x.std() for x in flat])), float(np.mean([x.std() for x in synth])))
        with self.assertRaisesRegex(ValueError, "synth_prob"):
            ClickSampler([v], synth_prob=1.5)


if __name__ == "__main__":
    unittest.main()
