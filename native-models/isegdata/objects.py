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


def object_weights(labels: np.ndarray, values: np.ndarray, thin_px=3.0, small_px=300) -> np.ndarray:
    """Sampling weights per label value: x3 for thin structures (largest inscribed radius
    <= thin_px: cartilage, vessels), x2 for small ones (area <= small_px: nuclei), else 1.
    One distance transform for all labels: distance to the nearest pixel of another label."""
    edge = np.zeros(labels.shape, bool)
    for ax in range(labels.ndim):
        step = np.diff(labels, axis=ax) != 0
        lo = [slice(None)] * labels.ndim
        hi = [slice(None)] * labels.ndim
        lo[ax], hi[ax] = slice(0, -1), slice(1, None)
        edge[tuple(lo)] |= step
        edge[tuple(hi)] |= step
    depth = ndimage.distance_transform_edt(~edge) + 1.0  # 1 on the label's own border pixels
    inscribed = np.asarray(ndimage.maximum(depth, labels, index=values), np.float64)
    area = np.asarray(ndimage.sum_labels(np.ones(labels.shape), labels, index=values), np.float64)
    return np.where(area <= small_px, 2.0, 1.0) * np.where(inscribed <= thin_px, 3.0, 1.0)


def pick_object(labels: np.ndarray, rng: np.random.Generator, kinds=("label", "component", "union"),
                min_area: int = MIN_AREA, prefer_thin: bool = False):
    """Binary mask of one object in a 2D (or small 3D) label array, or None if nothing fits.
    prefer_thin: choose the label with object_weights (thin and small structures oversampled)."""
    vals, counts = np.unique(labels[labels != 0], return_counts=True)
    ok = vals[counts >= min_area]
    if ok.size == 0:
        return None
    if prefer_thin:
        w = object_weights(labels, ok)
        value = int(rng.choice(ok, p=w / w.sum()))
    else:
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
