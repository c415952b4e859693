"""Shared training plumbing: time budget, cosine schedule over wall-clock, checkpoints, logging."""
from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import torch

from .data_parallel import SINGLE


class Budget:
    """Wall-clock budget in minutes for this invocation (resumed runs get a fresh budget)."""

    def __init__(self, minutes: float):
        self.seconds = minutes * 60.0
        self.t0 = time.time()

    def elapsed(self):
        return time.time() - self.t0

    def fraction(self):
        return min(1.0, self.elapsed() / max(self.seconds, 1e-6))

    def done(self):
        return self.elapsed() >= self.seconds


def lr_at(base: float, progress: float, warmup: float = 0.03):
    """Linear warm-up then cosine decay to 2% of base, over the run's progress in [0, 1]."""
    if progress < warmup:
        return base * max(progress / warmup, 0.05)
    p = (progress - warmup) / (1 - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))


def save_checkpoint(path, **state):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a crash mid-write never leaves a broken checkpoint


def load_checkpoint(path, device="cpu"):
    return torch_load(path, device)


def torch_load(path, device="cpu"):
    """torch.load that also reads full checkpoints on torch >= 2.6 (weights_only defaults to True
    there; our and the official checkpoints hold plain dicts and configs, from trusted sources)."""
    try:
        return torch.load(path, map_location=device, weights_only=False)
    except TypeError:  # very old torch without the argument
        return torch.load(path, map_location=device)


class Logger:
    """Prints progress lines and appends their records to <out>/log.jsonl; a disabled one (the
    replicas other than rank 0) does neither."""

    def __init__(self, out_dir, enabled=True):
        self.path = Path(out_dir) / "log.jsonl"
        self.enabled = enabled
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, line: str, **record):
        if not self.enabled:
            return
        print(line, flush=True)
        if record:
            with open(self.path, "a") as f:
                f.write(json.dumps(record) + "\n")


def pick_device(name: str):
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda requested but CUDA is not available")
    return torch.device(name)


def resume(out, model, opt, device, log):
    """Loads <out>/last.pt into model and optimiser; returns (step, seconds trained so far)."""
    ck = load_checkpoint(Path(out) / "last.pt", device)
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["opt"])
    log(f"resumed from step {ck['step']} ({ck['seconds'] / 60:.1f} min trained)")
    return ck["step"], ck["seconds"]


def load_weights(model, ck, path="checkpoint"):
    """Loads ck["model"] into `model` (strict), casting each tensor to the parameter's dtype: the
    committed weights-only checkpoints are float16 to stay small; training runs in float32."""
    if not isinstance(ck, dict) or not isinstance(ck.get("model"), dict):
        raise ValueError(f"{path} is not a checkpoint with model weights (no 'model' state dict in it).")
    own = model.state_dict()
    state = {k: (v.to(own[k].dtype) if k in own and v.is_floating_point() else v) for k, v in ck["model"].items()}
    model.load_state_dict(state)


def slim_checkpoint(src, dst, fp16=True):
    """Writes src's weights without the optimiser state, float16 by default (a sixth of last.pt's
    size: small enough to commit), keeping step, seconds and the run's config."""
    ck = load_checkpoint(src)
    if not isinstance(ck, dict) or not isinstance(ck.get("model"), dict):
        raise ValueError(f"{src} is not a checkpoint with model weights (no 'model' state dict in it).")
    model = {k: (v.half() if fp16 and v.is_floating_point() else v) for k, v in ck["model"].items()}
    extra = {k: v for k, v in ck.items() if k not in ("model", "opt")}
    save_checkpoint(dst, model=model, **extra, dtype="float16" if fp16 else "float32")


def init_weights(model, path, device, log):
    """Loads only the model weights of a checkpoint (last.pt, a weights file, or a float16
    weights file); the optimiser starts fresh. Returns (step, seconds trained so far) as recorded in
    the file, 0 if absent."""
    ck = load_checkpoint(path, device)
    load_weights(model, ck, path)
    step, seconds = int(ck.get("step", 0)), float(ck.get("seconds", 0.0))
    log(f"weights from {path} (step {step}, {seconds / 60:.1f} min trained); fresh optimiser")
    return step, seconds


def freeze_batchnorm(model):
    """Keeps every BatchNorm in eval mode (running statistics, not the batch's) through later
    `model.train()` calls; its affine weight and bias still learn. Needed when the weights come
    from an exported graph whose BatchNorms were folded into the convolutions (recover.py makes
    them identity + bias): batch statistics would change the function. Returns how many."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for norm in norms:
        norm.eval()
        # Module.train(mode) calls each child's train(); this one stays in eval mode.
        norm.train = lambda mode=True, norm=norm: norm
    return len(norms)


def save_weights(path, model, **extra):
    """A checkpoint without the optimiser state (a third of last.pt's size): for export,
    --init-weights, and carrying between machines."""
    save_checkpoint(path, model=model.state_dict(), **extra)


def apply_gradients(model, opt, loss, clip, replicas=SINGLE):
    """Backward, gradients averaged over the replicas, norm clipped to `clip`, optimiser step."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    replicas.average_gradients(model)
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()


def train_for_budget(*, model, opt, train_step, validate, out, log, minutes, base_lr, val_every, checkpoint_extra,
                     step=0, seconds=0.0, replicas=SINGLE):
    """The loop both trainers share: cosine LR over this invocation's wall-clock budget, one
    `train_step()` (returns the loss) per iteration, a progress line every 30 s, a checkpoint every
    5 min and at the end, `validate()` every `val_every` minutes. Returns (steps, seconds, loss EMA).

    With several replicas (isegnet/data_parallel.py), rank 0's clock decides the LR, the end and
    when to log, checkpoint and validate; only rank 0 does the last three."""
    out = Path(out)
    budget = Budget(minutes)

    def checkpoint():
        if replicas.is_main:
            save_checkpoint(out / "last.pt", model=model.state_dict(), opt=opt.state_dict(), step=step,
                            seconds=seconds + budget.elapsed(), workers=replicas.world, **checkpoint_extra)

    ema, last_ck, last_val, t_log = None, time.time(), time.time(), time.time()
    while True:
        now = time.time()
        done, fraction, do_log, do_ck, do_val = replicas.agree([
            budget.done(), budget.fraction(), now - t_log > 30, now - last_ck > 300, now - last_val > val_every * 60])
        if done:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(base_lr, fraction)
        loss = train_step()
        loss = float(loss.detach()) if torch.is_tensor(loss) else float(loss)  # no autograd warning on torch 2.x
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        step += 1
        if do_log:
            t_log = time.time()
            if replicas.is_main:
                log(f"step {step} | {budget.elapsed() / 60:.1f}/{minutes} min | loss {loss:.4f} (ema {ema:.4f}) | "
                    f"lr {opt.param_groups[0]['lr']:.2e}", step=step, minutes=budget.elapsed() / 60, loss=loss,
                    ema=ema)
        if do_ck:
            checkpoint()
            last_ck = time.time()
        if do_val:
            if replicas.is_main:
                res = validate()
                log(f"step {step} | validation {json.dumps(res)}", step=step, val=res)
            last_val = time.time()
    checkpoint()
    return step, seconds + budget.elapsed(), ema
