"""SynthSeg-style domain randomisation (Billot et al., 2023) for 2D training slices.

An image is generated from a label slice, with a new appearance per sample, so the click model
learns shapes and boundaries instead of one scanner's contrast:
- every label (and, for parts, every part of a label) gets a random mean and standard deviation
  (a Gaussian mixture conditioned on the labels), any order of brightness, so contrast inversion
  between tissues comes for free; the whole image is also inverted at random;
- unlabelled tissue (label 0) is not flat: it gets random smooth "clutter" regions of their own
  intensities, or the real image's own texture remapped, because real scans are full of structures
  nobody labelled (the embedded knee sample: bright unlabelled tissue around dark bones);
- partial-volume texture (the noise of each class is smoothed a little), anisotropic slice
  thickness (blur along one axis and resampling at a coarser spacing along it), blur, a smooth
  multiplicative bias field, gamma and Rician-like noise; the result is percentile-normalised the
  way the app normalises a volume.
Geometry (affine, elastic, flips) stays in isegdata.augment and is applied by the sampler after the
image is generated, to image and labels alike.

Objects: `pick_training_object` extends objects.pick_object with parts of a label (a Voronoi cut
of it; in a synthetic image the parts get their own intensities, so a part is a visible region)
and oversamples thin and small structures (cartilage, vessels, nuclei).
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from .objects import MIN_AREA, pick_object
from .sources import PCT_HIGH, PCT_LOW


def _smooth_noise(rng, shape, sigma):
    return ndimage.gaussian_filter(rng.standard_normal(shape).astype(np.float32), sigma)


def voronoi_parts(mask: np.ndarray, rng: np.random.Generator, parts: int) -> np.ndarray:
    """Splits a mask into up to `parts` regions (nearest of random seeds inside it); int array,
    0 outside the mask, 1..parts inside."""
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return np.zeros(mask.shape, np.int32)
    pick = rng.choice(ys.size, size=min(parts, ys.size), replace=False)
    seeds = np.stack([ys[pick], xs[pick]], 1).astype(np.float32)
    d = (ys[:, None] - seeds[None, :, 0]) ** 2 + (xs[:, None] - seeds[None, :, 1]) ** 2
    out = np.zeros(mask.shape, np.int32)
    out[ys, xs] = np.argmin(d, 1) + 1
    return out


def split_labels_into_parts(labels: np.ndarray, rng: np.random.Generator, prob=0.3, max_parts=4) -> np.ndarray:
    """Gives some labels sub-labels (new values above the current maximum) so that parts of a label
    are generated with different intensities, as real tissues often are."""
    out = labels.astype(np.int32).copy()
    next_value = int(out.max()) + 1
    for v in np.unique(labels[labels != 0]):
        if rng.random() >= prob:
            continue
        m = labels == v
        if m.sum() < 4 * MIN_AREA:
            continue
        parts = voronoi_parts(m, rng, int(rng.integers(2, max_parts + 1)))
        for p in range(2, int(parts.max()) + 1):
            out[parts == p] = next_value
            next_value += 1
    return out


def background_clutter(shape, rng: np.random.Generator, levels=(2, 6)) -> np.ndarray:
    """Random smooth regions (a smoothed noise field cut into k levels): int array 0..k-1."""
    k = int(rng.integers(*levels))
    field = _smooth_noise(rng, shape, rng.uniform(3.0, 12.0))
    cuts = np.quantile(field, np.sort(rng.uniform(0.05, 0.95, k - 1)))
    return np.digitize(field, cuts).astype(np.int32)


def gmm_image(labels: np.ndarray, rng: np.random.Generator, real_image: np.ndarray | None = None) -> np.ndarray:
    """Intensities drawn per label: mean ~ U(0, 1), std ~ U(0, 0.12), the noise slightly smoothed.
    Label 0 gets clutter regions, the real image's texture remapped, or one flat class."""
    shape = labels.shape
    noise = _smooth_noise(rng, shape, rng.uniform(0.0, 1.0)) if rng.random() < 0.5 else rng.standard_normal(shape).astype(np.float32)
    noise /= max(float(noise.std()), 1e-6)
    _, index = np.unique(labels, return_inverse=True)
    index = index.reshape(shape)
    means = rng.uniform(0.0, 1.0, int(index.max()) + 1).astype(np.float32)
    stds = rng.uniform(0.0, 0.12, int(index.max()) + 1).astype(np.float32)
    img = means[index] + stds[index] * noise
    bg = labels == 0
    if bg.any():
        r = rng.random()
        if r < 0.5:
            clutter = background_clutter(shape, rng)
            means = rng.uniform(0.0, 1.0, int(clutter.max()) + 1).astype(np.float32)
            img[bg] = means[clutter[bg]] + rng.uniform(0.0, 0.12) * noise[bg]
        elif r < 0.8 and real_image is not None:
            real = real_image.astype(np.float32)
            if rng.random() < 0.5:
                real = 1.0 - real
            real = real ** np.float32(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
            img[bg] = rng.uniform(-0.3, 0.3) + rng.uniform(0.5, 1.5) * real[bg]
    return img


def thick_slices(img: np.ndarray, rng: np.random.Generator, axis: int, factor: float) -> np.ndarray:
    """Simulates slices `factor` times thicker along `axis`: blur with the slice profile, sample at
    the coarse spacing, interpolate back linearly (the partial-volume look of a reformatted scan)."""
    sigma = [0.0, 0.0]
    sigma[axis] = 0.4 * factor  # a Gaussian of FWHM about the slice thickness
    blurred = ndimage.gaussian_filter(img, sigma)
    n = img.shape[axis]
    coarse_pos = np.arange(rng.uniform(0, factor), n, factor)
    if coarse_pos.size < 2:
        return blurred
    coarse = np.take(blurred, np.round(coarse_pos).astype(int).clip(0, n - 1), axis=axis)
    fine = np.interp(np.arange(n), coarse_pos, np.arange(coarse_pos.size))
    lo = np.floor(fine).astype(int).clip(0, coarse_pos.size - 1)
    hi = (lo + 1).clip(0, coarse_pos.size - 1)
    t = (fine - lo).astype(np.float32)
    shape = [1, 1]
    shape[axis] = n
    t = t.reshape(shape)
    return np.take(coarse, lo, axis=axis) * (1 - t) + np.take(coarse, hi, axis=axis) * t


def bias_field(shape, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Smooth multiplicative field exp(N(0, strength)) on a coarse grid, upsampled."""
    g = int(rng.integers(2, 6))
    coarse = rng.normal(0.0, strength, (g, g)).astype(np.float32)
    field = ndimage.zoom(coarse, (shape[0] / g, shape[1] / g), order=3, mode="nearest")
    field = np.pad(field, [(0, max(0, shape[0] - field.shape[0])), (0, max(0, shape[1] - field.shape[1]))], mode="edge")
    return np.exp(field[: shape[0], : shape[1]])


def normalise(img: np.ndarray) -> np.ndarray:
    lo, hi = np.percentile(img, [PCT_LOW, PCT_HIGH])
    return np.clip((img - lo) / max(float(hi - lo), 1e-6), 0.0, 1.0).astype(np.float32)


def synth_source(labels: np.ndarray, rng: np.random.Generator, real_image: np.ndarray | None = None,
                 spacing=(1.0, 1.0)) -> np.ndarray:
    """A synthetic [0, 1] image for a 2D label slice at its own pixel grid (before geometry):
    parts, GMM intensities, background, thick slices along one axis (30 %), inversion (25 %;
    here, not after geometry, so the padding outside the slice stays dark as the app pads it)."""
    lab = split_labels_into_parts(labels, rng)
    img = gmm_image(lab, rng, real_image)
    if rng.random() < 0.3:
        axis = int(rng.integers(2))
        factor = rng.uniform(2.0, 6.0) * min(spacing) / spacing[axis]  # thicker than it already is
        if factor > 1.5:
            img = thick_slices(img, rng, axis, factor)
    img = normalise(img)
    return 1.0 - img if rng.random() < 0.25 else img


def acquisition_noise(img: np.ndarray, rng: np.random.Generator, prob: float = 0.5, max_sd: float = 0.12) -> np.ndarray:
    """Noise on the slice's own pixel grid, before any resampling (issue 18). Noise lives on the
    acquisition grid: the app resamples a slice to the model's input, which turns a small noisy
    slice's grains into blobs a few input pixels wide (the embedded 128-pixel sample: the model took
    them for structure) and averages a large slice's noise away. Noise added after the geometry
    (synth_appearance, augment.intensity) is always white at the input grid and never shows that.
    Rician (MR magnitude) or Gaussian, sd up to `max_sd` of the [0, 1] range; re-clipped."""
    if rng.random() >= prob:
        return img
    x = img.astype(np.float32)
    sd = rng.uniform(0.01, max_sd)
    if rng.random() < 0.5:
        x = np.hypot(x + rng.normal(0, sd, x.shape), rng.normal(0, sd, x.shape)).astype(np.float32)
    else:
        x = x + rng.normal(0, sd, x.shape).astype(np.float32)
    return np.clip(x, 0.0, 1.0).astype(np.float32)


def synth_appearance(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """After geometry: bias field, blur, noise, gamma; percentile-normalised to [0, 1]."""
    x = np.maximum(img.astype(np.float32), 0.0)  # synth_source gives [0, 1]; the padding is 0
    if rng.random() < 0.7:
        x = x * bias_field(x.shape, rng, rng.uniform(0.05, 0.35))
    if rng.random() < 0.5:
        x = ndimage.gaussian_filter(x, rng.uniform(0.3, 1.5))
    if rng.random() < 0.8:
        sd = rng.uniform(0.0, 0.08) * float(np.percentile(x, 99) + 1e-6)
        if rng.random() < 0.5:  # Rician: magnitude of complex noise (MR), otherwise Gaussian
            x = np.hypot(x + rng.normal(0, sd, x.shape), rng.normal(0, sd, x.shape)).astype(np.float32)
        else:
            x = x + rng.normal(0, sd, x.shape).astype(np.float32)
    x = normalise(x)
    x = x ** np.float32(np.exp(rng.normal(0.0, 0.3)))
    return np.clip(x, 0.0, 1.0).astype(np.float32)


def pick_training_object(labels: np.ndarray, rng: np.random.Generator, part_prob=0.15, min_area: int = MIN_AREA):
    """A class-agnostic object for a synthetic sample: a label, a component or a union with
    neighbours (objects.pick_object, thin and small structures oversampled), or with `part_prob` a
    part of a label (a Voronoi cut). Returns (mask or None, labels to generate the image from):
    for a part, the other parts of its label get new values so the part is a visible region."""
    mask = pick_object(labels, rng, min_area=min_area, prefer_thin=True)
    if mask is None or rng.random() >= part_prob or mask.sum() < 4 * min_area:
        return mask, labels
    parts = voronoi_parts(mask, rng, int(rng.integers(2, 4)))
    keep = int(rng.integers(1, int(parts.max()) + 1))
    part = parts == keep
    if part.sum() < min_area:
        return mask, labels
    relabelled = labels.astype(np.int32).copy()
    relabelled[mask] = int(relabelled.max()) + 1 + parts[mask]  # every part its own new value
    return part, relabelled
