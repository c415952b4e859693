"""Pseudo-objects from unlabelled real images: watershed-like regions of the gradient magnitude.

Real scans without labels still teach real appearance (noise, texture, partial volume, the
unlabelled tissue around an object) if their regions serve as objects: connected flat areas
(low smoothed gradient) grown into the rest of the body give regions that end at intensity edges.
Voxels darker than `air` after smoothing (outside the body) are background. The result is a label
volume the ordinary samplers use. Experimental: the regions follow strong edges only, and no run
has measured what they do to the model yet.

Only for unlabelled images: training sources with labels keep their labels, and evaluation-only
files are refused as everywhere (sources.assert_training_path).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage

from .sources import Volume, assert_training_path, percentile_normalise, read_volume

REAL_KNEE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "knee-dess-pykneer01.nii.gz"
REAL_KNEE_LICENCE = "GPL-3.0 (pyKNEEr demo DESS; licence text beside the file)"


def edge_bounded_regions(image01: np.ndarray, spacing, flat_quantile=0.2, smooth_mm=1.5, air=0.15,
                      min_voxels=60) -> np.ndarray:
    """Label volume (int32, 0 = background) of edge-bounded regions of a [0, 1] image.

    A marker-based flood without scipy's watershed_ift (it floods plateaus unevenly and let one
    region cross edges in tests): the markers are the connected components of the flattest
    voxels (gradient magnitude below its `flat_quantile` within the body), and every other body
    voxel joins the nearest marker, so the region borders run along the edges between them."""
    spacing = np.asarray(spacing, np.float64)
    smooth = ndimage.gaussian_filter(image01.astype(np.float32), sigma=tuple(smooth_mm / spacing))
    grad = ndimage.gaussian_gradient_magnitude(image01.astype(np.float32), sigma=tuple(smooth_mm / spacing))
    body = smooth >= air
    if not body.any():
        return np.zeros(image01.shape, np.int32)
    flat = body & (grad <= np.quantile(grad[body], flat_quantile))
    markers, n = ndimage.label(flat)
    sizes = np.bincount(markers.ravel(), minlength=n + 1)
    small = sizes < min_voxels
    small[0] = True
    markers[small[markers]] = 0
    if not markers.any():
        return np.zeros(image01.shape, np.int32)
    _, nearest = ndimage.distance_transform_edt(markers == 0, sampling=spacing, return_indices=True)
    regions = markers[tuple(nearest)]
    regions[~body] = 0
    _, compact = np.unique(regions, return_inverse=True)  # consecutive values from 0
    return compact.reshape(regions.shape).astype(np.int32)


def pseudo_object_volume(path=REAL_KNEE, name="pseudo-real-knee", weight=0.5, licence=REAL_KNEE_LICENCE,
                         flat_quantile=0.2) -> Volume:
    """An unlabelled real image with edge-bounded regions as its label map, as a training Volume."""
    assert_training_path(str(path))
    image, spacing = read_volume(str(path))
    image01 = percentile_normalise(image)
    return Volume(name, image01, edge_bounded_regions(image01, spacing, flat_quantile=flat_quantile), tuple(spacing), weight,
                  "MR (real, unlabelled: edge-bounded pseudo-objects)", licence)
