"""Dynamic int8 quantisation of a shipped click model's ONNX graph (issue 19: clicks per second
under load on a 2-core CPU), as a plain ONNX graph rewrite (no Python onnxruntime here).

Every MatMul whose second input is a constant 2-D float weight [K, N] becomes the pattern ONNX
Runtime's own dynamic quantiser writes, which its CPU provider fuses into one DynamicQuantizeMatMul
kernel at load (graph optimisation level 'all'):

    a_q, a_scale, a_zp = DynamicQuantizeLinear(a)          # uint8 activations, per tensor, per run
    y = Cast(MatMulInteger(a_q, w_q, a_zp, w_zp)) * (a_scale * w_scale) [+ bias]

The weights are int8, symmetric (zero point 0) and scaled per output column, so a column of small
weights keeps its precision beside a column of large ones. `--weight-bits 7` keeps them in
[-63, 63]: on x86 CPUs without VNNI the uint8 x int8 kernel adds pairs of products in 16 bits,
which 8-bit weights can saturate (onnxruntime's own `reduce_range`). The attention products
(both operands computed) and the convolutions stay float32. A following `Add(bias, y)` is written
`Add(y, bias)`, the order the fusion matches, so the bias folds into the kernel too.

The output is a complete model folder beside the source: model.onnx, a manifest (the source's, with
the new id, file digest and a `quantization` entry) and a model card. The forward-time and accuracy
checks run in onnxruntime-node (`iseg bench`, `iseg eval-clicks`; see native-models/README.md).

  /usr/bin/python3 native-models/quantize_click.py \
      --source native-models/isegformer-swin32-cpu --out native-models/isegformer-swin32-cpu-int8
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from isegnet.export import file_entry, graph_index, sha256  # noqa: E402
from isegnet.manifest import write_manifest  # noqa: E402


def quantize_weight(w: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column int8 codes of a [K, N] weight, and the N scales (w ~ codes * scale)."""
    if w.ndim != 2:
        raise ValueError(f"a MatMul weight must be 2-D, not {w.shape}")
    top = (1 << (bits - 1)) - 1
    peak = np.abs(w).max(axis=0)
    # An all-zero column gets scale 1: its codes are 0 whatever the scale.
    scale = np.where(peak > 0, peak / top, 1.0).astype(np.float32)
    codes = np.clip(np.rint(w / scale), -top, top).astype(np.int8)
    return codes, scale


