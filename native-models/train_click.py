"""Train the iSegFormer-style click model (RITM protocol: NFL loss, iterative click simulation).

  /usr/bin/python3 native-models/train_click.py --variant cpu --minutes 60 --device cpu --threads 2

Each step: draw random crops with an object, put 1-3 initial clicks, then (without gradients, in
eval mode) let the model predict 0-3 times, each time adding the RITM next click and feeding the
prediction back as the previous mask; the final forward pass is trained with the normalised focal
loss. Progress lines show the loss; validation NoC@85 on held-out training-source slices is
printed every --val-every minutes and at the end. Checkpoints: <out>/last.pt (resumable).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from isegdata.samplers import ClickSampler, validation_slices  # noqa: E402
from isegdata.sources import all_training_sources, load_sources, to_model_input  # noqa: E402
from isegnet.click_model import VARIANTS, build_click_model, count_params  # noqa: E402
from isegnet.clicks import THRESHOLD, click_input, next_click, noc, simulate  # noqa: E402
from isegnet.losses import normalized_focal_loss  # noqa: E402
from isegnet.train_utils import Logger, pick_device, resume, train_for_budget  # noqa: E402


def initial_clicks(mask, rng):
    """One positive click well inside the object, sometimes a second positive and 1-2 negatives
    near it: the first interactions users actually make."""
    dt = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    inner = np.argwhere(dt >= max(1.0, 0.3 * dt.max()))
    clicks = [(*map(int, inner[rng.integers(len(inner))]), True)]
    if rng.random() < 0.25:
        clicks.append((*map(int, inner[rng.integers(len(inner))]), True))
    if rng.random() < 0.3:
        ring = np.argwhere(ndimage.binary_dilation(mask, iterations=int(rng.integers(5, 25))) & ~mask)
        for _ in range(int(rng.integers(1, 3))):
            if len(ring):
                clicks.append((*map(int, ring[rng.integers(len(ring))]), False))
    return clicks


def forward(model, images, click_maps, device):
    x = torch.from_numpy(to_model_input(images)).to(device)
    c = torch.from_numpy(click_maps).to(device)
    return model(x, c)


def train_step(model, opt, images, masks, rng, device):
    b = len(images)
    clicks = [initial_clicks(m, rng) for m in masks]
    prev = np.zeros(masks.shape, np.float32)
    n_iter = int(rng.integers(0, 4))
    if n_iter:
        model.eval()
        with torch.no_grad():
            for _ in range(n_iter):
                maps = np.stack([click_input(clicks[i], prev[i]) for i in range(b)])
                prev = torch.sigmoid(forward(model, images, maps, device))[:, 0].cpu().numpy()
                for i in range(b):
                    done = np.zeros(masks[i].shape, bool)
                    for r, c, _ in clicks[i]:
                        done[r, c] = True
                    nc = next_click(prev[i] > THRESHOLD, masks[i], done)
                    if nc is not None:
                        clicks[i].append(nc)
        model.train()
    maps = np.stack([click_input(clicks[i], prev[i]) for i in range(b)])
    logits = forward(model, images, maps, device)
    target = torch.from_numpy(masks[:, None].astype(np.float32)).to(device)
    loss = normalized_focal_loss(logits, target)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return float(loss)


def validate(model, val, device, max_clicks=20):
    model.eval()

    def predict(image, maps):
        with torch.no_grad():
            return torch.sigmoid(forward(model, image[None], maps[None], device))[0, 0].cpu().numpy()

    curves = [simulate(predict, im, gt, max_clicks) for im, gt, _ in val]
    model.train()
    res = {f"noc{t}": float(np.mean([noc(c, t / 100, max_clicks) for c in curves])) for t in (80, 85, 90)}
    res["noc85_std"] = float(np.std([noc(c, 0.85, max_clicks) for c in curves]))
    res["iou@1"] = float(np.mean([c[0] for c in curves]))
    res["iou@5"] = float(np.mean([c[min(4, len(c) - 1)] for c in curves]))
    res["over20@85"] = int(sum(noc(c, 0.85, max_clicks) >= max_clicks and max(c) < 0.85 for c in curves))
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", default="cpu", choices=sorted(VARIANTS))
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock training budget of this invocation")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--out", default=None, help="run folder (default native-models/runs/click-<variant>)")
    ap.add_argument("--resume", action="store_true", help="continue from <out>/last.pt")
    ap.add_argument("--val-every", type=float, default=15.0, help="minutes between validation NoC runs")
    ap.add_argument("--val-slices", type=int, default=12)
    ap.add_argument("--no-sim", action="store_true", help="ignore simulated knee images even if present")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    device = pick_device(a.device)
    out = Path(a.out or Path(__file__).resolve().parent / "runs" / f"click-{a.variant}")
    log = Logger(out)

    sources = all_training_sources(include_sim=not a.no_sim)
    vols = load_sources(sources)
    size = VARIANTS[a.variant].input_size[0]
    sampler = ClickSampler(vols, size=size, seed=a.seed + 1)
    val = validation_slices(vols, n=a.val_slices, size=size)

    model = build_click_model(a.variant).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    step, total_s = resume(out, model, opt, device, log) if a.resume and (out / "last.pt").exists() else (0, 0.0)
    log(f"click model {a.variant}: {count_params(model):,} params; sources: {[v.name for v in vols]}; "
        f"{len(val)} validation slices; budget {a.minutes} min on {device} x{a.threads} threads")

    def one_step():
        images, masks = sampler.batch(a.batch)
        return train_step(model, opt, images, masks, rng, device)

    step, seconds, ema = train_for_budget(
        model=model, opt=opt, train_step=one_step, validate=lambda: validate(model, val, device), out=out, log=log,
        minutes=a.minutes, base_lr=a.lr, val_every=a.val_every, step=step, seconds=total_s,
        checkpoint_extra={"variant": a.variant, "config": VARIANTS[a.variant].to_dict()})
    res = validate(model, val, device)
    summary = {"variant": a.variant, "steps": step, "minutes": seconds / 60, "batch": a.batch, "final_loss_ema": ema,
               "validation": res, "validation_slices": [n for _, _, n in val], "sources": [v.name for v in vols],
               "device": str(device), "threads": a.threads}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    log(f"done: {json.dumps(summary)}", summary=summary)


if __name__ == "__main__":
    main()
