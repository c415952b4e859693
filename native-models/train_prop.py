"""Train the STCN-style propagation networks on slice sequences.

  /usr/bin/python3 native-models/train_prop.py --minutes 60 --device cpu --threads 2

A sample is T neighbouring slices (step 1-3, either direction) with one object. Frame 0's true
mask goes into the memory; every later frame is key-encoded, read from the memory with
`readout()` (L2 affinity, top-k 20, softmax, weighted sum), decoded, and its *predicted*
probability is value-encoded into the memory for the next frame, as at inference. Loss: BCE +
soft Dice on frames 1..T-1. Validation: mean Dice of the predicted frames on fixed held-out
sequences. Checkpoints: <out>/last.pt (resumable).
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from isegdata.samplers import SequenceSampler  # noqa: E402
from isegdata.pack import training_volumes  # noqa: E402
from isegdata.sources import to_model_input  # noqa: E402
from isegnet.click_model import count_params  # noqa: E402
from isegnet.losses import bce_dice  # noqa: E402
from isegnet.propagation import PROP_VARIANTS, ReadoutWindow, build_prop_model, readout_windowed  # noqa: E402
from isegnet.data_parallel import add_worker_arguments, launch, split_batch  # noqa: E402
from isegnet.train_utils import (Logger, apply_gradients, freeze_batchnorm, init_weights, pick_device, resume,  # noqa: E402
                                 train_for_budget)

TOP_K = 20


def propagate(net, images, masks, others, device, top_k=TOP_K, window=None):
    """images [B,T,H,W] in [0,1], masks/others [B,T,H,W] -> logits for frames 1..T-1 [B,T-1,1,H,W].
    window: the app's local read-out (ReadoutWindow) or None for every memory position."""
    b, t, h, w = images.shape
    x = torch.from_numpy(to_model_input(images)).to(device).flatten(0, 1)
    key, f16, f8, f4 = net.key_encoder(x)
    unflat = lambda z: z.view(b, t, *z.shape[1:])  # noqa: E731
    key, f16, f8, f4 = map(unflat, (key, f16, f8, f4))
    x = x.view(b, t, 3, h, w)
    m = torch.from_numpy(masks.astype(np.float32)).to(device)[:, :, None]
    o = torch.from_numpy(others.astype(np.float32)).to(device)[:, :, None]
    mem_k = [key[:, 0].flatten(2)]
    mem_v = [net.value_encoder(x[:, 0], m[:, 0], o[:, 0], f16[:, 0]).flatten(2)]
    outs = []
    for i in range(1, t):
        r = readout_windowed(key[:, i], torch.cat(mem_k, 2), torch.cat(mem_v, 2), window, top_k)
        logits = net.decoder(r, f16[:, i], f8[:, i], f4[:, i])
        outs.append(logits)
        if i < t - 1:
            mem_k.append(key[:, i].flatten(2))
            mem_v.append(net.value_encoder(x[:, i], torch.sigmoid(logits), o[:, i], f16[:, i]).flatten(2))
    return torch.stack(outs, 1)


def dice(pred, gt):
    s = pred.sum() + gt.sum()
    return float(2 * (pred & gt).sum() / s) if s else 1.0


def validate(net, val, device, past_end=(), window=None):
    """Dice over the monitor's target frames; with `past_end` sequences also `past_end_area`: the
    area predicted on their empty last frame as a share of the first frame's object (0 is right)."""
    net.eval()
    scores, leftover = [], []
    with torch.no_grad():
        for imgs, ms, os_ in val:
            logits = propagate(net, imgs[None], ms[None], os_[None], device, window=window)[0, :, 0].cpu().numpy()
            scores += [dice(logits[j] > 0, ms[j + 1]) for j in range(len(logits))]
        for imgs, ms, os_ in past_end:
            logits = propagate(net, imgs[None], ms[None], os_[None], device, window=window)[0, :, 0].cpu().numpy()
            leftover.append(float((logits[-1] > 0).sum()) / max(1, int(ms[0].sum())))
    net.train()
    result = {"dice": float(np.mean(scores)), "dice_std": float(np.std(scores)), "frames": len(scores)}
    if leftover:
        result["past_end_area"] = float(np.mean(leftover))
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", default="cpu", choices=sorted(PROP_VARIANTS))
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    add_worker_arguments(ap)
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--size", type=int, default=192, help="training crop (multiple of 16)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--out", default=None)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init-weights", default=None,
                    help="start from these weights (e.g. checkpoints/stcn-lite-cpu-recovered.fp16.pt); fresh optimiser")
    ap.add_argument("--freeze-bn", action="store_true",
                    help="BatchNorms keep their running statistics (needed with recovered, folded weights)")
    ap.add_argument("--past-end", type=float, default=0.0,
                    help="share of sequences whose last frame is past the object's end (empty target)")
    ap.add_argument("--readout-window", default=None, type=ReadoutWindow.parse,
                    help="train with the app's local read-out T,R[,F] (electron/common/propagation/readout.ts); default: full")
    ap.add_argument("--val-every", type=float, default=15.0)
    ap.add_argument("--native-prob", type=float, default=0.5,
                    help="share of views at the slice's native pixel size (the app's scale); the rest fit the object")
    ap.add_argument("--no-sim", action="store_true")
    ap.add_argument("--data-pack", default=None,
                    help="read the training volumes from this pack (pack_data.py) instead of ../shared/data")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    launch(a.workers, _train, a)


