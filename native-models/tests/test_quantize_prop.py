"""quantize_prop.py: per-channel int8 conv weights, uint8 activation parameters, the QDQ rewrite on a
tiny conv graph (structure, determinism), its answers in onnxruntime-node, and that the script
rebuilds the shipped int8 propagation model from the shipped float one."""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import NATIVE, needs_ort_node

from quantize_prop import activation_params, probe_model, quantize_conv_weight, quantize_graph


def _tiny_model(seed=0):
    """x -> Conv3x3 -> Relu -> Conv1x1 (a) ; x -> Conv1x1 (b) ; y = Relu(a + b); z = Resize(Conv(y)) x2."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    w = lambda *s: (rng.standard_normal(s) * 0.3).astype(np.float32)  # noqa: E731
    inits = [numpy_helper.from_array(w(4, 2, 3, 3), "w1"), numpy_helper.from_array(w(4), "b1"),
             numpy_helper.from_array(w(4, 4, 1, 1), "w2"), numpy_helper.from_array(w(4), "b2"),
             numpy_helper.from_array(w(4, 2, 1, 1), "w3"), numpy_helper.from_array(w(4), "b3"),
             numpy_helper.from_array(w(1, 4, 1, 1), "w4"), numpy_helper.from_array(w(1), "b4"),
             numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="c1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="r1"),
             helper.make_node("Conv", ["r1", "w2", "b2"], ["a"], name="c2"),
             helper.make_node("Conv", ["x", "w3", "b3"], ["b"], name="c3"),
             helper.make_node("Add", ["a", "b"], ["s"], name="add"),
             helper.make_node("Relu", ["s"], ["y"], name="r2"),
             helper.make_node("Conv", ["y", "w4", "b4"], ["p"], name="pred"),
             helper.make_node("Resize", ["p", "", "scales"], ["z"], name="up", mode="linear", coordinate_transformation_mode="half_pixel")]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8]),
                               helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 1, 16, 16])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _ranges(model, x):
    """Exact per-tensor ranges of the float graph on x (numpy reference of the tiny graph)."""
    from onnx import numpy_helper

    p = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}

    def conv(v, w, b, pad=0):
        v = np.pad(v, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        k = w.shape[2]
        h, wd = v.shape[2] - k + 1, v.shape[3] - k + 1
        out = np.zeros((1, w.shape[0], h, wd), np.float32)
        for i in range(k):
            for j in range(k):
                out += np.einsum("oc,nchw->nohw", w[:, :, i, j], v[:, :, i:i + h, j:j + wd])
        return out + b.reshape(1, -1, 1, 1)

    t = {"x": x}
    t["c1"] = conv(x, p["w1"], p["b1"], 1)
    t["r1"] = np.maximum(t["c1"], 0)
    t["a"] = conv(t["r1"], p["w2"], p["b2"])
    t["b"] = conv(x, p["w3"], p["b3"])
    t["s"] = t["a"] + t["b"]
    t["y"] = np.maximum(t["s"], 0)
    t["p"] = conv(t["y"], p["w4"], p["b4"])
    return {k: [float(v.min()), float(v.max())] for k, v in t.items()}, t


class Parameters(unittest.TestCase):
    def test_weight_codes_round_trip_within_one_step_per_output_channel(self):
        rng = np.random.default_rng(0)
        w = (rng.standard_normal((5, 3, 3, 3)) * np.array([0.01, 0.1, 1, 10, 0]).reshape(5, 1, 1, 1)).astype(np.float32)
        codes, scale = quantize_conv_weight(w)
        self.assertEqual(codes.dtype, np.int8)
        self.assertEqual(scale.shape, (5,))
        self.assertTrue(np.all(np.abs(codes) <= 127))
        err = np.abs(codes * scale.reshape(-1, 1, 1, 1) - w)
        self.assertTrue(np.all(err <= scale.reshape(-1, 1, 1, 1) / 2 + 1e-7))
        self.assertEqual(scale[4], 1.0)  # an all-zero channel
        self.assertEqual(int(np.abs(codes[3]).max()), 127)  # each channel uses its full range

    def test_activation_range_holds_zero_exactly(self):
        scale, zp = activation_params(0.0, 5.1)
        self.assertEqual(zp, 0)  # a Relu output: ORT can drop the Relu
        self.assertAlmostEqual(float(scale), 0.02, places=6)
        scale, zp = activation_params(-2.0, 3.1)
        self.assertEqual(int(zp), 100)
        _, zp = activation_params(1.0, 2.0)  # widened to include 0
        self.assertEqual(zp, 0)


class GraphRewrite(unittest.TestCase):
    def setUp(self):
        self.x = np.random.default_rng(3).standard_normal((1, 2, 8, 8)).astype(np.float32)
        self.ranges, self.tensors = _ranges(_tiny_model(), self.x)

    def test_qdq_pattern_around_each_conv_and_add_and_a_float_last_resize(self):
        from onnx import TensorProto

        model = _tiny_model()
        counts = quantize_graph(model, self.ranges)
        self.assertEqual(counts["conv"], 4)
        self.assertEqual(counts["add"], 1)
        nodes = list(model.graph.node)
        producer = {o: n for n in nodes for o in n.output}
        inits = {i.name: i for i in model.graph.initializer}
        for conv in (n for n in nodes if n.op_type == "Conv"):
            dqs = [producer[i] for i in conv.input]
            self.assertEqual([d.op_type for d in dqs], ["DequantizeLinear"] * 3, conv.name)
            self.assertEqual(inits[dqs[1].input[0]].data_type, TensorProto.INT8)
            self.assertEqual(inits[dqs[2].input[0]].data_type, TensorProto.INT32)
            self.assertEqual(len(inits[dqs[1].input[1]].dims), 1)  # per output channel
        # Conv -> Relu -> Q: the Q reads the Relu (zero point 0), not the Conv.
        r1 = next(n for n in nodes if n.name == "r1")
        q = [n for n in nodes if r1.output[0] in n.input]
        self.assertEqual([n.op_type for n in q], ["QuantizeLinear"])
        self.assertEqual(int(np.frombuffer(inits[q[0].input[2]].raw_data, np.uint8)[0]), 0)
        # Every consumer reads its own DQ (ORT's node units).
        dq_outputs = [o for n in nodes if n.op_type == "DequantizeLinear" for o in n.output]
        consumers = [sum(o in n.input for n in nodes) for o in dq_outputs]
        self.assertTrue(all(c <= 1 for c in consumers))
        # The last node is a float Resize writing z from the DQ of the last conv's output.
        last = nodes[-1]
        self.assertEqual((last.op_type, last.output[0]), ("Resize", "z"))
        self.assertEqual(producer[last.input[0]].op_type, "DequantizeLinear")
        # The graph output y is still written (by a DQ), and nothing float is left in the weights.
        self.assertEqual(producer["y"].op_type, "DequantizeLinear")
        for w in ("w1", "w2", "w3", "w4"):
            self.assertNotIn(w, inits)

    def test_keep_float_leaves_a_conv_alone(self):
        model = _tiny_model()
        counts = quantize_graph(model, self.ranges, keep_float={"pred"})
        self.assertEqual(counts["conv"], 3)
        pred = next(n for n in model.graph.node if n.name == "pred")
        self.assertEqual(pred.input[1], "w4")

    def test_deterministic(self):
        a, b = _tiny_model(), _tiny_model()
        quantize_graph(a, self.ranges)
        quantize_graph(b, self.ranges)
        self.assertEqual(a.SerializeToString(), b.SerializeToString())

    def test_probe_exposes_every_node_output(self):
        probe = probe_model(_tiny_model())
        self.assertEqual({o.name for o in probe.graph.output}, {"c1", "r1", "a", "b", "s", "y", "p", "z"})

    @needs_ort_node
    def test_answers_match_the_float_graph_within_a_few_steps(self):
        import onnx
        from isegnet.export import ort_run

        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            fp32, int8 = Path(d) / "fp32.onnx", Path(d) / "int8.onnx"
            onnx.save(_tiny_model(), str(fp32))
            model = _tiny_model()
            quantize_graph(model, self.ranges)
            onnx.checker.check_model(model)
            onnx.save(model, str(int8))
            want = ort_run(fp32, {"x": self.x})
            got = ort_run(int8, {"x": self.x})
        np.testing.assert_allclose(want["y"], self.tensors["y"], atol=1e-4)
        for name in ("y", "z"):
            error = np.abs(got[name] - want[name]).max()
            self.assertLess(error, 0.05 * np.abs(want[name]).max(), name)
            self.assertGreater(error, 0, name)  # it did run the int8 graph


class ShippedInt8Model(unittest.TestCase):
    def test_the_script_rebuilds_the_shipped_int8_model_from_the_shipped_float_one(self):
        shipped = json.loads((NATIVE / "stcn-lite-cpu-int8" / "manifest.json").read_text())
        source = json.loads((NATIVE / "stcn-lite-cpu" / "manifest.json").read_text())
        q = shipped["quantization"]
        for role in ("keyEncoder", "valueEncoder", "decoder"):
            self.assertEqual(q["source"]["files"][role], source["files"][role]["sha256"])
        args = [sys.executable, str(NATIVE / "quantize_prop.py"), "quantize",
                "--ranges", str(NATIVE / "stcn-lite-cpu-int8.ranges.json"), "--range", q["range"]]
        if q["keptFloat"]:
            args += ["--keep-float", ",".join(q["keptFloat"])]
        if q["roles"]:
            args += ["--roles", ",".join(q["roles"])]
        with tempfile.TemporaryDirectory(dir=NATIVE / "runs") as d:
            subprocess.run(args + ["--out", d], check=True, capture_output=True)
            rebuilt = json.loads((Path(d) / "manifest.json").read_text())
        self.assertEqual(rebuilt["id"], "stcn-lite-cpu-int8")
        for role in ("keyEncoder", "valueEncoder", "decoder"):
            self.assertEqual(rebuilt["files"][role]["sha256"], shipped["files"][role]["sha256"], role)


if __name__ == "__main__":
    unittest.main()
