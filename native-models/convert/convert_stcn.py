"""Convert the official STCN checkpoint (stcn.pth) to our three propagation graphs + manifest.

  /usr/bin/python3 native-models/convert/convert_stcn.py --checkpoint stcn.pth --out native-models/stcn-official

The state dict loads with strict=True into the official architecture (official_stcn.py). A
single-object checkpoint (value encoder conv1 with 4 input channels) gets a zero-initialised
weight for the other-objects channel, which is what STCN itself does when it moves from
single- to multi-object training.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from official_stcn import DecoderGraph, KeyGraph, OfficialSTCN, ValueGraph  # noqa: E402

from export_models import MASKS, THRESHOLD, export_prop_graphs, readout_spec  # noqa: E402
from isegnet.train_utils import torch_load  # noqa: E402
from isegnet.export import OPSET, file_entry  # noqa: E402
from isegnet.manifest import NORMALIZATION, write_manifest, write_model_card  # noqa: E402


def load_state_dict(path):
    ck = torch_load(path)
    sd = ck.get("state_dict", ck.get("network", ck)) if isinstance(ck, dict) else ck
    sd = {k[7:] if k.startswith("module.") else k: v for k, v in sd.items()}
    w = sd.get("value_encoder.conv1.weight")
    if w is not None and w.shape[1] == 4:
        sd["value_encoder.conv1.weight"] = torch.cat([w, torch.zeros_like(w[:, :1])], 1)
    return sd


def convert(checkpoint, out_dir, model_id, width_div=1, do_bench=True, size=384, version="1.0.0"):
    stcn = OfficialSTCN(width_div).eval()
    stcn.load_state_dict(load_state_dict(checkpoint), strict=True)
    mods = {"keyEncoder": KeyGraph(stcn).eval(), "valueEncoder": ValueGraph(stcn).eval(),
            "decoder": DecoderGraph(stcn).eval()}
    d = width_div
    dims = {"key": 64, "value": 512 // d, "f16": 1024 // d, "f8": 512 // d, "f4": 256 // d}
    out_dir = Path(out_dir)
    paths, diffs, lat, macs, params, _ = export_prop_graphs(mods, dims, out_dir, model_id, do_bench, 0, size)
    manifest = {
        "id": model_id, "version": version, "task": "propagation",
        "files": {r: file_entry(p, out_dir) for r, p in paths.items()}, "opset": OPSET, "inputSize": [size, size],
        "spatialMultiple": 16, "normalization": NORMALIZATION, "readout": readout_spec(64, dims["value"]),
        "threshold": THRESHOLD,
        "licence": {"weights": "as published by the STCN authors (code: MIT); trained on video data sets "
                               "(DAVIS, YouTube-VOS, BL30K) whose terms apply", "data": "not part of this conversion"},
        "trainingData": [], "metrics": {}, "masks": MASKS,
        "output": {"name": "logits", "resolution": "input", "activation": "sigmoid"},
        "architecture": {"kind": "official STCN (ResNet-50 key encoder, ResNet-18 value encoder)", "widthDiv": d,
                         "params": params, "source": str(Path(checkpoint).name)},
        "parity": {"maxAbsDiff": diffs, "runtime": "onnxruntime-node"},
        "latencyMs": {**lat, "threads": 2, "inputSize": [size, size]} if lat else None,
    }
    write_manifest(out_dir, manifest)
    write_model_card(out_dir, manifest, f"""## Architecture
Official STCN converted from `{Path(checkpoint).name}` into our three graphs (keyEncoder = ResNet-50
to layer3 + key projection; valueEncoder = ResNet-18 + fusion; decoder = key compression +
decoder). Parameters: {params}. The read-out runs in the app (l2-topk, top-k 20).
""")
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--id", default=None)
    ap.add_argument("--no-bench", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)
    convert(a.checkpoint, a.out, a.id or Path(a.out).name, 1, not a.no_bench)


if __name__ == "__main__":
    main()
