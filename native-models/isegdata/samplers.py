"""Random training samples: single slices with one object (click model) and short slice
sequences with one object tracked through them (propagation model).

Slices come from all three orientations of every training volume. For a validation monitor,
the middle 10% of axis-0 slices of every volume are never drawn along axis 0 (they still occur
inside axis-1/2 slices, so the monitor is optimistic; the real evaluation uses the
evaluation-only files through the app's eval commands).

Click views come in the two kinds the app shows the model (electron/common/click/roi.ts): the
first click is answered on the whole slice padded to a square in millimetres ("full view"), later
clicks on a zoom-in crop around the object (object-centred views at a random scale).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from isegnet.app_protocol import crop_resize, full_slice_roi

from .augment import intensity, sample_grid, warp
from .objects import pick_object
from .synth import acquisition_noise, pick_training_object, synth_appearance, synth_source

VAL_SLAB = (0.45, 0.55)


def _slab(n):
    return int(n * VAL_SLAB[0]), int(n * VAL_SLAB[1])


def _slice(vol3d, axis, idx):
    return np.take(vol3d, idx, axis=axis)


def _labelled_indices(labels, axis):
    other = tuple(a for a in range(3) if a != axis)
    return np.flatnonzero(labels.any(axis=other))


class SliceIndex:
    """Per volume and axis: slice indices that contain labels (training vs validation)."""

    def __init__(self, volumes):
        self.volumes = volumes
        self.train, self.val = [], []
        for v in volumes:
            per_axis = []
            for ax in range(3):
                idx = _labelled_indices(v.labels, ax)
                if ax == 0:
                    lo, hi = _slab(v.labels.shape[0])
                    self.val.append(idx[(idx >= lo) & (idx < hi)])
                    idx = idx[(idx < lo) | (idx >= hi)]
                per_axis.append(idx)
            self.train.append(per_axis)
        w = np.asarray([v.weight for v in volumes], np.float64)
        self.p = w / w.sum()


def _view_scale(mask, spacing, out, frac):
    ys, xs = np.nonzero(mask)
    ext = max((ys.max() - ys.min() + 1) * spacing[0], (xs.max() - xs.min() + 1) * spacing[1])
    mm = ext / (frac * out)
    return float(np.clip(mm, min(spacing) / 4, 4 * max(spacing))), np.array([(ys.max() + ys.min()) / 2, (xs.max() + xs.min()) / 2])


def _frac(rng):
    return rng.uniform(0.06, 0.2) if rng.random() < 0.15 else rng.uniform(0.2, 0.85)


class ClickSample(NamedTuple):
    image: np.ndarray   # [H, W] float32 in [0, 1]
    mask: np.ndarray    # [H, W] bool: the object
    others: np.ndarray  # [H, W] bool: other labelled structures in the view (negative-click targets)
    full_view: bool     # True: the app's first-click view of the whole slice


def full_view(image, labels, obj, spacing, size):
    """The app's first request: the whole slice padded square in mm (fullSliceRoi) resampled to
    size x size exactly as resample.ts does. spacing is (row, col) mm.
    Returns (image, object mask, other-labels mask) on the grid."""
    h, w = obj.shape
    roi = full_slice_roi(w, h, (spacing[1], spacing[0]))
    img = crop_resize(image, roi, (size, size))
    mask = crop_resize(obj.astype(np.float32), roi, (size, size)) > 0.5
    others = crop_resize(((labels != 0) & ~obj).astype(np.float32), roi, (size, size)) > 0.5
    return img, mask, others


class ClickSampler:
    """full_view_prob: share of samples drawn as the app's first-click view (see module doc).
    synth_prob: share of samples whose image is generated from the label slice (isegdata.synth,
    SynthSeg-style: random per-label intensities, parts, thin structures oversampled); the rest
    are the real image with the usual augmentation. acquisition_noise_prob: share of samples that get
    noise on the slice's own grid before resampling (synth.acquisition_noise)."""

    def __init__(self, volumes, size=224, seed=0, full_view_prob=0.3, synth_prob=0.0, acquisition_noise_prob=0.0):
        if not 0.0 <= synth_prob <= 1.0:
            raise ValueError(f"synth_prob must lie in [0, 1], got {synth_prob}.")
        self.ix = SliceIndex(volumes)
        self.vols = volumes
        self.size = size
        self.full_view_prob = full_view_prob
        self.synth_prob = synth_prob
        self.acquisition_noise_prob = acquisition_noise_prob
        self.rng = np.random.default_rng(seed)

    def draw(self) -> ClickSample:
        rng, out = self.rng, self.size
        for _ in range(100):
            vi = int(rng.choice(len(self.vols), p=self.ix.p))
            v, ax = self.vols[vi], int(rng.integers(3))
            cand = self.ix.train[vi][ax]
            if cand.size == 0:
                continue
            k = int(rng.choice(cand))
            lab = _slice(v.labels, ax, k)
            synthetic = self.synth_prob > 0 and bool(rng.random() < self.synth_prob)  # no extra draw: old streams unchanged
            if synthetic:
                obj, gen_labels = pick_training_object(lab, rng)
            else:
                obj = pick_object(lab, rng)
            if obj is None:
                continue
            sp = tuple(s for a, s in enumerate(v.spacing) if a != ax)
            source = _slice(v.image, ax, k)
            if synthetic:
                source = synth_source(gen_labels, rng, real_image=source, spacing=sp)
            if self.acquisition_noise_prob > 0:
                source = acquisition_noise(source, rng, self.acquisition_noise_prob)
            full = bool(rng.random() < self.full_view_prob)
            if full:
                img, mask, others = full_view(source, lab, obj, sp, out)
                if rng.random() < 0.5:  # slices reach the app in every orientation
                    img, mask, others = img.T, mask.T, others.T
                flips = tuple(a for a in (0, 1) if rng.random() < 0.5)
                if flips:
                    img, mask, others = (np.flip(x, flips) for x in (img, mask, others))
            else:
                mm, c = _view_scale(obj, sp, out, _frac(rng))
                c = c + rng.uniform(-0.2, 0.2, 2) * out * mm / np.asarray(sp)
                grid = sample_grid(rng, (out, out), c, sp, mm)
                mask = warp(obj.astype(np.float32), grid, 1) > 0.5
                others = warp(((lab != 0) & ~obj).astype(np.float32), grid, 1) > 0.5
                img = warp(source, grid, 1)
            if mask.sum() < 20:
                continue
            img = np.ascontiguousarray(img)
            img = synth_appearance(img, rng) if synthetic else intensity(img, rng)
            return ClickSample(img, np.ascontiguousarray(mask), np.ascontiguousarray(others & ~mask), full)
        raise RuntimeError("could not draw a click sample (no labelled slices?)")

    def sample(self):
        """(image [H, W] float32 in [0, 1], mask [H, W] bool)."""
        s = self.draw()
        return s.image, s.mask

    def batch(self, n):
        """(images [N, H, W], masks [N, H, W], others [N, H, W], full_view [N] bool)."""
        ss = [self.draw() for _ in range(n)]
        return (np.stack([s.image for s in ss]), np.stack([s.mask for s in ss]), np.stack([s.others for s in ss]),
                np.array([s.full_view for s in ss]))


