"""Class-agnostic objects from label maps: a label, one connected component of a label, or the
union of a label with labels that touch it. The click model must segment "whatever the user
means", so it is trained on all three kinds rather than on fixed classes."""
from __future__ import annotations

import numpy as np
from scipy import ndimage

MIN_AREA = 24  # pixels in the source slice; smaller objects are noise for a 5 px click disk


def neighbours(labels: np.ndarray, value: int) -> np.ndarray:
    """Label values adjacent (4/6-connected) to `value`, excluding background and itself."""
    ring = ndimage.binary_dilation(labels == value) & (labels != value)
    vals = np.unique(labels[ring])
    return vals[vals != 0]


def pick_object(labels: np.ndarray, rng: np.random.Generator, kinds=("label", "component", "union"),
                min_area: int = MIN_AREA):
    """Binary mask of one object in a 2D (or small 3D) label array, or None if nothing fits."""
    vals, counts = np.unique(labels[labels != 0], return_counts=True)
    ok = vals[counts >= min_area]
    if ok.size == 0:
        return None
    value = int(rng.choice(ok))
    mask = labels == value
    kind = kinds[rng.integers(len(kinds))]
    if kind == "component":
        comp, n = ndimage.label(mask)
        if n > 1:
            sizes = ndimage.sum_labels(mask, comp, index=np.arange(1, n + 1))
            big = np.flatnonzero(sizes >= min_area) + 1
            if big.size:
                mask = comp == int(rng.choice(big))
    elif kind == "union":
        nb = neighbours(labels, value)
        if nb.size:
            extra = rng.choice(nb, size=min(nb.size, int(rng.integers(1, 3))), replace=False)
            mask = mask | np.isin(labels, extra)
    return mask if mask.sum() >= min_area else None
