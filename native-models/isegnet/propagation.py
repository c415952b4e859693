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


def readout(qk, mk, mv, top_k: int = 20, mask=None):
    """Memory read-out, the exact formula the TypeScript engine implements.

    qk: query key [B, Ck, h, w]; mk: memory keys [B, Ck, N]; mv: memory values [B, Cv, N]
    (N = frames * h * w, memory frames concatenated along N in insertion order); mask: an
    additive [N, h*w] score mask (see readout_windowed).
      s[n, q] = (2 * <mk_n, qk_q> - |mk_n|^2) / sqrt(Ck)    (-|qk_q|^2 omitted: same for all n)
      keep the top_k largest s[., q] over n (all N if N < top_k),
      w = softmax over the kept entries (max-subtracted),
      out[:, q] = sum_kept w[n, q] * mv[:, n]
    Returns [B, Cv, h, w].
    """
    b, ck, h, w = qk.shape
    q = qk.flatten(2)
    aff = (2 * mk.transpose(1, 2) @ q - mk.pow(2).sum(1).unsqueeze(2)) / math.sqrt(ck)  # [B, N, hw]
    if mask is not None:  # [N, hw], 0 where a query sees the position, -1e30 where not
        aff = aff + mask
    k = min(top_k, aff.shape[1])
    vals, idx = aff.topk(k, dim=1)
    wts = torch.softmax(vals, dim=1)
    sparse = torch.zeros_like(aff).scatter(1, idx, wts)
    return (mv @ sparse).view(b, mv.shape[1], h, w)


@dataclass(frozen=True)
class ReadoutWindow:
    """A local read-out, as `readoutTiling` in electron/common/propagation/readout.ts builds it:
    query tiles of tile x tile cells see the memory within `radius` cells of their tile, and with
    pool f >= 2 every frame as means of f x f blocks of cells, at most pool_side blocks a side
    (larger blocks on larger grids; 0: no cap)."""
    tile: int
    radius: int
    pool: int = 0
    pool_side: int = 0

    @staticmethod
    def parse(text):
        """'T,R[,F[,S]]' -> ReadoutWindow; '' or 'full' -> None (every position)."""
        if text in (None, "", "full"):
            return None
        parts = [int(v) for v in text.split(",")]
        pool = parts[2] if len(parts) >= 3 else 0
        side = parts[3] if len(parts) == 4 else None
        if (len(parts) not in (2, 3, 4) or parts[0] < 0 or parts[1] < 0 or pool == 1 or pool < 0
                or (parts[0] == 0 and pool < 2) or (side is not None and (side < 1 or pool < 2))):
            raise ValueError(f"a read-out window is T,R[,F[,S]] with T >= 0, R >= 0, F = 0 or >= 2 (>= 2 when T = 0 "
                             f"or S is given), S >= 1, not {text!r}")
        return ReadoutWindow(*parts)

    def block_edge(self, h: int, w: int) -> int:
        """pooledBlockEdge in readout.ts: the pooled block's edge on an h x w grid (0: no pooling)."""
        if self.pool < 2:
            return 0
        return max(self.pool, -(-max(h, w) // self.pool_side)) if self.pool_side else self.pool


_TILINGS: dict = {}


def readout_tiling(h: int, w: int, window: ReadoutWindow):
    """(allowed [P, P] bool: query position -> memory positions of one frame it sees,
    pooling [G, P]: block means as a matrix). A query in two overlapping edge tiles takes the
    window of the later one, as the TypeScript loop writes tiles in order. Cached per grid."""
    key = (h, w, window)
    if key in _TILINGS:
        return _TILINGS[key]
    allowed = torch.zeros(h * w, h * w, dtype=torch.bool)  # tile 0: only the block means
    th, tw = min(max(window.tile, 1), h), min(max(window.tile, 1), w)
    wh, ww = min(th + 2 * window.radius, h), min(tw + 2 * window.radius, w)
    for ty in range(-(-h // th) if window.tile > 0 else 0):
        for tx in range(-(-w // tw)):
            y0, x0 = min(ty * th, h - th), min(tx * tw, w - tw)
            wy, wx = max(0, min(y0 - window.radius, h - wh)), max(0, min(x0 - window.radius, w - ww))
            sees = torch.zeros(h, w, dtype=torch.bool)
            sees[wy:wy + wh, wx:wx + ww] = True
            for y in range(y0, y0 + th):
                allowed[y * w + x0:y * w + x0 + tw] = sees.flatten()
    pooling = torch.zeros(0, h * w)
    f = window.block_edge(h, w)
    if f:
        rows, cols = -(-h // f), -(-w // f)
        pooling = torch.zeros(rows * cols, h * w)
        for y in range(h):
            for x in range(w):
                pooling[(y // f) * cols + x // f, y * w + x] = 1.0
        pooling = pooling / pooling.sum(1, keepdim=True)
    _TILINGS[key] = (allowed, pooling)
    return allowed, pooling


def windowed_memory(qk, mk, mv, window: ReadoutWindow):
    """The memory a windowed read-out scores: every frame's cells, then every frame's block means
    (mk [B,Ck,T*P], mv [B,Cv,T*P] -> keys, values with T*(P+G) positions) and the additive mask
    [T*(P+G), P] that scores out what each query may not see."""
    b, ck, h, w = qk.shape
    p = h * w
    t = mk.shape[2] // p
    allowed, pooling = readout_tiling(h, w, window)
    allowed, pooling = allowed.to(qk.device), pooling.to(qk.device)
    blocked = torch.zeros(p, p, device=qk.device).masked_fill(~allowed.t(), -1e30)  # [memory, query]
    parts_k, parts_v, masks = [mk], [mv], [blocked.repeat(t, 1)]
    if pooling.shape[0]:
        g = pooling.shape[0]
        parts_k.append((mk.view(b, ck, t, p) @ pooling.t()).flatten(2))
        parts_v.append((mv.view(b, mv.shape[1], t, p) @ pooling.t()).flatten(2))
        masks.append(torch.zeros(t * g, p, device=qk.device))
    return torch.cat(parts_k, 2), torch.cat(parts_v, 2), torch.cat(masks, 0)


def readout_windowed(qk, mk, mv, window: ReadoutWindow | None, top_k: int = 20):
    """`readout` with the app's local window (None: the full read-out). The memory positions a
    query may not see are scored -1e30 before the top-k, so they are never kept while the query
    sees at least k positions (the app's k is min(top_k, positions seen))."""
    if window is None:
        return readout(qk, mk, mv, top_k)
    keys, values, mask = windowed_memory(qk, mk, mv, window)
    return readout(qk, keys, values, top_k, mask)


class PropagationNet(nn.Module):
    def __init__(self, cfg: PropConfig):
        super().__init__()
        self.cfg = cfg
        self.key_encoder = KeyEncoder(cfg)
        self.value_encoder = ValueEncoder(cfg)
        self.decoder = Decoder(cfg)


def build_prop_model(variant: str) -> PropagationNet:
    return PropagationNet(PROP_VARIANTS[variant])
