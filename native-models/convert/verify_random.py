"""Check the converters on randomly initialised official-architecture models (no official
weights are downloaded here): build the official module, save its state dict as an
"official-shaped" checkpoint, convert it, and check ONNX parity.

  /usr/bin/python3 native-models/convert/verify_random.py [--full]

Default: reduced sizes (Swin with official names but 1 block per stage; STCN with widths / 8)
so it runs in a minute on a CPU. --full: Swin-B, Swin-L and full-width STCN (slow, large files;
written under native-models/runs/convert-verify/).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import convert_isegformer  # noqa: E402
import convert_stcn  # noqa: E402
from official_isegformer import SWIN_B, SWIN_L, OfficialISegFormer, infer_config  # noqa: E402
from official_stcn import OfficialSTCN  # noqa: E402

OUT = HERE.parent / "runs" / "convert-verify"


def randomise_bn(module):
    """Random BN statistics so the parity check exercises them (fresh BNs are identities)."""
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)


def verify_isegformer(cfg, name, size):
    torch.manual_seed(0)
    model = OfficialISegFormer(**cfg)
    randomise_bn(model)
    ck = OUT / f"{name}.pth"
    ck.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state_dict": model.state_dict()}, ck)
    assert infer_config(model.state_dict()) == {**cfg, "depths": tuple(cfg["depths"]), "heads": tuple(cfg["heads"])}
    return convert_isegformer.convert(ck, OUT / name, name, size, do_bench=False)


def verify_stcn(width_div, name, size):
    torch.manual_seed(0)
    stcn = OfficialSTCN(width_div)
    randomise_bn(stcn)
    ck = OUT / f"{name}.pth"
    ck.parent.mkdir(parents=True, exist_ok=True)
    torch.save(stcn.state_dict(), ck)  # stcn.pth is a plain state dict
    return convert_stcn.convert(ck, OUT / name, name, width_div, do_bench=False, size=size)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.full:
        verify_isegformer(SWIN_B, "swin-b-random", 384)
        verify_isegformer(SWIN_L, "swin-l-random", 384)
        verify_stcn(1, "stcn-random", 384)
    else:
        small = dict(SWIN_B, depths=(1, 1, 1, 1), embed_dim=16, heads=(1, 2, 2, 4), head_channels=16)
        verify_isegformer(small, "swin-small-random", 96)
        verify_stcn(8, "stcn-div8-random", 64)
    print("converters verified on random official-architecture weights")


if __name__ == "__main__":
    main()
