"""Losses: normalised focal loss (AdaptIS/RITM) for clicks; BCE + soft Dice for propagation."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def normalized_focal_loss(logits, target, alpha: float = 0.5, gamma: float = 2.0, eps: float = 1e-8):
    """Focal loss whose focal weights (1 - p_t)^gamma are rescaled per image to sum to the pixel
    count, so the loss does not fade as the prediction improves (the point of NFL). The
    normaliser is detached, as in RITM. Returns the mean over pixels and images.

    logits, target: [B, 1, H, W]; target in {0, 1}.
    """
    p = torch.sigmoid(logits)
    pt = torch.where(target > 0.5, p, 1 - p)
    beta = (1 - pt) ** gamma
    n = beta[0].numel()
    norm = (n / (beta.sum(dim=(1, 2, 3), keepdim=True) + eps)).detach()
    a = torch.where(target > 0.5, torch.full_like(p, alpha), torch.full_like(p, 1 - alpha))
    loss = -a * beta * norm * torch.log(torch.clamp(pt, min=eps))
    return loss.mean()


def dice_loss(logits, target, eps: float = 1.0):
    p = torch.sigmoid(logits).flatten(1)
    t = target.flatten(1)
    return (1 - (2 * (p * t).sum(1) + eps) / (p.sum(1) + t.sum(1) + eps)).mean()


def bce_dice(logits, target):
    return F.binary_cross_entropy_with_logits(logits, target) + dice_loss(logits, target)
