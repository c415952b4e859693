"""quantize_click.py: int8 weight codes, the graph rewrite, and the quantised graph's answers in
onnxruntime-node against the float32 graph's."""
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import NATIVE, needs_ort_node

from quantize_click import quantize_graph, quantize_weight


def _tiny_model(w, bias):
    """y = bias + x @ w, written as torch exports a Linear (bias first in the Add)."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"], name="fc/MatMul"),
         helper.make_node("Add", ["bias", "xw"], ["y"], name="fc/Add")],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10, w.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10, w.shape[1]])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias, "bias")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


class WeightCodes(unittest.TestCase):
    def test_codes_times_scale_are_within_half_a_step_per_column(self):
        rng = np.random.default_rng(0)
        w = (rng.standard_normal((16, 5)) * np.array([0.01, 0.1, 1, 10, 0])).astype(np.float32)
        codes, scale = quantize_weight(w, 8)
        self.assertEqual(codes.dtype, np.int8)
        self.assertTrue(np.all(np.abs(codes) <= 127))
        self.assertTrue(np.all(np.abs(codes * scale - w) <= scale / 2 + 1e-12))
        self.assertEqual(scale[4], 1.0)  # an all-zero column
        self.assertTrue(np.all(codes[:, 4] == 0))
        codes7, _ = quantize_weight(w, 7)
        self.assertEqual(int(np.abs(codes7).max()), 63)

    def test_refuses_a_weight_that_is_not_2d(self):
        with self.assertRaises(ValueError):
            quantize_weight(np.zeros((2, 2, 2), np.float32), 8)


class GraphRewrite(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(1)
        self.w = rng.standard_normal((8, 6)).astype(np.float32)
        self.bias = rng.standard_normal(6).astype(np.float32)

    def test_matmul_becomes_the_dynamic_int8_pattern_with_the_bias_second(self):
        model = _tiny_model(self.w, self.bias)
        self.assertEqual(quantize_graph(model), 1)
        ops = [n.op_type for n in model.graph.node]
        self.assertEqual(ops, ["DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul", "Add"])
        add = model.graph.node[-1]
        self.assertEqual(list(add.input), ["xw", "bias"])
        self.assertNotIn("w", {i.name for i in model.graph.initializer})  # the float weight is gone

    @needs_ort_node
    def test_answers_match_the_float_graph_within_quantisation_error(self):
        import onnx
        from isegnet.export import ort_run

        x = np.random.default_rng(2).standard_normal((1, 10, 8)).astype(np.float32)
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            fp32, int8 = Path(d) / "fp32.onnx", Path(d) / "int8.onnx"
            onnx.save(_tiny_model(self.w, self.bias), str(fp32))
            model = _tiny_model(self.w, self.bias)
            quantize_graph(model)
            onnx.save(model, str(int8))
            want = ort_run(fp32, {"x": x})["y"]
            got = ort_run(int8, {"x": x})["y"]
        np.testing.assert_allclose(want, x @ self.w + self.bias, atol=1e-5)
        error = np.abs(got - want).max()
        self.assertLess(error, 0.03 * np.abs(want).max())
        self.assertGreater(error, 0)  # it did run the int8 graph


class ShippedInt8Model(unittest.TestCase):
    def test_the_script_rebuilds_the_shipped_int8_model_from_the_shipped_float32_one(self):
        import json
        import subprocess
        import sys

        shipped = json.loads((NATIVE / "isegformer-swin32-cpu-int8" / "manifest.json").read_text())
        source = json.loads((NATIVE / "isegformer-swin32-cpu" / "manifest.json").read_text())
        self.assertEqual(shipped["quantization"]["source"]["sha256"], source["files"]["model"]["sha256"])
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            subprocess.run([sys.executable, str(NATIVE / "quantize_click.py"), "--out", d], check=True, capture_output=True)
            rebuilt = json.loads((Path(d) / "manifest.json").read_text())
        self.assertEqual(rebuilt["files"]["model"]["sha256"], shipped["files"]["model"]["sha256"])
        self.assertEqual(rebuilt["id"], "isegformer-swin32-cpu-int8")


if __name__ == "__main__":
    unittest.main()
