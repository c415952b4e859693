"""Choose the click model's input smoothing rule (manifest `denoise`) on held-out training-source
slices under acquisition conditions the training volumes do not show: Rician noise added on the
slice's own grid, at full and at half resolution (a small matrix is upsampled to the model's input
and its noise grains become blobs the model took for structure on the embedded sample, issue 18).

A rule is {"noiseAbove": t, "sigmaPerNoise": k, "maxSigma": m}: the slice's noise sd is estimated
(Immerkaer 1996) on the percentile-normalised slice; above t the slice is smoothed with a Gaussian
of sigma = min(m, k * (noise - t)) slice pixels before the request path (electron/common/click/
denoise.ts does the same). {} = no smoothing.

  /usr/bin/python3 native-models/sweep_denoise.py --checkpoint native-models/checkpoints/isegformer-swin32-cpu-recovered.fp16.pt \\
      --rules '[{}, {"noiseAbove": 0.02, "sigmaPerNoise": 40, "maxSigma": 1.5}]'

Prints, per rule, IoU after 1/3/5 clicks and NoC@85 for each condition and their mean. Dev slices:
the trainer's app-protocol monitor (held-out middle slab of axis-0 slices of the training volumes,
never the evaluation-only files).
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
from isegdata.samplers import app_validation_slices  # noqa: E402
from isegnet.app_protocol import simulate_app  # noqa: E402
from isegnet.click_model import build_click_model  # noqa: E402
from isegnet.train_utils import load_weights, torch_load  # noqa: E402
from train_click import _predictor, noc  # noqa: E402

CONDITIONS = [(0.0, 1), (0.03, 1), (0.06, 1), (0.0, 2), (0.03, 2), (0.06, 2)]  # (noise sd, downsampling)


def immerkaer_noise(x: np.ndarray) -> float:
    """Noise sd of a 2D image from its Laplacian-difference response (Immerkaer 1996)."""
    if x.shape[0] < 3 or x.shape[1] < 3:
        return 0.0
    k = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float64)
    c = ndimage.convolve(x.astype(np.float64), k)[1:-1, 1:-1]
    return float(np.sqrt(np.pi / 2) * np.abs(c).sum() / (6 * (x.shape[0] - 2) * (x.shape[1] - 2)))


def normalised(x: np.ndarray) -> np.ndarray:
    lo, hi = np.percentile(x, [0.5, 99.5])
    return np.clip((x - lo) / max(float(hi - lo), 1e-6), 0, 1).astype(np.float32)


def smoothing_sigma(x: np.ndarray, rule: dict) -> float:
    if not rule:
        return 0.0
    noise = immerkaer_noise(normalised(x))
    return float(min(rule["maxSigma"], max(0.0, rule["sigmaPerNoise"] * (noise - rule["noiseAbove"]))))


def apply_rule(x: np.ndarray, rule: dict) -> np.ndarray:
    sigma = smoothing_sigma(x, rule)
    # mode 'mirror' (d c b | a b c d | c b a) and truncate 3 as denoise.ts
    return ndimage.gaussian_filter(x, sigma, mode="mirror", truncate=3.0) if sigma > 0 else x


def condition(image, mask, spacing, noise, down, rng):
    """The slice acquired with `down` times fewer pixels per side and Rician noise of sd `noise`."""
    if down > 1:
        image = ndimage.zoom(ndimage.gaussian_filter(image, 0.4 * down), 1 / down, order=1)
        mask = ndimage.zoom(mask.astype(np.float32), 1 / down, order=1) > 0.5
        spacing = tuple(s * down for s in spacing)
    if noise > 0:
        image = np.hypot(image + rng.normal(0, noise, image.shape), rng.normal(0, noise, image.shape))
    return np.clip(image, 0, 1).astype(np.float32), mask, spacing


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--variant", default="cpu")
    ap.add_argument("--rules", required=True, help="JSON list of rules (see above)")
    ap.add_argument("--slices", type=int, default=24)
    ap.add_argument("--clicks", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    model = build_click_model(a.variant)
    load_weights(model, torch_load(a.checkpoint), a.checkpoint)
    model.eval()
    predict = _predictor(model, "cpu")
    size = tuple(model.cfg.input_size)
    base = [s for s in app_validation_slices(training_volumes(None), n=a.slices)]
    print(f"{len(base)} slices; conditions (noise, downsampling): {CONDITIONS}", flush=True)
    for rule in json.loads(a.rules):
        t0 = time.time()
        cells = []
        for noise, down in CONDITIONS:
            rng = np.random.default_rng(11)
            curves = []
            for image, mask, spacing, _ in base:
                im, gt, sp = condition(image, mask, spacing, noise, down, rng)
                if gt.sum() < 10:
                    continue
                curves.append(simulate_app(predict, apply_rule(im, rule), gt, sp, size, a.clicks))
            iou = [float(np.mean([c[min(n, len(c) - 1)] for c in curves])) for n in (0, 2, 4)]
            cells.append(iou + [float(np.mean([noc(c, 0.85, a.clicks) for c in curves]))])
        cells = np.asarray(cells)
        text = " | ".join(f"{n:.2f}/{d}: {c[0]:.3f} {c[1]:.3f} {c[2]:.3f} {c[3]:.1f}" for (n, d), c in zip(CONDITIONS, cells))
        mean = cells.mean(0)
        print(json.dumps(rule), f"mean IoU@1/3/5 {mean[0]:.3f} {mean[1]:.3f} {mean[2]:.3f} NoC85 {mean[3]:.2f} ||", text,
              f"({time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
