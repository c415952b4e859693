import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import NATIVE, needs_ort_node, needs_torch, HAVE_TORCH

if HAVE_TORCH:
    import torch
    from isegnet.click_model import build_click_model
    from isegnet.export import export_onnx, fix_batch, onnx_io, parity, sha256
    from isegnet.propagation import build_prop_model


@needs_torch
@needs_ort_node
class TinyExportParity(unittest.TestCase):
    """Export tiny-width models and compare torch with onnxruntime-node on random inputs."""

    def test_click_model(self):
        torch.manual_seed(0)
        m = build_click_model("tiny").eval()
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            p = export_onnx(m, {"image": torch.zeros(1, 3, 64, 64), "clicks": torch.zeros(1, 3, 64, 64)},
                            ["logits"], Path(d) / "m.onnx", static_outputs={"logits": ["batch", 1, 64, 64]})
            rng = np.random.default_rng(0)
            feeds = {"image": rng.standard_normal((2, 3, 64, 64)).astype(np.float32),
                     "clicks": (rng.random((2, 3, 64, 64)) > 0.9).astype(np.float32)}
            diff = parity(m, p, feeds, ["logits"])
            print("tiny click parity", diff)
            self.assertLess(diff["logits"], 1e-4)
            ins, outs = onnx_io(p)
            self.assertEqual([i["name"] for i in ins], ["image", "clicks"])
            self.assertEqual(outs[0]["shape"], ["batch", 1, 64, 64])
            # Pinned to batch 1 (what the app exports): same answers, static shapes throughout.
            fix_batch(p, 1)
            ins, outs = onnx_io(p)
            self.assertEqual(ins[0]["shape"], [1, 3, 64, 64])
            self.assertEqual(outs[0]["shape"], [1, 1, 64, 64])
            one = {n: v[:1] for n, v in feeds.items()}
            self.assertLess(parity(m, p, one, ["logits"])["logits"], 1e-4)

    def test_propagation_graphs(self):
        torch.manual_seed(0)
        net = build_prop_model("tiny").eval()
        x = torch.randn(1, 3, 64, 64)
        with torch.no_grad():
            k, f16, f8, f4 = net.key_encoder(x)
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            p = export_onnx(net.key_encoder, {"image": x}, ["key", "f16", "f8", "f4"], Path(d) / "k.onnx",
                            spatial={"image": ("H", "W")})
            img = np.random.default_rng(1).standard_normal((2, 3, 48, 80)).astype(np.float32)  # other size + batch
            diff = parity(net.key_encoder, p, {"image": img}, ["key", "f16", "f8", "f4"])
            print("tiny key encoder parity", diff)
            self.assertLess(max(diff.values()), 1e-4)
            p = export_onnx(net.decoder, {"readout": torch.randn(1, 8, 4, 4), "f16": f16, "f8": f8, "f4": f4},
                            ["logits"], Path(d) / "d.onnx",
                            spatial={"readout": ("a", "b"), "f16": ("a", "b"), "f8": ("c", "d"), "f4": ("e", "f")})
            feeds = {n: t.numpy() for n, t in zip(("readout", "f16", "f8", "f4"), (torch.randn(1, 8, 4, 4), f16, f8, f4))}
            diff = parity(net.decoder, p, feeds, ["logits"])
            self.assertLess(diff["logits"], 1e-4)


@needs_torch
class ReadoutSpec(unittest.TestCase):
    def test_window_reaches_the_manifest(self):
        # A run trained with --readout-window writes it to summary.json; the manifest tells the app.
        from export_models import readout_spec
        self.assertNotIn("window", readout_spec(64, 64))
        self.assertNotIn("window", readout_spec(64, 64, None))
        self.assertEqual(readout_spec(64, 64, {"tile": 8, "radius": 4, "pool": 4})["window"], {"tile": 8, "radius": 4, "pool": 4})
        self.assertEqual(readout_spec(64, 64, {"tile": 8, "radius": 4})["window"], {"tile": 8, "radius": 4, "pool": 0})
        self.assertEqual(readout_spec(64, 64, {"tile": 8, "radius": 4, "pool": 4, "pool_side": 8})["window"],
                         {"tile": 8, "radius": 4, "pool": 4, "poolSide": 8})


class Fixtures(unittest.TestCase):
    """The committed fixture models must match their manifests (the TypeScript tests load them)."""

    def test_manifests_match_files(self):
        import hashlib

        for d in ("click-tiny", "prop-tiny"):
            man = json.loads((NATIVE / "fixtures" / d / "manifest.json").read_text())
            for key in ("id", "version", "task", "files", "opset", "inputSize", "normalization", "threshold",
                        "licence", "trainingData", "metrics"):
                self.assertIn(key, man, f"{d}: {key}")
            for role, f in man["files"].items():
                data = (NATIVE / "fixtures" / d / f["file"]).read_bytes()
                self.assertEqual(hashlib.sha256(data).hexdigest(), f["sha256"], f"{d}/{role}")
                self.assertLess(len(data), 400_000)
            if man["task"] == "click-to-mask":
                self.assertEqual(set(man["files"]), {"model"})
                self.assertEqual(man["clickEncoding"]["radius"], 5)
            else:
                self.assertEqual(set(man["files"]), {"keyEncoder", "valueEncoder", "decoder"})
                self.assertEqual(man["readout"]["kind"], "l2-topk")


if __name__ == "__main__":
    unittest.main()
