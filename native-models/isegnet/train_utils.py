"""Shared training plumbing: time budget, cosine schedule over wall-clock, checkpoints, logging."""
from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import torch


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
    def __init__(self, out_dir):
        self.path = Path(out_dir) / "log.jsonl"
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, line: str, **record):
        print(line, flush=True)
        if record:
            with open(self.path, "a") as f:
                f.write(json.dumps(record) + "\n")


def pick_device(name: str):
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda requested but CUDA is not available")
    return torch.device(name)
