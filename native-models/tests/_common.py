"""Test helpers: put native-models/ on sys.path, and skip cleanly where torch is missing."""
import os
import shutil
import sys
import unittest
from pathlib import Path

NATIVE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(NATIVE))
(NATIVE / "runs").mkdir(exist_ok=True)  # gitignored scratch folder used by the export tests

try:
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:  # CI images without python3-torch
    HAVE_TORCH = False

needs_torch = unittest.skipUnless(HAVE_TORCH, "torch is not installed (run native-models/setup.sh)")

HAVE_ORT_NODE = shutil.which("node") is not None and (NATIVE.parent / "node_modules" / "onnxruntime-node").is_dir()
needs_ort_node = unittest.skipUnless(HAVE_ORT_NODE, "node or node_modules/onnxruntime-node missing (npm ci)")

from isegdata.sources import DATA_DIR  # noqa: E402

needs_data = unittest.skipUnless(DATA_DIR.is_dir(), f"shared data folder {DATA_DIR} missing (set ISEG_SHARED_DATA)")

if HAVE_TORCH:
    torch.set_num_threads(min(2, os.cpu_count() or 1))