def quantize_graph(model, bits: int = 8):
    """Rewrites `model` (an onnx.ModelProto, changed in place); returns how many MatMuls it quantised."""
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    inits, consumers, outputs = graph_index(graph)

    new_nodes = []
    new_inits = []
    done = 0
    for node in graph.node:
        weight = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if weight is None or weight.data_type != TensorProto.FLOAT or len(weight.dims) != 2:
            new_nodes.append(node)
            continue
        codes, scale = quantize_weight(numpy_helper.to_array(weight), bits)
        base = node.name or node.output[0]
        w_q, w_zp, w_scale = f"{base}/w_q", f"{base}/w_zp", f"{base}/w_scale"
        new_inits += [numpy_helper.from_array(codes, w_q),
                      numpy_helper.from_array(np.zeros(codes.shape[1], np.int8), w_zp),
                      numpy_helper.from_array(scale, w_scale)]
        a_q, a_scale, a_zp = f"{base}/a_q", f"{base}/a_scale", f"{base}/a_zp"
        y_int, y_cast, scale_ab = f"{base}/y_int", f"{base}/y_float", f"{base}/scale"
        new_nodes += [
            # One DynamicQuantizeLinear per MatMul, so each pair fuses (the fusion wants its outputs
            # used by one MatMulInteger).
            helper.make_node("DynamicQuantizeLinear", [node.input[0]], [a_q, a_scale, a_zp], name=f"{base}/quantize"),
            helper.make_node("MatMulInteger", [a_q, w_q, a_zp, w_zp], [y_int], name=f"{base}/matmul_integer"),
            helper.make_node("Cast", [y_int], [y_cast], name=f"{base}/cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [a_scale, w_scale], [scale_ab], name=f"{base}/scale_mul"),
            helper.make_node("Mul", [y_cast, scale_ab], [node.output[0]], name=f"{base}/output_mul"),
        ]
        done += 1
        # Bias first (as torch exports it) → bias second, as the MatMulIntegerToFloat fusion expects.
        users = consumers.get(node.output[0], [])
        if len(users) == 1 and node.output[0] not in outputs:
            add = users[0]
            if add.op_type == "Add" and len(add.input) == 2 and add.input[1] == node.output[0] and add.input[0] in inits:
                add.input[0], add.input[1] = add.input[1], add.input[0]
    used = {name for node in new_nodes for name in node.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    return done


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=HERE / "isegformer-swin32-cpu", help="a click model folder (manifest.json, model.onnx)")
    parser.add_argument("--out", type=Path, default=None, help="the new model folder (default: SOURCE-int8)")
    parser.add_argument("--weight-bits", type=int, choices=(7, 8), default=8)
    args = parser.parse_args()
    import onnx

    source = args.source.resolve()
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest.get("task") != "click-to-mask":
        sys.exit(f"{source} holds a {manifest.get('task')} model; only click models are quantised.")
    src_file = manifest["files"]["model"]
    src_path = source / src_file["file"]
    if sha256(src_path) != src_file["sha256"]:
        sys.exit(f"{src_path} does not match its manifest's sha256; refusing to quantise a changed model.")
    out = (args.out or source.with_name(source.name + "-int8")).resolve()
    out.mkdir(parents=True, exist_ok=True)

    model = onnx.load(str(src_path))
    count = quantize_graph(model, args.weight_bits)
    if count == 0:
        sys.exit(f"{src_path} has no MatMul with a constant weight to quantise.")
    onnx.checker.check_model(model)
    path = out / "model.onnx"
    onnx.save(model, str(path))

    q = copy.deepcopy(manifest)
    q["id"] = manifest["id"] + "-int8"
    q["files"]["model"] = file_entry(path, out)
    q["quantization"] = {
        "kind": "dynamic int8 (onnxruntime's DynamicQuantizeLinear + MatMulInteger pattern)",
        "source": {"id": manifest["id"], "version": manifest["version"], "sha256": src_file["sha256"]},
        "matmuls": count,
        "weights": f"int8, symmetric, per output column, {args.weight_bits}-bit range",
        "activations": "uint8, per tensor, computed at every run",
        "script": "native-models/quantize_click.py",
    }
    # Figures measured on the float32 graph do not describe this one.
    for key in ("latencyMs", "parity"):
        q.pop(key, None)
    write_manifest(out, q)
    card = source / "MODEL_CARD.md"
    if card.exists():
        text = card.read_text().split("<!-- eval:begin")[0].rstrip()
        text = text.replace(f"# {manifest['id']} ", f"# {q['id']} ", 1)
        (out / "MODEL_CARD.md").write_text(
            text + "\n\n## Quantisation\n\n"
            f"This folder is `{manifest['id']}` v{manifest['version']} (model.onnx sha256 `{src_file['sha256']}`) with its "
            f"{count} constant-weight MatMuls dynamically quantised by `native-models/quantize_click.py "
            f"--weight-bits {args.weight_bits}`: int8 weights (symmetric, per output column), uint8 activations "
            "quantised per tensor at every run, attention products and convolutions in float32. The architecture "
            "and training above are the source model's; the latency line above is the float32 model's. Forward time "
            "and accuracy against the float32 model: native-models/README.md, \"Int8 click model\".\n")
    print(f"{count} MatMuls quantised ({args.weight_bits}-bit weights): {path} "
          f"({path.stat().st_size / 1e6:.1f} MB, sha256 {q['files']['model']['sha256']})")


if __name__ == "__main__":
    main()
