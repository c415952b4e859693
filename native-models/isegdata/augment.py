"""Geometric and intensity augmentation for 2D slices.

Geometry is one resampling per sample: output pixel -> physical offset (mm) -> rotation, flips,
elastic displacement -> source voxel index (divided by the slice's own spacing, which also
corrects anisotropic slices). Scale is chosen so the object spans a random fraction of the crop,
which is what the app's zoom-in crop does at inference.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def elastic_field(rng, size, amplitude_px, grid=6):
    """Smooth random displacement (dy, dx) in output pixels: a coarse random grid upsampled."""
    coarse = rng.normal(0, 1, (2, grid, grid)).astype(np.float32)
    zoom = (1, size[0] / grid, size[1] / grid)
    field = ndimage.zoom(coarse, zoom, order=3, mode="nearest")[:, : size[0], : size[1]]
    return field * amplitude_px


def sample_grid(rng, out_size, center_idx, spacing, mm_per_px, elastic=True):
    """Source coordinates [2, H, W] (index space of the 2D slice) for one random view."""
    h, w = out_size
    yy, xx = np.meshgrid(np.arange(h, dtype=np.float32) - (h - 1) / 2,
                         np.arange(w, dtype=np.float32) - (w - 1) / 2, indexing="ij")
    if elastic and rng.random() < 0.5:
        d = elastic_field(rng, out_size, amplitude_px=rng.uniform(1.0, 4.0))
        yy, xx = yy + d[0], xx + d[1]
    ang = rng.uniform(-np.pi / 9, np.pi / 9) if rng.random() < 0.7 else 0.0
    if rng.random() < 0.2:
        ang += np.pi / 2 * rng.integers(1, 4)  # slices come in every orientation
    c, s = np.cos(ang), np.sin(ang)
    aniso = rng.uniform(0.9, 1.1)
    fy = (-1 if rng.random() < 0.5 else 1) * mm_per_px * aniso
    fx = (-1 if rng.random() < 0.5 else 1) * mm_per_px / aniso
    oy, ox = yy * fy, xx * fx  # mm
    ry, rx = c * oy - s * ox, s * oy + c * ox
    return np.stack([center_idx[0] + ry / spacing[0], center_idx[1] + rx / spacing[1]])


def warp(arr2d, grid, order):
    return ndimage.map_coordinates(arr2d, grid, order=order, mode="constant", cval=0.0, prefilter=False)


def intensity(img, rng):
    """Contrast scale/shift, gamma, bias field and noise on a [0, 1] image; re-clipped to [0, 1]
    because the app's percentile normalisation always clips."""
    x = img.astype(np.float32)
    if rng.random() < 0.8:
        x = x ** np.float32(np.exp(rng.uniform(np.log(0.6), np.log(1.7))))
    if rng.random() < 0.5:  # smooth multiplicative bias field (MR coil inhomogeneity)
        coarse = rng.uniform(0.75, 1.25, (3, 3)).astype(np.float32)
        x = x * ndimage.zoom(coarse, (x.shape[0] / 3, x.shape[1] / 3), order=1, mode="nearest")[: x.shape[0], : x.shape[1]]
    if rng.random() < 0.8:
        x = x * rng.uniform(0.7, 1.3) + rng.uniform(-0.15, 0.15)
    if rng.random() < 0.6:
        x = x + rng.normal(0, rng.uniform(0.005, 0.06), x.shape).astype(np.float32)
    if rng.random() < 0.2:
        x = ndimage.gaussian_filter(x, rng.uniform(0.3, 1.0))
    return np.clip(x, 0.0, 1.0).astype(np.float32)
