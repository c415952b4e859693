"""Choose how the app runs a click model (manifest `threshold` and `zoomIn.minCropSize`) on
held-out training-source slices: runs whole slices through the app's request path
(isegnet/app_protocol.py) for each candidate setting and prints NoC / IoU per dev set.

  /usr/bin/python3 native-models/sweep_app_settings.py --checkpoint native-models/runs/click-gpu/gpu-weights.pt \\
      --set general --settings '[{"threshold": 0.49, "minCropSize": 112}, {"threshold": 0.4, "minCropSize": 34}]'

Dev sets, all from the held-out middle slab of axis-0 slices of the training volumes (never the
evaluation-only files):
  general    48 whole slices, one label's whole region each (the trainer's app-protocol monitor)
  small      40 single-component objects of 40-300 px, round-robin over the volumes
  knee       40 single-component objects of >= 40 px of the two knee volumes
  cartilage  40 cartilage regions (CLAIR 2, 4, 5; SPL 83-86) of >= 20 px
APP_SETTINGS in isegnet/click_model.py was chosen with this script.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from isegdata.pack import training_volumes  # noqa: E402
from isegdata.samplers import SliceIndex, _slice, app_validation_slices  # noqa: E402
from isegnet.app_protocol import simulate_app  # noqa: E402
from isegnet.click_model import build_click_model  # noqa: E402
from isegnet.clicks import THRESHOLD  # noqa: E402
from isegnet.train_utils import load_checkpoint  # noqa: E402
from train_click import _curve_summary, _predictor, noc  # noqa: E402

KNEES = ("clair-knee-103r", "spl-knee")
CARTILAGE = {"clair-knee-103r": (2, 4, 5), "spl-knee": (83, 84, 85, 86)}
SETS = {  # name: (volume name prefixes or None for all, area range, labels per volume or None, one component)
    "small": (None, (40, 300), None, True),
    "knee": (KNEES, (40, 10**9), None, True),
    "cartilage": (KNEES, (20, 10**9), CARTILAGE, False),
}


def object_slices(volumes, n, prefixes, area, labels, single_component, seed=7):
    """Up to n (image, mask, spacing, name) of held-out slab slices, one label each, round-robin."""
    ix = SliceIndex(volumes)
    cands = []
    for vi, v in enumerate(volumes):
        per = []
        if prefixes is None or v.name.startswith(prefixes):
            allowed = next((vals for pre, vals in (labels or {}).items() if v.name.startswith(pre)), None)
            for k in ix.val[vi]:
                lab = _slice(v.labels, 0, int(k))
                values, counts = np.unique(lab[lab > 0], return_counts=True)
                for value, count in zip(values, counts):
                    if allowed is not None and int(value) not in allowed:
                        continue
                    if area[0] <= count <= area[1] and (not single_component or ndimage.label(lab == value)[1] == 1):
                        per.append((vi, int(k), int(value)))
        cands.append(per)
    rng = np.random.default_rng(seed)
    for per in cands:
        rng.shuffle(per)
    out, t = [], 0
    while len(out) < n and any(cands):
        per = cands[t % len(cands)]
        t += 1
        if not per:
            continue
        vi, k, value = per.pop()
        v = volumes[vi]
        lab = _slice(v.labels, 0, k)
        out.append((np.ascontiguousarray(_slice(v.image, 0, k), np.float32), lab == value, tuple(v.spacing[1:]),
                    f"{v.name}:ax0:{k}:label{value}"))
    return out


def dev_set(volumes, name):
    if name == "general":
        return app_validation_slices(volumes, n=48)
    prefixes, area, labels, single = SETS[name]
    return object_slices(volumes, 40, prefixes, area, labels, single)


def with_flip(predict):
    """Test-time flip: the mean of the prediction and that of the left-right mirrored input, mirrored back."""
    def flipped(image, maps):
        mirrored = predict(np.ascontiguousarray(image[..., ::-1]), np.ascontiguousarray(maps[..., ::-1]))
        return 0.5 * (predict(image, maps) + mirrored[..., ::-1])
    return flipped


def sweep(predict, slices, settings, input_size=(224, 224), max_clicks=20):
    """[(setting, summary, NoC@85 per volume)] for each {"threshold", "minCropSize", "flip", "refineFirst"} setting."""
    rows = []
    for setting in settings:
        run = with_flip(predict) if setting.get("flip") else predict
        curves = [simulate_app(run, im, gt, sp, input_size, max_clicks, setting.get("threshold", THRESHOLD),
                               min_crop=setting.get("minCropSize"), refine_first=setting.get("refineFirst", False))
                  for im, gt, sp, _ in slices]
        per_volume = {}
        for (*_, name), curve in zip(slices, curves):
            per_volume.setdefault(name.split(":")[0], []).append(noc(curve, 0.85, max_clicks))
        rows.append((setting, _curve_summary(curves, max_clicks, "app_"),
                     {k: float(np.mean(v)) for k, v in per_volume.items()}))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--variant", default="cpu")
    ap.add_argument("--set", default="general", choices=["general", *SETS])
    ap.add_argument("--settings", required=True, help='JSON list of {"threshold": t, "minCropSize": px}')
    ap.add_argument("--data-pack", default=None)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    model = build_click_model(a.variant)
    model.load_state_dict(load_checkpoint(a.checkpoint)["model"])
    model.eval()
    slices = dev_set(training_volumes(a.data_pack), a.set)
    size = tuple(model.cfg.input_size)
    print(f"{a.set}: {len(slices)} slices", flush=True)
    for setting in json.loads(a.settings):
        t0 = time.time()
        [(_, summary, per_volume)] = sweep(_predictor(model, "cpu"), slices, [setting], size)
        print(json.dumps(setting), {k: round(v, 2) for k, v in summary.items()},
              {k: round(v, 1) for k, v in per_volume.items()}, f"{time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
