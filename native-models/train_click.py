"""Train the iSegFormer-style click model (RITM protocol: NFL loss, iterative click simulation).

  /usr/bin/python3 native-models/train_click.py --variant cpu --minutes 60 --device cpu --threads 2

Each step: draw random views with an object (a share of them the app's first-click view of the
whole slice, the rest object-centred like its zoom-in crops), put initial clicks (1-4 as a user
would, or up to --max-points as RITM's MultiPointSampler), then (without gradients, in eval mode)
let the model predict 0..--max-iter-clicks times on the zoom-in-like views, each time adding the
RITM next click and feeding the prediction back as the previous mask; the final forward pass is
trained with the normalised focal loss. Progress lines show the loss. Every --val-every minutes
and at the end two monitors are printed: the old one (keys noc80 ...: object-centred held-out
views) and the app-protocol one (keys app_*: whole held-out slices run through the app's
first-click view and zoom-in crops, isegnet/app_protocol.py, as `iseg eval-clicks` does).
Checkpoints: <out>/last.pt (resumable); --weights-out FILE also writes the final weights alone.

On a GPU the CPU-side work sets the pace, so --loader-workers K draws batches in K background
processes and --click-workers C computes the iterative clicks in a pool of C; --data-pack reads the
volumes from a pack (pack_data.py) where ../shared/data is absent; --init-weights starts from a
checkpoint's weights with a fresh optimiser.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from isegdata.pseudo import pseudo_object_volume  # noqa: E402
from isegdata.samplers import ClickSampler, app_validation_slices, validation_slices  # noqa: E402
from isegdata.pack import training_volumes  # noqa: E402
from isegdata.sources import MEAN, STD  # noqa: E402
from isegnet.app_protocol import simulate_app  # noqa: E402
from isegnet.click_model import APP_SETTINGS, VARIANTS, build_click_model, count_params  # noqa: E402
from isegnet.clicks import RADIUS, THRESHOLD, next_click, noc, simulate  # noqa: E402
from isegnet.losses import normalized_focal_loss  # noqa: E402
from isegnet.data_parallel import SINGLE, add_worker_arguments, launch, split_batch  # noqa: E402
from isegnet.train_utils import (Logger, apply_gradients, init_weights, pick_device, resume,  # noqa: E402
                                 save_weights, train_for_budget)


def _inner_points(mask, frac):
    """Object pixels at least max(1, frac * the deepest distance) from the object's border."""
    dt = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    return np.argwhere(dt >= max(1.0, frac * dt.max()))


def initial_clicks(mask, rng):
    """One positive click well inside the object, sometimes a second positive and 1-2 negatives
    near it: the first interactions users actually make."""
    inner = _inner_points(mask, 0.3)
    clicks = [(*map(int, inner[rng.integers(len(inner))]), True)]
    if rng.random() < 0.25:
        clicks.append((*map(int, inner[rng.integers(len(inner))]), True))
    if rng.random() < 0.3:
        ring = np.argwhere(ndimage.binary_dilation(mask, iterations=int(rng.integers(5, 25))) & ~mask)
        for _ in range(int(rng.integers(1, 3))):
            if len(ring):
                clicks.append((*map(int, ring[rng.integers(len(ring))]), False))
    return clicks


def first_view_clicks(mask, rng):
    """The app's first request carries one click; a second one on the whole slice happens only
    when the first answer was empty (then the zoom-in has nothing to zoom to)."""
    inner = _inner_points(mask, 0.3)
    clicks = [(*map(int, inner[rng.integers(len(inner))]), True)]
    if rng.random() < 0.3:
        clicks.append((*map(int, inner[rng.integers(len(inner))]), True))
    return clicks


def _decaying_count(rng, lo, hi, gamma=0.8):
    """An integer in [lo, hi] with P(k) proportional to gamma**(k - lo) (RITM's prob_gamma)."""
    p = gamma ** np.arange(hi - lo + 1)
    return lo + int(rng.choice(len(p), p=p / p.sum()))