def validation_slices(volumes, n=16, size=224, seed=1234):
    """Fixed, un-augmented held-out slices (axis-0 slab): [(image, mask, name)]."""
    rng = np.random.default_rng(seed)
    ix = SliceIndex(volumes)
    out = []
    per_vol = max(1, n // max(1, len(volumes)))
    for vi, v in enumerate(volumes):
        cand = ix.val[vi]
        got, tries = 0, 0
        while got < per_vol and cand.size and tries < 200:
            tries += 1
            k = int(rng.choice(cand))
            lab = _slice(v.labels, 0, k)
            obj = pick_object(lab, rng, kinds=("label",), min_area=60)
            if obj is None:
                continue
            sp = v.spacing[1:]
            mm, c = _view_scale(obj, sp, size, 0.5)
            ys, xs = np.meshgrid(np.arange(size) - (size - 1) / 2, np.arange(size) - (size - 1) / 2, indexing="ij")
            grid = np.stack([c[0] + ys * mm / sp[0], c[1] + xs * mm / sp[1]])
            mask = warp(obj.astype(np.float32), grid, 1) > 0.5
            if mask.sum() < 40:
                continue
            out.append((warp(_slice(v.image, 0, k), grid, 1).astype(np.float32), mask, f"{v.name}:ax0:{k}"))
            got += 1
    return out


def app_validation_slices(volumes, n=12, seed=1234, min_area=60):
    """Held-out whole axis-0 slices at native pixels, for the app-protocol monitor
    (isegnet/app_protocol.py): one label's whole region per sample, as `iseg eval-clicks` does,
    taken round-robin over the volumes. [(image [H, W], mask [H, W], spacing (row, col) mm, name)]."""
    rng = np.random.default_rng(seed)
    ix = SliceIndex(volumes)
    out, seen = [], set()
    for t in range(200 * max(1, len(volumes))):
        if len(out) >= n:
            break
        vi = t % len(volumes)
        v, cand = volumes[vi], ix.val[vi]
        if cand.size == 0:
            continue
        k = int(rng.choice(cand))
        lab = _slice(v.labels, 0, k)
        obj = pick_object(lab, rng, kinds=("label",), min_area=min_area)
        if obj is None:
            continue
        name = f"{v.name}:ax0:{k}:label{int(lab[obj][0])}"
        if name in seen:
            continue
        seen.add(name)
        out.append((np.ascontiguousarray(_slice(v.image, 0, k), np.float32), obj, tuple(v.spacing[1:]), name))
    return out


class SequenceSampler:
    """Neighbouring slices along one axis with one object (and optionally another object as the
    'other objects' mask), all resampled through the same random view."""

    def __init__(self, volumes, size=192, frames=3, seed=0, native_prob=0.5, past_end_prob=0.0):
        self.ix = SliceIndex(volumes)
        self.vols = volumes
        self.size, self.frames = size, frames
        # Share of sequences that run past the object's end: the last frame's target is empty, so the
        # network learns to let an object vanish instead of carrying it on (issue 18: memory ran
        # 12-17 slices past the ends of brain structures).
        self.past_end_prob = past_end_prob
        # The app propagates whole slices at their native pixel size, where a large object spans
        # hundreds of pixels; object-fitted views alone show it 2-10x smaller than that.
        self.native_prob = native_prob
        self.rng = np.random.default_rng(seed)

    def sample(self):
        """(images [T, H, W] in [0, 1], masks [T, H, W] bool, others [T, H, W] bool)."""
        rng, out, t = self.rng, self.size, self.frames
        past_end = t > 1 and rng.random() < self.past_end_prob
        for _ in range(1000 if past_end else 200):
            vi = int(rng.choice(len(self.vols), p=self.ix.p))
            v, ax = self.vols[vi], int(rng.integers(3))
            cand = self.ix.train[vi][ax]
            if cand.size == 0:
                continue
            step = int(rng.integers(1, 4)) * (1 if rng.random() < 0.5 else -1)
            k0 = int(rng.choice(cand))
            ks = [k0 + i * step for i in range(t)]
            if min(ks) < 0 or max(ks) >= v.labels.shape[ax]:
                continue
            lab = np.stack([_slice(v.labels, ax, k) for k in ks])
            obj = pick_object(lab, rng)
            if obj is None or obj[0].sum() < 24 or (past_end and obj[-1].any()):
                continue
            other = None
            if rng.random() < 0.5:
                rest = np.where(obj, 0, lab)
                other = pick_object(rest, rng, kinds=("label",))
            sp = tuple(s for a, s in enumerate(v.spacing) if a != ax)
            mm, c = _view_scale(obj[0], sp, out, rng.uniform(0.15, 0.7))
            if rng.random() < self.native_prob:
                mm = min(sp) * rng.uniform(0.8, 1.25)
            c = c + rng.uniform(-0.15, 0.15, 2) * out * mm / np.asarray(sp)
            grid = sample_grid(rng, (out, out), c, sp, mm)
            masks = np.stack([warp(m.astype(np.float32), grid, 1) > 0.5 for m in obj])
            if masks[0].sum() < 20:
                continue
            others = (np.stack([warp(m.astype(np.float32), grid, 1) > 0.5 for m in other])
                      if other is not None else np.zeros_like(masks))
            seed = int(rng.integers(1 << 31))
            imgs = np.stack([intensity(warp(_slice(v.image, ax, k), grid, 1), np.random.default_rng(seed)) for k in ks])
            return imgs, masks, others
        raise RuntimeError("could not draw a sequence sample")

    def batch(self, n):
        a, b, c = zip(*(self.sample() for _ in range(n)))
        return np.stack(a), np.stack(b), np.stack(c)
