"""The official STCN architecture (hkchengrex/STCN, model/network.py + modules.py), written here
from a reading of that code, with its parameter names so `stcn.pth` loads with strict=True:

  key_encoder.{conv1,bn1,res2,layer2,layer3}.*   ResNet-50 up to layer3 (torchvision names)
  key_proj.key_proj.*                            3x3 conv 1024 -> 64 (keys)
  key_comp.*                                     3x3 conv 1024 -> 512 (f16 "thin", for the decoder)
  value_encoder.{conv1,bn1,layer1,layer2,layer3}.*  ResNet-18 up to layer3, conv1 takes 5 channels
  value_encoder.fuser.block{1,2}.{conv1,conv2,downsample}.*   fusion with the key f16 -> 512
  decoder.compress.*, decoder.up_16_8.*, decoder.up_8_4.*, decoder.pred.*

Our three graphs regroup them without changing any computation: keyEncoder = key_encoder +
key_proj (outputs key, f16 (1024), f8, f4); valueEncoder = value_encoder; decoder = key_comp +
decoder (the read-out is concatenated with key_comp(f16) inside, as STCN does). `width_div`
shrinks every width for fast tests; the names and structure stay the official ones.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1):
        super().__init__()
        out = planes * 4
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)  # stride on the 3x3 (ResNet v1.5)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.downsample = (nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))
                           if stride != 1 or cin != out else None)

    def forward(self, x):
        r = F.relu(self.bn1(self.conv1(x)))
        r = F.relu(self.bn2(self.conv2(r)))
        r = self.bn3(self.conv3(r))
        return F.relu(r + (x if self.downsample is None else self.downsample(x)))


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = (nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
                           if stride != 1 or cin != planes else None)

    def forward(self, x):
        r = F.relu(self.bn1(self.conv1(x)))
        r = self.bn2(self.conv2(r))
        return F.relu(r + (x if self.downsample is None else self.downsample(x)))


def _layer(block, cin, planes, n, stride):
    layers = [block(cin, planes, stride)] + [block(planes * block.expansion, planes) for _ in range(n - 1)]
    return nn.Sequential(*layers), planes * block.expansion


class ResBlock(nn.Module):
    """STCN's pre-activation residual block (convs with bias, 3x3 projection when widths differ)."""

    def __init__(self, cin, cout=None):
        super().__init__()
        cout = cout or cin
        self.downsample = None if cin == cout else nn.Conv2d(cin, cout, 3, padding=1)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x):
        r = self.conv2(F.relu(self.conv1(F.relu(x))))
        return r + (x if self.downsample is None else self.downsample(x))


class Stem(nn.Module):
    def __init__(self, cin, w):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, w, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w)

    def stem(self, x):
        return F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)


class KeyResNet50(Stem):
    def __init__(self, d=1):
        super().__init__(3, 64 // d)
        self.res2, c = _layer(Bottleneck, 64 // d, 64 // d, 3, 1)
        self.layer2, c = _layer(Bottleneck, c, 128 // d, 4, 2)
        self.layer3, c = _layer(Bottleneck, c, 256 // d, 6, 2)

    def forward(self, x):
        f4 = self.res2(self.stem(x))
        f8 = self.layer2(f4)
        return self.layer3(f8), f8, f4


class FeatureFusionBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.block1 = ResBlock(cin, cout)
        self.block2 = ResBlock(cout, cout)

    def forward(self, x, f16):
        return self.block2(self.block1(torch.cat([x, f16], 1)))


class ValueResNet18(Stem):
    def __init__(self, d=1):
        super().__init__(5, 64 // d)
        self.layer1, c = _layer(Basic, 64 // d, 64 // d, 2, 1)
        self.layer2, c = _layer(Basic, c, 128 // d, 2, 2)
        self.layer3, c = _layer(Basic, c, 256 // d, 2, 2)
        self.fuser = FeatureFusionBlock(1024 // d + 256 // d, 512 // d)

    def forward(self, image, mask, other_mask, f16):
        x = self.layer3(self.layer2(self.layer1(self.stem(torch.cat([image, mask, other_mask], 1)))))
        return self.fuser(x, f16)


class KeyProjection(nn.Module):
    def __init__(self, cin, keydim):
        super().__init__()
        self.key_proj = nn.Conv2d(cin, keydim, 3, padding=1)

    def forward(self, x):
        return self.key_proj(x)


class UpsampleBlock(nn.Module):
    def __init__(self, skip_c, up_c, out_c):
        super().__init__()
        self.skip_conv = nn.Conv2d(skip_c, up_c, 3, padding=1)
        self.out_conv = ResBlock(up_c, out_c)

    def forward(self, skip, up):
        return self.out_conv(self.skip_conv(skip) + F.interpolate(up, scale_factor=2.0, mode="bilinear",
                                                                   align_corners=False))


class STCNDecoder(nn.Module):
    def __init__(self, d=1):
        super().__init__()
        self.compress = ResBlock(1024 // d, 512 // d)
        self.up_16_8 = UpsampleBlock(512 // d, 512 // d, 256 // d)
        self.up_8_4 = UpsampleBlock(256 // d, 256 // d, 256 // d)
        self.pred = nn.Conv2d(256 // d, 1, 3, padding=1)

    def forward(self, x, f8, f4):
        x = self.up_8_4(f4, self.up_16_8(f8, self.compress(x)))
        return F.interpolate(self.pred(F.relu(x)), scale_factor=4.0, mode="bilinear", align_corners=False)


class OfficialSTCN(nn.Module):
    """Holds the official modules under their official names (for loading stcn.pth)."""

    def __init__(self, d=1):
        super().__init__()
        self.key_encoder = KeyResNet50(d)
        self.value_encoder = ValueResNet18(d)
        self.key_proj = KeyProjection(1024 // d, 64)
        self.key_comp = nn.Conv2d(1024 // d, 512 // d, 3, padding=1)
        self.decoder = STCNDecoder(d)


# The three graphs of our propagation contract, built around the loaded official modules.

class KeyGraph(nn.Module):
    def __init__(self, stcn: OfficialSTCN):
        super().__init__()
        self.enc, self.proj = stcn.key_encoder, stcn.key_proj

    def forward(self, image):
        f16, f8, f4 = self.enc(image)
        return self.proj(f16), f16, f8, f4


class ValueGraph(nn.Module):
    def __init__(self, stcn: OfficialSTCN):
        super().__init__()
        self.enc = stcn.value_encoder

    def forward(self, image, mask, other_mask, f16):
        return self.enc(image, mask, other_mask, f16)


class DecoderGraph(nn.Module):
    def __init__(self, stcn: OfficialSTCN):
        super().__init__()
        self.comp, self.dec = stcn.key_comp, stcn.decoder

    def forward(self, readout, f16, f8, f4):
        return self.dec(torch.cat([readout, self.comp(f16)], 1), f8, f4)
