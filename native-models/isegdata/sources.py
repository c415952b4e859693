"""Which files may be used for training, and how volumes are read and normalised.

Evaluation-only files (the OAI-ZIB label map, the MRIcrop brain, the spleen CT, the spine cord)
are never listed here and `assert_training_path` refuses them, so a typo cannot leak them in.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NATIVE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("ISEG_SHARED_DATA", NATIVE_DIR.parent.parent / "shared" / "data"))
SIM_DIR = NATIVE_DIR / "runs" / "sim"

EVAL_ONLY = ("oaizib-9092628", "mricrop_", "spleen2_", "unf01_")

# Percentile normalisation (robust to outliers, unlike the paper code's 255*(x-min)/max), then the
# ImageNet mean/std so converted official checkpoints and our own models share one input contract.
PCT_LOW, PCT_HIGH = 0.5, 99.5
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Source:
    name: str
    image: str          # path relative to DATA_DIR, or an absolute path for simulated images
    labels: str
    modality: str
    licence: str
    weight: float = 1.0  # sampling weight (small volumes are not drowned by the 256^3 brain)


TRAINING_SOURCES = [
    Source("clair-knee-103r", "knee/clair-knee-103r_template.nii.gz", "knee/clair-knee-103r_labels.nii.gz",
           "MR (knee template)", "CC-BY-NC 4.0 (CartiMorph / CLAIR-Knee-103R)", 1.0),
    Source("totalseg-ct", "multi/totalseg_ct.nii.gz", "multi/totalseg_ct_labels.nii.gz",
           "CT (abdomen)", "Apache-2.0 (TotalSegmentator repository)", 1.0),
    Source("totalseg-mr", "multi/totalseg_mr.nii.gz", "multi/totalseg_mr_labels.nii.gz",
           "MR (abdomen)", "Apache-2.0 (TotalSegmentator repository)", 1.0),
    Source("freesurfer-brain", "brain/fs_norm.mgz", "brain/fs_aparc.a2009s+aseg.mgz",
           "MR T1 (brain, FreeSurfer-normalised)", "BSD-2 (niivue repository)", 1.0),
]

SPL_LABELS = "knee/spl-knee-atlas_seg.nrrd"
SPL_LICENCE = "SPL knee atlas, research use (label map; image simulated from it)"


def simulated_sources():
    """SPL knee atlas labels + images simulated by `iseg simulate-knee` (optional: present only
    after native-models/prepare_sim.sh has run successfully)."""
    if not SIM_DIR.is_dir():
        return []
    return [Source(f"spl-knee-sim-{p.stem.split('.')[0]}", str(p), SPL_LABELS, "MR (simulated from SPL knee labels)",
                   SPL_LICENCE, 1.0) for p in sorted(SIM_DIR.glob("spl-knee_seed*.nii.gz"))]


def all_training_sources(include_sim=True):
    return TRAINING_SOURCES + (simulated_sources() if include_sim else [])


def assert_training_path(path: str):
    if any(tag in str(path) for tag in EVAL_ONLY):
        raise ValueError(f"{path} is evaluation-only data and must never be used for training")


def _resolve(p: str) -> Path:
    return Path(p) if os.path.isabs(p) else DATA_DIR / p


def read_volume(p: str):
    """(array [i, j, k] as stored, spacing mm). NRRD through our reader, the rest via nibabel."""
    assert_training_path(p)
    path = _resolve(p)
    if not path.exists():
        raise FileNotFoundError(f"{path} missing (set ISEG_SHARED_DATA to the shared data folder)")
    if path.suffix == ".nrrd":
        from .nrrd import read_nrrd

        return read_nrrd(path)
    import nibabel as nib

    img = nib.load(str(path))
    arr = np.asanyarray(img.dataobj)
    while arr.ndim > 3:
        arr = arr[..., 0]
    return np.ascontiguousarray(arr), tuple(float(z) for z in img.header.get_zooms()[:3])


def percentile_normalise(vol: np.ndarray) -> np.ndarray:
    """Map the 0.5th..99.5th percentile to [0, 1] and clip (the app does exactly this per volume)."""
    v = vol.astype(np.float32)
    lo, hi = np.percentile(v, [PCT_LOW, PCT_HIGH])
    return np.clip((v - lo) / max(float(hi - lo), 1e-6), 0.0, 1.0).astype(np.float32)


def to_model_input(img01: np.ndarray) -> np.ndarray:
    """[..., H, W] in [0, 1] -> [..., 3, H, W] gray replicated, ImageNet-normalised, float32."""
    x = np.repeat(img01[..., None, :, :], 3, axis=-3).astype(np.float32)
    mean = np.asarray(MEAN, np.float32)[:, None, None]
    std = np.asarray(STD, np.float32)[:, None, None]
    return (x - mean) / std


@dataclass
class Volume:
    name: str
    image: np.ndarray   # float32 [0, 1]
    labels: np.ndarray  # int32
    spacing: tuple
    weight: float
    modality: str
    licence: str


def load_sources(sources) -> list:
    vols = []
    for s in sources:
        img, sp = read_volume(s.image)
        lab, lsp = read_volume(s.labels)
        if img.shape != lab.shape:
            print(f"[isegdata] skipping {s.name}: image {img.shape} != labels {lab.shape}", flush=True)
            continue
        vols.append(Volume(s.name, percentile_normalise(img), lab.astype(np.int32), tuple(lsp), s.weight,
                           s.modality, s.licence))
    return vols