def multi_point_clicks(mask, others, rng, max_points=12):
    """RITM MultiPointSampler, simplified: 1..max_points/2 positives well inside the object and
    0..max_points/2 negatives, each in a background ring 3..30 px out from the object or, where
    there are any within 40 px, on a neighbouring labelled structure (what users click to stop a
    leak into it). Counts decay geometrically, as RITM's prob_gamma does."""
    half = max(1, max_points // 2)
    inner = _inner_points(mask, 0.25)
    clicks = [(*map(int, inner[i]), True) for i in rng.integers(len(inner), size=_decaying_count(rng, 1, half))]
    out_dist = ndimage.distance_transform_edt(~mask)  # 0 on the object
    near = np.argwhere((others & (out_dist <= 40)) if others is not None else np.zeros_like(mask))
    for _ in range(_decaying_count(rng, 0, max_points - half)):
        if len(near) and rng.random() < 0.4:
            pt = near[rng.integers(len(near))]
        else:
            ring = np.argwhere((out_dist > 3) & (out_dist <= rng.uniform(4, 30)))
            if not len(ring):
                continue
            pt = ring[rng.integers(len(ring))]
        clicks.append((*map(int, pt), False))
    return clicks


def start_clicks(mask, others, full_view, rng, multi_prob=0.4, max_points=12):
    if full_view:
        return first_view_clicks(mask, rng)
    if rng.random() < multi_prob:
        return multi_point_clicks(mask, others, rng, max_points)
    return initial_clicks(mask, rng)


def model_input(images, device):
    """to_model_input on `device`: [B, H, W] in [0, 1] -> [B, 3, H, W], gray replicated, ImageNet-normalised."""
    x = torch.as_tensor(np.asarray(images, np.float32), device=device)[:, None]
    mean = torch.tensor(MEAN, dtype=torch.float32, device=device).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=torch.float32, device=device).view(1, 3, 1, 1)
    return (x - mean) / std


def click_maps(clicks, prev, radius=RADIUS):
    """isegnet.clicks.click_input for a batch, computed where `prev` lives (the GPU in a GPU run):
    clicks[i] lists sample i's (row, col, is_positive); prev [B, H, W] -> [B, 3, H, W] float32."""
    b, h, w = prev.shape
    n = max(1, max((len(c) for c in clicks), default=0))
    pts = np.full((b, n, 3), -1, np.int64)  # row, col, channel (0 positive, 1 negative); -1: no click
    for i, sample in enumerate(clicks):
        for j, (r, c, positive) in enumerate(sample):
            pts[i, j] = (r, c, 0 if positive else 1)
    pts = torch.from_numpy(pts).to(prev.device)
    rows = torch.arange(h, device=prev.device).view(1, 1, h, 1)
    cols = torch.arange(w, device=prev.device).view(1, 1, 1, w)
    disk = (rows - pts[..., 0, None, None]) ** 2 + (cols - pts[..., 1, None, None]) ** 2 <= radius * radius
    channel = pts[..., 2, None, None]
    positive = (disk & (channel == 0)).any(1)
    negative = (disk & (channel == 1)).any(1)
    return torch.stack([positive.float(), negative.float(), prev.float()], 1)


def forward(model, images, click_input_maps, device):
    """Model logits for numpy images [B, H, W] and numpy or tensor click maps [B, 3, H, W]."""
    c = torch.as_tensor(click_input_maps, dtype=torch.float32).to(device)
    return model(model_input(images, device), c)


def _next_click_task(task):
    """next_click for one sample, with its clicked pixels excluded (a picklable pool task)."""
    pred, gt, clicks = task
    done = np.zeros(gt.shape, bool)
    for r, c, _ in clicks:
        done[r, c] = True
    return next_click(pred, gt, done)


def draw_batch(sampler, n, rng, multi_prob=0.4, max_points=12):
    """A batch of training views with their starting clicks: (images, masks, others, full_view, clicks)."""
    images, masks, others, full_view = sampler.batch(n)
    clicks = [start_clicks(masks[i], others[i], full_view[i], rng, multi_prob, max_points) for i in range(n)]
    return images, masks, others, full_view, clicks


