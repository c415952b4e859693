"""Weights recovered from the shipped ONNX graphs reproduce onnxruntime's outputs."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import HAVE_TORCH, NATIVE, needs_ort_node, needs_torch

if HAVE_TORCH:
    import torch
    from isegnet.click_model import build_click_model
    from isegnet.recover import RecoveryError, _ungather_bias, module_path
    from isegnet.train_utils import init_weights, slim_checkpoint
    from recover_weights import click_parity, prop_parity, recover_click, recover_prop, save

CLICK_ONNX = NATIVE / "isegformer-swin32-cpu" / "model.onnx"
PROP_DIR = NATIVE / "stcn-lite-cpu"
# The shipped click model's weights (v1.2.0; the recovered v1.0.0 weights are beside them).
COMMITTED = NATIVE / "checkpoints" / "isegformer-swin32-cpu-v120.fp16.pt"


@needs_torch
class ScopesAndGathers(unittest.TestCase):
    def test_module_path_joins_indexed_children(self):
        self.assertEqual(module_path("/layer1/layer1.0/conv1/conv1.0/Conv"), "layer1.0.conv1.0")
        self.assertEqual(module_path("/backbone/stages.0/blocks.1/attn/qkv/MatMul"), "backbone.stages.0.blocks.1.attn.qkv")
        self.assertEqual(module_path("/stem/stem.0/stem.0.0/Conv"), "stem.0.0")

    def test_ungather_inverts_the_folded_bias_table(self):
        attn = build_click_model("tiny").backbone.stages[0].blocks[0].attn
        table = torch.randn_like(attn.relative_position_bias_table)
        gathered = table[attn.relative_position_index.reshape(-1)].numpy()
        got, spread = _ungather_bias(gathered, attn)
        np.testing.assert_array_equal(got, table.numpy())
        self.assertEqual(spread, 0.0)
        broken = gathered.copy()
        broken[0] += 1.0  # one copy of a row disagrees: not a plain gather
        self.assertGreater(_ungather_bias(broken, attn)[1], 0.5)
        with self.assertRaises(RecoveryError):
            _ungather_bias(gathered[:-1], attn)


@needs_torch
@needs_ort_node
class ShippedModelsRecovered(unittest.TestCase):
    def test_click_model_matches_onnxruntime(self):
        model, report = recover_click(CLICK_ONNX)
        rep = report["model.onnx"]
        self.assertEqual((rep["matmul_transposed"], rep["bias_table_ungathered"]), (35, 8))
        diff = click_parity(model, CLICK_ONNX, seed=1, trials=2)
        print("recovered click model parity", diff)
        self.assertLess(diff, 1e-4)

    def test_propagation_networks_match_onnxruntime(self):
        net, _ = recover_prop(PROP_DIR)
        diff = prop_parity(net, PROP_DIR, seed=1, size=(48, 80))
        print("recovered propagation parity", diff)
        self.assertLess(max(diff.values()), 1e-4)

    def test_float16_weights_feed_init_weights(self):
        model, _ = recover_click(CLICK_ONNX)
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            path = Path(d) / "w16.pt"
            save(model, path, CLICK_ONNX.parent / "manifest.json", CLICK_ONNX, fp16=True)
            fresh = build_click_model("cpu").eval()
            step, _ = init_weights(fresh, path, "cpu", lambda line: None)
        self.assertGreater(step, 0)  # the manifest's step count travels with the weights
        self.assertTrue(all(p.dtype == torch.float32 for p in fresh.parameters()))
        x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(2))
        c = torch.zeros(1, 3, 224, 224)
        with torch.no_grad():
            self.assertLess(float((model(x, c) - fresh(x, c)).abs().max()), 0.05)

    def test_committed_checkpoint_is_the_shipped_model(self):
        self.assertLess(COMMITTED.stat().st_size, 10e6)
        fresh = build_click_model("cpu").eval()
        init_weights(fresh, COMMITTED, "cpu", lambda line: None)
        self.assertLess(click_parity(fresh, CLICK_ONNX, seed=3, trials=1), 0.05)

    def test_slim_checkpoint_keeps_weights_and_step_in_float16(self):
        model = build_click_model("tiny")
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            full, slim = Path(d) / "last.pt", Path(d) / "w16.pt"
            opt = torch.optim.AdamW(model.parameters())
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": 7, "seconds": 60.0}, full)
            slim_checkpoint(full, slim)
            ck = torch.load(slim)
            self.assertNotIn("opt", ck)
            self.assertEqual(ck["step"], 7)
            self.assertTrue(all(v.dtype == torch.float16 for v in ck["model"].values() if v.is_floating_point()))
            fresh = build_click_model("tiny")
            init_weights(fresh, slim, "cpu", lambda line: None)
            for (k, a), b in zip(model.state_dict().items(), fresh.state_dict().values()):
                self.assertTrue(torch.allclose(a.float(), b.float(), atol=1e-3), k)

    def test_not_a_checkpoint_is_refused(self):
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            path = Path(d) / "x.pt"
            torch.save({"weights": {}}, path)
            with self.assertRaisesRegex(ValueError, "not a checkpoint"):
                init_weights(build_click_model("tiny"), path, "cpu", lambda line: None)


if __name__ == "__main__":
    unittest.main()
