"""The official iSegFormer click-model architecture (Swin backbone + SegFormer-style head, as in
uncbiag/iSegFormer's `SwinformerModel`), written here from a reading of that code, with the
official parameter names so official checkpoints load with strict=True:

  backbone.patch_embed.{proj,norm}.*            image 4x4 patch embedding (+ LayerNorm)
  backbone.patch_embed_coords.{proj,norm}.*     click-map patch embedding
  backbone.layers.<i>.blocks.<j>.{norm1,attn.{relative_position_bias_table,relative_position_index,
      qkv,proj},norm2,mlp.{fc1,fc2}}.*          Swin blocks
  backbone.layers.<i>.downsample.{norm,reduction}.*   patch merging (stages 0-2)
  backbone.norm<i>.*                            per-stage output LayerNorm
  head.convs.<i>.{conv,bn}.*                    1x1 conv + BN + ReLU per stage (SegFormer head)
  head.fusion_conv.{conv,bn}.*                  1x1 conv + BN + ReLU on the concatenation
  head.conv_seg.*                               1x1 conv to one logit
  head.up_conv1.*, head.up_conv2.*              optional x2/x4 upsampling branches (unused for 'x1')

Differences from the official forward that the wrapper handles so the ONNX graph keeps our
contract: the official model normalises the image itself (we feed an already normalised image),
orders the click maps [previous mask, positive, negative] (we feed [positive, negative, previous
mask]) and upsamples its stride-4 logits with align_corners=True (kept).

In the official forward as read, the click maps go through `patch_embed` (the image embedding)
and `patch_embed_coords` is unused; `coords_embed="shared"` reproduces that, "separate" uses
patch_embed_coords for checkpoints trained with a corrected forward.
"""
from __future__ import annotations

import re

import torch
import torch.nn as nn
import torch.nn.functional as F

from isegnet.swin import PatchEmbed, SwinStage, relative_position_index


class OfficialSwin(nn.Module):
    def __init__(self, embed_dim, depths, heads, window):
        super().__init__()
        self.patch_embed = PatchEmbed(3, embed_dim)
        self.patch_embed_coords = PatchEmbed(3, embed_dim)
        self.layers = nn.ModuleList()
        self.dims = [embed_dim * 2**i for i in range(len(depths))]
        for i, (d, h) in enumerate(zip(depths, heads)):
            stage = SwinStage(self.dims[i], d, h, window, downsample=i < len(depths) - 1)
            for blk in stage.blocks:  # the official checkpoints store the index: keep it persistent
                blk.attn.register_buffer("relative_position_index", relative_position_index(window))
            self.layers.append(stage)
        for i, dim in enumerate(self.dims):
            self.add_module(f"norm{i}", nn.LayerNorm(dim))

    def forward(self, x):
        b, _, h, w = x.shape
        tokens = x.flatten(2).transpose(1, 2)
        outs = []
        for i, (stage, dim) in enumerate(zip(self.layers, self.dims)):
            out, oh, ow, tokens = stage(tokens, h, w)
            out = getattr(self, f"norm{i}")(out)
            outs.append(out.view(b, oh, ow, dim).permute(0, 3, 1, 2).contiguous())
            h, w = (h + 1) // 2, (w + 1) // 2
        return outs


class ConvModule(nn.Module):
    """mmcv-style conv + BN + ReLU (conv without bias because BN follows)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def _up_branch(cin, cout):
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 2, stride=2), nn.GroupNorm(1, cout), nn.Conv2d(cout, cout, 1),
                         nn.GroupNorm(1, cout), nn.GELU())


class OfficialHead(nn.Module):
    def __init__(self, in_dims, channels):
        super().__init__()
        self.convs = nn.ModuleList(ConvModule(c, channels) for c in in_dims)
        self.fusion_conv = ConvModule(channels * len(in_dims), channels)
        self.conv_seg = nn.Conv2d(channels, 1, 1)
        self.up_conv1 = _up_branch(channels, channels // 2)
        self.up_conv2 = _up_branch(channels // 2, channels // 4)

    def forward(self, feats):
        size = feats[0].shape[-2:]
        outs = [F.interpolate(c(f), size=size, mode="bilinear", align_corners=False) for c, f in zip(self.convs, feats)]
        return self.conv_seg(self.fusion_conv(torch.cat(outs, 1)))


class OfficialISegFormer(nn.Module):
    """forward(image [B,3,H,W] normalised, clicks [B,3,H,W] = pos, neg, prev) -> logits [B,1,H,W]."""

    def __init__(self, embed_dim, depths, heads, window, head_channels, coords_embed="shared"):
        super().__init__()
        self.backbone = OfficialSwin(embed_dim, depths, heads, window)
        self.head = OfficialHead(self.backbone.dims, head_channels)
        self.coords_embed = coords_embed

    def forward(self, image, clicks):
        coords = torch.cat([clicks[:, 2:3], clicks[:, 0:2]], 1)  # official order: prev, pos, neg
        embed = self.backbone.patch_embed if self.coords_embed == "shared" else self.backbone.patch_embed_coords
        x = self.backbone.patch_embed(image) + embed(coords)
        logits = self.head(self.backbone(x))
        return F.interpolate(logits, scale_factor=4.0, mode="bilinear", align_corners=True)


SWIN_B = dict(embed_dim=128, depths=(2, 2, 18, 2), heads=(4, 8, 16, 32), window=12, head_channels=256)
SWIN_L = dict(embed_dim=192, depths=(2, 2, 18, 2), heads=(6, 12, 24, 48), window=12, head_channels=256)


def infer_config(sd: dict) -> dict:
    """Architecture hyper-parameters from an official state dict's names and shapes."""
    embed = sd["backbone.patch_embed.proj.weight"].shape[0]
    depths, heads = [], []
    i = 0
    while f"backbone.layers.{i}.blocks.0.norm1.weight" in sd:
        blocks = {int(m.group(1)) for k in sd for m in [re.match(rf"backbone\.layers\.{i}\.blocks\.(\d+)\.", k)] if m}
        depths.append(len(blocks))
        heads.append(sd[f"backbone.layers.{i}.blocks.0.attn.relative_position_bias_table"].shape[1])
        i += 1
    table = sd["backbone.layers.0.blocks.0.attn.relative_position_bias_table"].shape[0]
    window = (int(round(table ** 0.5)) + 1) // 2
    return dict(embed_dim=embed, depths=tuple(depths), heads=tuple(heads), window=window,
                head_channels=sd["head.convs.0.conv.weight"].shape[0])
