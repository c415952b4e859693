"""Recover torch weights from the shipped ONNX models (their training checkpoints were lost).

  /usr/bin/python3 native-models/recover_weights.py click [--onnx F] [--out W.pt] [--fp16-out W16.pt]
  /usr/bin/python3 native-models/recover_weights.py prop  [--onnx-dir D] [--out W.pt] [--fp16-out W16.pt]
  /usr/bin/python3 native-models/recover_weights.py slim  --checkpoint runs/<run>/last.pt --fp16-out W16.pt

Writes weights-only checkpoints ({"model": state_dict, "step", "seconds", "recovered_from"}) that
`train_click.py --init-weights`, `train_prop.py --init-weights` and `export_models.py --checkpoint`
read; step and minutes come from the manifest's training summary. Then checks parity: the
recovered torch model against onnxruntime-node on random inputs (printed; the unit test
tests/test_recover.py requires < 1e-4). How each parameter is found: isegnet/recover.py.
`slim` writes a training checkpoint's weights alone in float16 (what checkpoints/ keeps).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from isegnet.click_model import build_click_model  # noqa: E402
from isegnet.export import ort_run  # noqa: E402
from isegnet.propagation import build_prop_model  # noqa: E402
from isegnet.recover import load_recovered  # noqa: E402
from isegnet.train_utils import save_checkpoint, slim_checkpoint  # noqa: E402

PROP_PARTS = (("key_encoder.onnx", "key_encoder."), ("value_encoder.onnx", "value_encoder."), ("decoder.onnx", "decoder."))


def recover_click(onnx_path, variant="cpu"):
    model = build_click_model(variant).eval()
    report = load_recovered(model, [(str(onnx_path), "")])
    return model, report


def recover_prop(onnx_dir, variant="cpu"):
    net = build_prop_model(variant).eval()
    report = load_recovered(net, [(str(Path(onnx_dir) / f), p) for f, p in PROP_PARTS])
    return net, report


def click_parity(model, onnx_path, seed=0, trials=2) -> float:
    """Max |torch - onnxruntime| of the logits over `trials` random inputs (batch 1, the graph's)."""
    h, w = model.cfg.input_size
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(trials):
        image = rng.standard_normal((1, 3, h, w)).astype(np.float32)
        clicks = (rng.random((1, 3, h, w)) > 0.97).astype(np.float32)
        clicks[:, 2] = rng.random((h, w))  # previous mask: a probability map
        ref = ort_run(onnx_path, {"image": image, "clicks": clicks})["logits"]
        with torch.no_grad():
            got = model(torch.from_numpy(image), torch.from_numpy(clicks)).numpy()
        worst = max(worst, float(np.abs(ref - got).max()))
    return worst


def prop_parity(net, onnx_dir, seed=0, size=(64, 96)) -> dict:
    """Max |torch - onnxruntime| of each propagation graph on random inputs (any multiple of 16)."""
    d = Path(onnx_dir)
    rng = np.random.default_rng(seed)
    image = rng.standard_normal((1, 3, *size)).astype(np.float32)
    with torch.no_grad():
        key, f16, f8, f4 = (t.numpy() for t in net.key_encoder(torch.from_numpy(image)))
    ort = ort_run(d / "key_encoder.onnx", {"image": image})
    diff = {"keyEncoder": max(float(np.abs(ort[n] - v).max()) for n, v in zip(("key", "f16", "f8", "f4"), (key, f16, f8, f4)))}
    mask, other = (rng.random((1, 1, *size)).astype(np.float32) for _ in range(2))
    with torch.no_grad():
        value = net.value_encoder(*map(torch.from_numpy, (image, mask, other, f16))).numpy()
    ort = ort_run(d / "value_encoder.onnx", {"image": image, "mask": mask, "otherMask": other, "f16": f16})
    diff["valueEncoder"] = float(np.abs(ort["value"] - value).max())
    readout = rng.standard_normal(value.shape).astype(np.float32)
    with torch.no_grad():
        logits = net.decoder(*map(torch.from_numpy, (readout, f16, f8, f4))).numpy()
    ort = ort_run(d / "decoder.onnx", {"readout": readout, "f16": f16, "f8": f8, "f4": f4})
    diff["decoder"] = float(np.abs(ort["logits"] - logits).max())
    return diff


def save(model, out, manifest_path, source, fp16=False):
    training = json.loads(Path(manifest_path).read_text()).get("training", {}) if Path(manifest_path).is_file() else {}
    state = {k: (v.half() if fp16 and v.is_floating_point() else v) for k, v in model.state_dict().items()}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(out, model=state, step=int(training.get("steps", 0)),
                    seconds=float(training.get("minutes", 0.0)) * 60, recovered_from=str(source),
                    dtype="float16" if fp16 else "float32")
    print(f"wrote {out} ({Path(out).stat().st_size / 1e6:.1f} MB)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("which", choices=["click", "prop", "slim"])
    ap.add_argument("--checkpoint", default=None, help="slim: the training checkpoint to slim")
    ap.add_argument("--onnx", default=str(HERE / "isegformer-swin32-cpu" / "model.onnx"), help="click model graph")
    ap.add_argument("--onnx-dir", default=str(HERE / "stcn-lite-cpu"), help="folder of the three propagation graphs")
    ap.add_argument("--variant", default="cpu")
    ap.add_argument("--out", default=None, help="float32 weights (default runs/recovered-<which>.pt)")
    ap.add_argument("--fp16-out", default=None, help="also write a float16 copy here (small enough to commit)")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    if a.which == "slim":
        if not (a.checkpoint and a.fp16_out):
            ap.error("slim needs --checkpoint and --fp16-out")
        slim_checkpoint(a.checkpoint, a.fp16_out)
        print(f"wrote {a.fp16_out} ({Path(a.fp16_out).stat().st_size / 1e6:.1f} MB)")
        return
    if a.which == "click":
        model, report = recover_click(a.onnx, a.variant)
        print("recovered:", json.dumps(report))
        print(f"parity torch vs onnxruntime-node, logits max abs diff: {click_parity(model, a.onnx):.3g}")
        source, manifest = a.onnx, Path(a.onnx).parent / "manifest.json"
    else:
        model, report = recover_prop(a.onnx_dir, a.variant)
        print("recovered:", json.dumps(report))
        print("parity torch vs onnxruntime-node, max abs diff:", json.dumps(prop_parity(model, a.onnx_dir)))
        source, manifest = a.onnx_dir, Path(a.onnx_dir) / "manifest.json"
    save(model, a.out or HERE / "runs" / f"recovered-{a.which}.pt", manifest, source)
    if a.fp16_out:
        save(model, a.fp16_out, manifest, source, fp16=True)


if __name__ == "__main__":
    main()