def _train(replicas, a):
    """One replica's run (the only one unless --workers > 1); rank 0 logs, validates and saves."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = pick_device(a.device)
    batch = split_batch(a.batch, replicas)
    out = Path(a.out or Path(__file__).resolve().parent / "runs" / f"prop-{a.variant}")
    log = Logger(out, enabled=replicas.is_main)
    vols = training_volumes(a.data_pack, include_sim=not a.no_sim)
    sampler = SequenceSampler(vols, size=a.size, frames=a.frames, seed=replicas.seed(a.seed + 1),
                              native_prob=a.native_prob, past_end_prob=a.past_end)
    # Held-out monitor: sequences drawn with another seed (random views of training volumes;
    # not independent data, only a sanity signal - real evaluation runs in the app).
    val = [SequenceSampler(vols, size=a.size, frames=a.frames, seed=10_000 + i, native_prob=a.native_prob).sample()
           for i in range(16)] if replicas.is_main else []
    # The same monitor for sequences that run past the object's end: how much is still predicted there.
    val_past_end = [SequenceSampler(vols, size=a.size, frames=a.frames, seed=20_000 + i, native_prob=a.native_prob,
                                    past_end_prob=1.0).sample()
                    for i in range(8)] if replicas.is_main and a.past_end > 0 else []

    net = build_prop_model(a.variant).to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=1e-4)
    step, total_s = resume(out, net, opt, device, log) if a.resume and (out / "last.pt").exists() else (0, 0.0)
    if a.init_weights and not (a.resume and step):
        step, total_s = init_weights(net, a.init_weights, device, log)
    if a.freeze_bn:
        log(f"{freeze_batchnorm(net)} BatchNorms frozen (running statistics)")
    replicas.broadcast_model(net)
    log(f"propagation {a.variant}: {count_params(net):,} params; read-out window {a.readout_window}; sources {[v.name for v in vols]}; "
        f"budget {a.minutes} min on {device}, {replicas.world} worker(s) x{a.threads} threads, batch {batch} each")

    def one_step():
        imgs, ms, os_ = sampler.batch(batch)
        logits = propagate(net, imgs, ms, os_, device, window=a.readout_window)
        target = torch.from_numpy(ms[:, 1:, None].astype(np.float32)).to(device)
        loss = bce_dice(logits.flatten(0, 1), target.flatten(0, 1))
        apply_gradients(net, opt, loss, 2.0, replicas)
        return loss

    step, seconds, ema = train_for_budget(
        model=net, opt=opt, train_step=one_step, validate=lambda: validate(net, val, device, val_past_end, a.readout_window), out=out, log=log,
        minutes=a.minutes, base_lr=a.lr, val_every=a.val_every, step=step, seconds=total_s,
        checkpoint_extra={"variant": a.variant, "config": PROP_VARIANTS[a.variant].to_dict()}, replicas=replicas)
    if not replicas.is_main:
        return
    res = validate(net, val, device, val_past_end, a.readout_window)
    summary = {"variant": a.variant, "steps": step, "minutes": seconds / 60, "batch": a.batch, "frames": a.frames,
               "size": a.size, "final_loss_ema": ema, "validation": res, "sources": [v.name for v in vols],
               "device": str(device), "threads": a.threads, "workers": replicas.world, "topK": TOP_K,
               "init_weights": a.init_weights, "freeze_bn": a.freeze_bn, "past_end": a.past_end,
               "readout_window": None if a.readout_window is None else asdict(a.readout_window)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    log(f"done: {json.dumps(summary)}", summary=summary)


if __name__ == "__main__":
    main()