class BatchStream(torch.utils.data.IterableDataset):
    """Endless training batches (draw_batch). Under a DataLoader with num_workers=K each worker
    process draws its own batches with its own seed; the volumes reach the workers by fork."""

    def __init__(self, volumes, batch, size, seed, full_view_prob, multi_prob, max_points, synth_prob=0.0,
                 acquisition_noise_prob=0.0):
        super().__init__()
        self.volumes, self.batch, self.size, self.seed = volumes, batch, size, seed
        self.full_view_prob, self.multi_prob, self.max_points = full_view_prob, multi_prob, max_points
        self.synth_prob = synth_prob
        self.acquisition_noise_prob = acquisition_noise_prob

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        seed = self.seed + 7919 * (info.id if info is not None else 0)
        sampler = ClickSampler(self.volumes, size=self.size, seed=seed, full_view_prob=self.full_view_prob,
                               synth_prob=self.synth_prob, acquisition_noise_prob=self.acquisition_noise_prob)
        rng = np.random.default_rng(seed + 1)
        while True:
            yield draw_batch(sampler, self.batch, rng, self.multi_prob, self.max_points)


def _as_is(batch):
    return batch


def batch_loader(stream, workers):
    """Batches drawn in this process (workers=0) or by `workers` background processes, 2 each in flight."""
    if workers <= 0:
        return iter(stream)
    loader = torch.utils.data.DataLoader(stream, batch_size=None, num_workers=workers, collate_fn=_as_is,
                                         prefetch_factor=2, persistent_workers=True)
    return iter(loader)


def train_step(model, opt, batch, rng, device, max_iter=4, replicas=SINGLE, pool=None):
    """One optimiser step on a draw_batch() batch. Full-view samples (the app's first request) keep
    their 1-2 clicks and no previous mask; the others get 0..max_iter iterative clicks with the
    model's own masks (RITM), the next clicks computed by `pool` (a multiprocessing pool) if given."""
    images, masks, _, full_view, clicks = batch
    clicks = [list(c) for c in clicks]
    full_view = np.asarray(full_view, bool)
    prev = torch.zeros((len(images), *masks.shape[1:]), dtype=torch.float32, device=device)
    # One count for all replicas: a step waits for the slowest, so unequal counts would idle the others.
    n_iter = int(replicas.agree([float(rng.integers(0, max_iter + 1))])[0])
    zoom = np.flatnonzero(~full_view)
    if n_iter and zoom.size:
        zoom_t = torch.as_tensor(zoom, device=device)
        model.eval()
        with torch.no_grad():
            for _ in range(n_iter):
                maps = click_maps([clicks[i] for i in zoom], prev[zoom_t])
                prev[zoom_t] = torch.sigmoid(forward(model, images[zoom], maps, device))[:, 0]
                preds = (prev[zoom_t] > THRESHOLD).cpu().numpy()
                tasks = [(preds[j], masks[i], clicks[i]) for j, i in enumerate(zoom)]
                found = pool.map(_next_click_task, tasks) if pool is not None else map(_next_click_task, tasks)
                for i, nc in zip(zoom, found):
                    if nc is not None:
                        clicks[i].append(nc)
        model.train()
    logits = forward(model, images, click_maps(clicks, prev), device)
    target = torch.from_numpy(masks[:, None].astype(np.float32)).to(device)
    loss = normalized_focal_loss(logits, target)
    apply_gradients(model, opt, loss, 1.0, replicas)
    return loss.item()


def _predictor(model, device):
    """predict(image [H, W], click maps [3, H, W]) -> probability [H, W], without gradients."""
    def predict(image, maps):
        with torch.no_grad():
            return torch.sigmoid(forward(model, image[None], maps[None], device))[0, 0].cpu().numpy()
    return predict


def _curve_summary(curves, max_clicks, prefix=""):
    """NoC@80/85/90, the spread of NoC@85, IoU after 1 and 5 clicks, samples never at 85%."""
    res = {f"{prefix}noc{t}": float(np.mean([noc(c, t / 100, max_clicks) for c in curves])) for t in (80, 85, 90)}
    res[f"{prefix}noc85_std"] = float(np.std([noc(c, 0.85, max_clicks) for c in curves]))
    res[f"{prefix}iou@1"] = float(np.mean([c[0] for c in curves]))
    res[f"{prefix}iou@5"] = float(np.mean([c[min(4, len(c) - 1)] for c in curves]))
    res[f"{prefix}over20@85"] = int(sum(max(c) < 0.85 for c in curves))
    return res


