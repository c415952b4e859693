"""ONNX export, onnxruntime-node parity checks, latency measurement and manifests.

There is no Python onnxruntime on the build machine, so the ONNX side runs in Node through
ort_run.mjs (the same runtime the app uses). Tensors travel as raw float32 files.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch

NATIVE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = NATIVE_DIR.parent
OPSET = 17


def fix_batch(path, batch=1):
    """Pins the batch axis of a graph's inputs and outputs to `batch`. With every shape static,
    onnxruntime folds the shape arithmetic that tracing leaves in a Swin graph (window partition,
    shifted-window masks: thousands of Shape/Gather/Concat nodes) when it loads the model. Exporting
    with a static batch directly crashes torch 1.13's exporter (SIGFPE), so the axis is fixed after."""
    import onnx

    m = onnx.load(str(path))
    for value in list(m.graph.input) + list(m.graph.output):
        dim = value.type.tensor_type.shape.dim[0]
        dim.ClearField("dim_param")
        dim.dim_value = batch
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    return path


def export_onnx(model, inputs: dict, output_names, path, dynamic_batch=True, spatial=None, static_outputs=None):
    """Trace-export `model(*inputs.values())`.

    spatial: {tensor name: (h_name, w_name)} for tensors whose H/W stay symbolic (fully
    convolutional graphs only), e.g. {"image": ("H", "W"), "key": ("H16", "W16")}.
    static_outputs: {output name: [dims]} written into the graph's output shapes where the
    exporter's shape inference leaves them symbolic (it does for Resize); "batch" stays symbolic.
    """
    model.eval()
    names = list(inputs)
    axes = {}
    if dynamic_batch:
        for n in names + list(output_names):
            axes[n] = {0: "batch"}
    for n, (hn, wn) in (spatial or {}).items():
        axes.setdefault(n, {}).update({2: hn, 3: wn})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            model, tuple(inputs.values()), str(path), input_names=names, output_names=list(output_names),
            dynamic_axes=axes or None, opset_version=OPSET, do_constant_folding=True,
        )
    if static_outputs:
        import onnx

        m = onnx.load(str(path))
        for out in m.graph.output:
            if out.name in static_outputs:
                for d, v in zip(out.type.tensor_type.shape.dim, static_outputs[out.name]):
                    if isinstance(v, str):
                        d.dim_param = v
                    else:
                        d.dim_value = v
        onnx.checker.check_model(m)
        onnx.save(m, str(path))
    return path


def graph_index(graph):
    """An ONNX graph's initializers by name, the nodes reading each tensor, and its output names
    (what a graph rewrite such as quantize_click.py or quantize_prop.py looks things up in)."""
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    return inits, consumers, {o.name for o in graph.output}


def sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def onnx_io(path):
    """Inputs/outputs as manifest entries: {"name", "shape", "type"}; symbolic dims as strings."""
    import onnx

    m = onnx.load(str(path))
    elem = {1: "float32", 7: "int64", 6: "int32", 9: "bool"}

    def entry(v):
        dims = [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
        return {"name": v.name, "shape": dims, "type": elem.get(v.type.tensor_type.elem_type, "?")}

    init = {i.name for i in m.graph.initializer}
    return [entry(v) for v in m.graph.input if v.name not in init], [entry(v) for v in m.graph.output]


def ort_run(path, feeds: dict) -> dict:
    """Run an ONNX model in onnxruntime-node on numpy float32 inputs."""
    (NATIVE_DIR / "runs").mkdir(exist_ok=True)  # gitignored scratch space; absent on a fresh clone
    with tempfile.TemporaryDirectory(dir=NATIVE_DIR / "runs") as d:
        spec = {}
        for name, arr in feeds.items():
            arr = np.ascontiguousarray(arr, dtype=np.float32)
            arr.tofile(os.path.join(d, f"{name}.bin"))
            spec[name] = {"file": f"{name}.bin", "shape": list(arr.shape), "type": "float32"}
        Path(d, "inputs.json").write_text(json.dumps(spec))
        subprocess.run(["node", str(NATIVE_DIR / "ort_run.mjs"), "run", str(Path(path).resolve()), d],
                       cwd=REPO_ROOT, check=True)
        desc = json.loads(Path(d, "outputs.json").read_text())
        return {n: np.fromfile(os.path.join(d, s["file"]), dtype=np.float32).reshape(s["shape"])
                for n, s in desc.items()}


def parity(model, path, feeds: dict, output_names) -> dict:
    """Max |torch - onnxruntime| per output on the same inputs."""
    model.eval()
    with torch.no_grad():
        ref = model(*[torch.from_numpy(v) for v in feeds.values()])
    ref = ref if isinstance(ref, (tuple, list)) else (ref,)
    got = ort_run(path, feeds)
    return {n: float(np.abs(r.numpy() - got[n]).max()) for n, r in zip(output_names, ref)}


def bench(path, shapes: dict, iterations=30, threads=2, spinning=False) -> dict:
    """Latency of one forward pass in onnxruntime-node (median over iterations, after warm-up).

    Spinning is off by default: on a machine shared with other jobs, ORT's spin-waiting worker
    threads made the median ~10x worse (358 ms vs 36 ms for the click model at load 18)."""
    (NATIVE_DIR / "runs").mkdir(exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=NATIVE_DIR / "runs", delete=False) as f:
        json.dump(shapes, f)
    try:
        env = dict(os.environ, ISEG_ORT_NO_SPIN="0" if spinning else "1")
        out = subprocess.run(["node", str(NATIVE_DIR / "ort_run.mjs"), "bench", str(Path(path).resolve()), f.name,
                              str(iterations), str(threads)], cwd=REPO_ROOT, check=True, capture_output=True, text=True,
                             env=env)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        # Other jobs share this machine's cores: keep the load next to the figure it affects.
        res["loadAverage1m"] = round(os.getloadavg()[0], 2)
        res["allowSpinning"] = spinning
        return res
    finally:
        os.unlink(f.name)


def file_entry(path, rel_to):
    inputs, outputs = onnx_io(path)
    return {"file": os.path.relpath(path, rel_to), "sha256": sha256(path), "inputs": inputs, "outputs": outputs}
