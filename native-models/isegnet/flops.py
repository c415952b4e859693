"""Approximate multiply-accumulate count of one forward pass (conv, linear, window attention).
Norms, activations and resampling are ignored: they are small next to the matmuls."""
from __future__ import annotations

import torch
import torch.nn as nn

from .swin import WindowAttention


def count_macs(model: nn.Module, *inputs) -> int:
    total = [0]

    def conv(m, i, o):
        total[0] += o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear(m, i, o):
        total[0] += o.numel() * m.in_features

    def attn(m, i, o):
        bw, n, c = i[0].shape
        total[0] += 2 * bw * n * n * c  # q @ k^T and attn @ v

    hooks = []
    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            hooks.append(mod.register_forward_hook(conv))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(linear))
        elif isinstance(mod, WindowAttention):
            hooks.append(mod.register_forward_hook(attn))
    model.eval()
    with torch.no_grad():
        model(*inputs)
    for h in hooks:
        h.remove()
    return total[0]