def validate(model, val, device, max_clicks=20):
    model.eval()
    predict = _predictor(model, device)
    curves = [simulate(predict, im, gt, max_clicks) for im, gt, _ in val]
    model.train()
    return _curve_summary(curves, max_clicks)


def validate_app(model, app_val, device, input_size, max_clicks=20, threshold=THRESHOLD, min_crop=None):
    """The app-protocol monitor: whole held-out slices through the app's request path, with the
    threshold and zoom-in the variant's manifest will give the app (APP_SETTINGS)."""
    t0 = time.time()
    model.eval()
    predict = _predictor(model, device)
    curves = [simulate_app(predict, im, gt, sp, input_size, max_clicks, threshold, min_crop=min_crop)
              for im, gt, sp, _ in app_val]
    model.train()
    res = _curve_summary(curves, max_clicks, prefix="app_")
    res["app_seconds"] = round(time.time() - t0, 1)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", default="cpu", choices=sorted(VARIANTS))
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock training budget of this invocation")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    add_worker_arguments(ap)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--out", default=None, help="run folder (default native-models/runs/click-<variant>)")
    ap.add_argument("--resume", action="store_true", help="continue from <out>/last.pt")
    ap.add_argument("--val-every", type=float, default=15.0, help="minutes between validation NoC runs")
    ap.add_argument("--val-slices", type=int, default=12)
    ap.add_argument("--no-sim", action="store_true", help="ignore simulated knee images even if present")
    ap.add_argument("--data-pack", default=None,
                    help="read the training volumes from this pack (pack_data.py) instead of ../shared/data")
    ap.add_argument("--init-weights", default=None,
                    help="start from this checkpoint's model weights with a fresh optimiser (fine-tuning elsewhere)")
    ap.add_argument("--weights-out", default=None, help="also write the final weights, without optimiser, here")
    ap.add_argument("--loader-workers", type=int, default=0,
                    help="background processes drawing batches (a GPU run: most cores; 0 draws in the trainer)")
    ap.add_argument("--click-workers", type=int, default=0,
                    help="processes computing the iterative training clicks (0: in the trainer)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pseudo-real-knee", type=float, default=0.0, metavar="WEIGHT",
                    help="add the unlabelled real knee (resources/sample) with edge-bounded pseudo-objects "
                         "(isegdata/pseudo.py) at this sampling weight; 0: off (experimental)")
    ap.add_argument("--synth", type=float, default=0.0,
                    help="share of samples with a SynthSeg-style image generated from the labels (isegdata/synth.py), 0..1")
    ap.add_argument("--acquisition-noise", type=float, default=0.0,
                    help="share of samples with noise on the slice's own grid before resampling (synth.acquisition_noise), 0..1")
    ap.add_argument("--full-view-prob", type=float, default=0.3,
                    help="share of samples drawn as the app's first-click view (whole slice, 1-2 clicks)")
    ap.add_argument("--multi-prob", type=float, default=0.4,
                    help="share of zoom-in-like samples starting with RITM-style multi-point clicks")
    ap.add_argument("--max-points", type=int, default=12, help="most initial clicks of a multi-point sample")
    ap.add_argument("--max-iter-clicks", type=int, default=4, help="iterative clicks per step: 0..this")
    ap.add_argument("--app-val-slices", type=int, default=12,
                    help="whole held-out slices for the app-protocol monitor (0: off)")
    a = ap.parse_args(argv)
    if a.pseudo_real_knee < 0:
        ap.error(f"--pseudo-real-knee is a sampling weight and must be >= 0, got {a.pseudo_real_knee}")
    if not 0.0 <= a.synth <= 1.0:
        ap.error(f"--synth is a share of the samples and must lie in 0..1, got {a.synth}")
    if not 0.0 <= a.acquisition_noise <= 1.0:
        ap.error(f"--acquisition-noise is a share of the samples and must lie in 0..1, got {a.acquisition_noise}")
    launch(a.workers, _train, a)


