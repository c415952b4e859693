"""A training-data pack: every training volume, normalised and quantised, in one .npz file.

For machines that have neither `../shared/data` nor nibabel (a lent GPU machine gets only the
repository and what is carried with it): `pack_data.py` writes the pack here and the trainers'
`--data-pack FILE` reads it instead of the sources. Images are stored as uint8 of the [0, 1]
percentile-normalised intensities (the pack stays a few tens of MB; the 8-bit step, 0.004, is far
below the intensity augmentation's noise), labels as the smallest unsigned integer type that holds them.
Evaluation-only volumes cannot enter: the pack is built from `load_sources`, which refuses them.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .sources import EVAL_ONLY, Volume

FORMAT = "iseg-training-pack/1"


def _label_dtype(labels: np.ndarray):
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0:
        raise ValueError(f"negative label {lo}: label maps hold non-negative integers")
    return np.uint8 if hi <= 0xFF else np.uint16 if hi <= 0xFFFF else np.uint32


def save_pack(volumes, path) -> Path:
    """Writes the volumes (isegdata.sources.Volume, images in [0, 1]) to one compressed .npz."""
    arrays, meta = {}, []
    for i, v in enumerate(volumes):
        if any(tag in v.name for tag in EVAL_ONLY):
            raise ValueError(f"{v.name} is evaluation-only data and must never be packed for training")
        if v.image.shape != v.labels.shape:
            raise ValueError(f"{v.name}: image {v.image.shape} != labels {v.labels.shape}")
        arrays[f"image{i}"] = np.round(np.clip(v.image, 0.0, 1.0) * 255.0).astype(np.uint8)
        arrays[f"labels{i}"] = v.labels.astype(_label_dtype(v.labels))
        meta.append({"name": v.name, "spacing": [float(s) for s in v.spacing], "weight": float(v.weight),
                     "modality": v.modality, "licence": v.licence})
    arrays["meta"] = np.frombuffer(json.dumps({"format": FORMAT, "volumes": meta}).encode(), np.uint8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:  # a file object: np.savez would otherwise append ".npz" to other names
        np.savez_compressed(f, **arrays)
    return path


def load_pack(path) -> list:
    """The pack's volumes (images float32 in [0, 1], labels int32), in the order they were packed."""
    with np.load(Path(path), allow_pickle=False) as z:
        if "meta" not in z.files:
            raise ValueError(f"{path} is not a training pack (no meta entry)")
        meta = json.loads(z["meta"].tobytes().decode())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: pack format {meta.get('format')!r}, expected {FORMAT!r}")
        vols = []
        for i, m in enumerate(meta["volumes"]):
            image = z[f"image{i}"].astype(np.float32) / 255.0
            labels = z[f"labels{i}"].astype(np.int32)
            if image.shape != labels.shape:
                raise ValueError(f"{path}: volume {m['name']} image {image.shape} != labels {labels.shape}")
            vols.append(Volume(m["name"], image, labels, tuple(m["spacing"]), m["weight"], m["modality"], m["licence"]))
    return vols


def training_volumes(pack_path=None, include_sim=True) -> list:
    """The trainers' volumes: from a pack when one is given, else read from the training sources."""
    if pack_path:
        return load_pack(pack_path)
    from .sources import all_training_sources, load_sources

    return load_sources(all_training_sources(include_sim=include_sim))
