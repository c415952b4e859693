"""Convert an official iSegFormer Swin click-model checkpoint (Swin-B / Swin-L) to our ONNX
layout + manifest + model card.

  /usr/bin/python3 native-models/convert/convert_isegformer.py --checkpoint swinformer_base.pth \
      --out native-models/isegformer-swin-b-official --input-size 384 [--coords-embed shared|separate]

The architecture (embed dim, depths, heads, window, head width) is read from the checkpoint's
parameter names and shapes; the weights load with strict=True. The exported graph has our click
contract: image [B,3,H,W] (normalised), clicks [B,3,H,W] (positive, negative, previous mask) ->
logits [B,1,H,W].
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from official_isegformer import OfficialISegFormer, infer_config  # noqa: E402

from export_models import PARITY_TOL, THRESHOLD, _click_feeds  # noqa: E402
from isegnet.click_model import count_params  # noqa: E402
from isegnet.train_utils import torch_load  # noqa: E402
from isegnet.export import OPSET, bench, export_onnx, file_entry, parity  # noqa: E402
from isegnet.manifest import CLICK_ENCODING, NORMALIZATION, write_manifest, write_model_card  # noqa: E402


def load_state_dict(path):
    ck = torch_load(path)
    sd = ck.get("state_dict", ck) if isinstance(ck, dict) else ck
    return {k[7:] if k.startswith("module.") else k: v for k, v in sd.items()}


def convert(checkpoint, out_dir, model_id, input_size=384, coords_embed="shared", do_bench=True, version="1.0.0"):
    sd = load_state_dict(checkpoint)
    cfg = infer_config(sd)
    model = OfficialISegFormer(**cfg, coords_embed=coords_embed).eval()
    model.load_state_dict(sd, strict=True)
    out_dir = Path(out_dir)
    h = w = input_size
    path = export_onnx(model, {"image": torch.zeros(1, 3, h, w), "clicks": torch.zeros(1, 3, h, w)}, ["logits"],
                       out_dir / "model.onnx", static_outputs={"logits": ["batch", 1, h, w]})
    diff = parity(model, path, _click_feeds(np.random.default_rng(0), 1, h, w), ["logits"])
    print(f"[{model_id}] parity max|torch-ort| {diff}")
    assert max(diff.values()) < PARITY_TOL * 10, diff  # deep fp32 graphs: allow 1e-2 on raw logits
    lat = bench(path, {"image": [1, 3, h, w], "clicks": [1, 3, h, w]}, iterations=5) if do_bench else None
    manifest = {
        "id": model_id, "version": version, "task": "click-to-mask",
        "files": {"model": file_entry(path, out_dir)}, "opset": OPSET, "inputSize": [h, w],
        "normalization": NORMALIZATION, "clickEncoding": CLICK_ENCODING, "threshold": THRESHOLD,
        "licence": {"weights": "as published by the iSegFormer authors (code: MIT); check the terms of the data "
                               "they were trained on (OAI-ZIB, COCO+LVIS) before use",
                    "data": "not part of this conversion"},
        "trainingData": [], "metrics": {},
        "output": {"name": "logits", "resolution": "input", "activation": "sigmoid"},
        "architecture": {"kind": "official iSegFormer (Swin + SegFormer head)", **cfg, "coordsEmbed": coords_embed,
                         "params": count_params(model), "source": str(Path(checkpoint).name)},
        "parity": {"maxAbsDiff": diff, "runtime": "onnxruntime-node"},
        "latencyMs": {"median": round(lat["medianMs"], 2), "threads": 2, "inputSize": [h, w]} if lat else None,
    }
    write_manifest(out_dir, manifest)
    write_model_card(out_dir, manifest, f"""## Architecture
Official iSegFormer click model converted from `{Path(checkpoint).name}`: Swin backbone (embed
{cfg['embed_dim']}, depths {list(cfg['depths'])}, heads {list(cfg['heads'])}, window {cfg['window']}), SegFormer
head of width {cfg['head_channels']}; {count_params(model):,} parameters. The graph takes our click contract
(the channel order and image normalisation are adapted inside the graph; see
`native-models/convert/official_isegformer.py`).

Parity torch vs onnxruntime-node: max abs diff {max(diff.values()):.2e}.
""")
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--id", default=None)
    ap.add_argument("--input-size", type=int, default=384)
    ap.add_argument("--coords-embed", choices=["shared", "separate"], default="shared")
    ap.add_argument("--no-bench", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)
    convert(a.checkpoint, a.out, a.id or Path(a.out).name, a.input_size, a.coords_embed, not a.no_bench)


if __name__ == "__main__":
    main()