def _train(replicas, a):
    """One replica's run (the only one unless --workers > 1); rank 0 logs, validates and saves."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(replicas.seed(a.seed))
    device = pick_device(a.device)
    batch = split_batch(a.batch, replicas)
    out = Path(a.out or Path(__file__).resolve().parent / "runs" / f"click-{a.variant}")
    log = Logger(out, enabled=replicas.is_main)

    if (a.loader_workers or a.click_workers) and replicas.world > 1:
        raise SystemExit("--loader-workers / --click-workers serve one trainer process; use them without --workers")
    vols = training_volumes(a.data_pack, include_sim=not a.no_sim)
    if a.pseudo_real_knee > 0:
        vols.append(pseudo_object_volume(weight=a.pseudo_real_knee))
    size = VARIANTS[a.variant].input_size[0]
    input_size = tuple(VARIANTS[a.variant].input_size)
    stream = BatchStream(vols, batch, size, replicas.seed(a.seed + 1), a.full_view_prob, a.multi_prob, a.max_points,
                         a.synth, a.acquisition_noise)
    # Both kinds of helper process fork before this process touches CUDA.
    batches = batch_loader(stream, a.loader_workers)
    pool = multiprocessing.get_context("fork").Pool(a.click_workers) if a.click_workers > 0 else None
    val = validation_slices(vols, n=a.val_slices, size=size) if replicas.is_main else []
    app_val = app_validation_slices(vols, n=a.app_val_slices) if a.app_val_slices > 0 and replicas.is_main else []

    model = build_click_model(a.variant).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    step, total_s = resume(out, model, opt, device, log) if a.resume and (out / "last.pt").exists() else (0, 0.0)
    if a.init_weights and not (a.resume and step):
        step, total_s = init_weights(model, a.init_weights, device, log)
    replicas.broadcast_model(model)
    log(f"click model {a.variant}: {count_params(model):,} params; sources: {[v.name for v in vols]}; "
        f"{len(val)} validation slices, {len(app_val)} app-protocol ones; "
        f"budget {a.minutes} min on {device}, {replicas.world} worker(s) x{a.threads} threads, batch {batch} each; "
        f"{a.loader_workers} loader and {a.click_workers} click processes; synthetic share {a.synth}")

    def one_step():
        return train_step(model, opt, next(batches), rng, device, a.max_iter_clicks, replicas, pool)

    def validate_both():
        t0 = time.time()
        res = validate(model, val, device)
        res["seconds"] = round(time.time() - t0, 1)
        if app_val:
            app = APP_SETTINGS.get(a.variant, {})
            res.update(validate_app(model, app_val, device, input_size, threshold=app.get("threshold", THRESHOLD),
                                    min_crop=app.get("zoomIn", {}).get("minCropSize")))
        return res

    step, seconds, ema = train_for_budget(
        model=model, opt=opt, train_step=one_step, validate=validate_both, out=out, log=log,
        minutes=a.minutes, base_lr=a.lr, val_every=a.val_every, step=step, seconds=total_s,
        checkpoint_extra={"variant": a.variant, "config": VARIANTS[a.variant].to_dict()}, replicas=replicas)
    if pool is not None:
        pool.terminate()
    del batches  # shuts the loader's worker processes down (the final validation needs none)
    if not replicas.is_main:
        return
    if a.weights_out:
        save_weights(a.weights_out, model, step=step, seconds=seconds, variant=a.variant,
                     config=VARIANTS[a.variant].to_dict())
    res = validate_both()
    summary = {"variant": a.variant, "steps": step, "minutes": seconds / 60, "batch": a.batch, "final_loss_ema": ema,
               "validation": res, "validation_slices": [n for _, _, n in val],
               "app_validation_slices": [n for *_, n in app_val], "sources": [v.name for v in vols],
               "device": str(device), "threads": a.threads, "workers": replicas.world,
               "loader_workers": a.loader_workers, "click_workers": a.click_workers, "data_pack": a.data_pack,
               "init_weights": a.init_weights, "synth": a.synth, "acquisition_noise": a.acquisition_noise, "pseudo_real_knee": a.pseudo_real_knee}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    log(f"done: {json.dumps(summary)}", summary=summary)


if __name__ == "__main__":
    main()
