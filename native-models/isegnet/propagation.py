"""STCN-style propagation networks, light enough for a CPU (three separate ONNX graphs).

  key encoder   image [B,3,H,W] -> key [B,Ck,H/16,W/16], f16 [B,C16,H/16,W/16],
                                   f8 [B,C8,H/8,W/8], f4 [B,C4,H/4,W/4]
  value encoder image [B,3,H,W], mask [B,1,H,W], otherMask [B,1,H,W], f16 -> value [B,Cv,H/16,W/16]
  decoder       readout [B,Cv,H/16,W/16], f16, f8, f4 -> logits [B,1,H,W]

The memory read-out between them (L2 affinity, top-k, softmax, weighted sum) is `readout()`
below; the app runs the same formula in TypeScript, so it is not part of any graph. Every frame is
key-encoded once; only frames that enter the memory are value-encoded. H and W must be multiples
of 16 and stay symbolic in the exported graphs (everything is convolutional).

Backbones are small ResNet-style stacks (BasicBlocks, BatchNorm folded into the convs by ONNX
Runtime) instead of STCN's ResNet-50/18: the CPU budget is a few ms per 384x384 slice.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class PropConfig:
    key_widths: tuple    # stem (1/2), f4, f8, f16 channels of the key encoder
    value_widths: tuple  # stem, 1/4, 1/8, 1/16 channels of the value encoder
    key_dim: int
    value_dim: int
    decoder_widths: tuple  # at 1/16, 1/8, 1/4

    def to_dict(self):
        return asdict(self)


PROP_VARIANTS = {
    # ~0.2 GMAC per network at 384x384 (measured latencies in the model card).
    "cpu": PropConfig((12, 16, 32, 64), (8, 16, 24, 48), 64, 64, (64, 32, 16)),
    "tiny": PropConfig((4, 4, 8, 8), (4, 4, 4, 8), 8, 8, (8, 4, 4)),
}


def conv_bn(cin, cout, k=3, s=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = conv_bn(cin, cout, 3, stride)
        self.conv2 = conv_bn(cout, cout, 3, 1)
        self.short = conv_bn(cin, cout, 1, stride) if (stride != 1 or cin != cout) else nn.Identity()

    def forward(self, x):
        return F.relu(self.short(x) + self.conv2(F.relu(self.conv1(x))))


def stage(cin, cout, blocks=2):
    return nn.Sequential(BasicBlock(cin, cout, 2), *[BasicBlock(cout, cout) for _ in range(blocks - 1)])


class KeyEncoder(nn.Module):
    def __init__(self, cfg: PropConfig):
        super().__init__()
        w = cfg.key_widths
        self.stem = nn.Sequential(conv_bn(3, w[0], 3, 2), nn.ReLU(inplace=True))
        # One block at the expensive high resolutions, two at 1/16 where the keys are formed.
        self.layer1, self.layer2, self.layer3 = stage(w[0], w[1], 1), stage(w[1], w[2], 1), stage(w[2], w[3], 2)
        self.key_proj = nn.Conv2d(w[3], cfg.key_dim, 3, 1, 1)
        # Orthogonal init keeps the initial keys spread out (as STCN does for its key projection).
        nn.init.orthogonal_(self.key_proj.weight.data)
        nn.init.zeros_(self.key_proj.bias.data)

    def forward(self, image):
        f4 = self.layer1(self.stem(image))
        f8 = self.layer2(f4)
        f16 = self.layer3(f8)
        return self.key_proj(f16), f16, f8, f4


class ValueEncoder(nn.Module):
    def __init__(self, cfg: PropConfig):
        super().__init__()
        w = cfg.value_widths
        self.stem = nn.Sequential(conv_bn(5, w[0], 3, 2), nn.ReLU(inplace=True))
        self.layer1 = stage(w[0], w[1], 1)
        self.layer2 = stage(w[1], w[2], 1)
        self.layer3 = stage(w[2], w[3], 1)
        # Fuse with the key encoder's f16 (appearance features computed anyway) as STCN does.
        self.fuse = BasicBlock(w[3] + cfg.key_widths[3], cfg.value_dim)

    def forward(self, image, mask, other_mask, f16):
        x = self.layer3(self.layer2(self.layer1(self.stem(torch.cat([image, mask, other_mask], 1)))))
        return self.fuse(torch.cat([x, f16], 1))


class UpBlock(nn.Module):
    """Coarse x: 1x1 to the output width (cheap at low resolution), upsampled x2, plus the
    projected skip, then a residual block at the finer resolution."""

    def __init__(self, skip_c, in_c, out_c):
        super().__init__()
        self.reduce = nn.Conv2d(in_c, out_c, 1)
        self.skip = nn.Conv2d(skip_c, out_c, 3, 1, 1)
        self.block = BasicBlock(out_c, out_c)

    def forward(self, skip, x):
        x = F.interpolate(self.reduce(x), scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.block(self.skip(skip) + x)


class Decoder(nn.Module):
    def __init__(self, cfg: PropConfig):
        super().__init__()
        d, k = cfg.decoder_widths, cfg.key_widths
        self.compress = BasicBlock(cfg.value_dim + k[3], d[0])
        self.up_16_8 = UpBlock(k[2], d[0], d[1])
        self.up_8_4 = UpBlock(k[1], d[1], d[2])
        self.pred = nn.Conv2d(d[2], 1, 3, 1, 1)

    def forward(self, readout, f16, f8, f4):
        x = self.compress(torch.cat([readout, f16], 1))
        x = self.up_8_4(f4, self.up_16_8(f8, x))
        x = self.pred(x)
        return F.interpolate(x, scale_factor=4.0, mode="bilinear", align_corners=False)


def readout(qk, mk, mv, top_k: int = 20):
    """Memory read-out, the exact formula the TypeScript engine implements.

    qk: query key [B, Ck, h, w]; mk: memory keys [B, Ck, N]; mv: memory values [B, Cv, N]
    (N = frames * h * w, memory frames concatenated along N in insertion order).
      s[n, q] = (2 * <mk_n, qk_q> - |mk_n|^2) / sqrt(Ck)    (-|qk_q|^2 omitted: same for all n)
      keep the top_k largest s[., q] over n (all N if N < top_k),
      w = softmax over the kept entries (max-subtracted),
      out[:, q] = sum_kept w[n, q] * mv[:, n]
    Returns [B, Cv, h, w].
    """
    b, ck, h, w = qk.shape
    q = qk.flatten(2)
    aff = (2 * mk.transpose(1, 2) @ q - mk.pow(2).sum(1).unsqueeze(2)) / math.sqrt(ck)  # [B, N, hw]
    k = min(top_k, aff.shape[1])
    vals, idx = aff.topk(k, dim=1)
    wts = torch.softmax(vals, dim=1)
    sparse = torch.zeros_like(aff).scatter(1, idx, wts)
    return (mv @ sparse).view(b, mv.shape[1], h, w)


class PropagationNet(nn.Module):
    def __init__(self, cfg: PropConfig):
        super().__init__()
        self.cfg = cfg
        self.key_encoder = KeyEncoder(cfg)
        self.value_encoder = ValueEncoder(cfg)
        self.decoder = Decoder(cfg)


def build_prop_model(variant: str) -> PropagationNet:
    return PropagationNet(PROP_VARIANTS[variant])
