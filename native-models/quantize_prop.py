"""Static int8 (QDQ) quantisation of a shipped propagation model's three ONNX graphs (issue 19:
propagation speed on a 2-core CPU), as a plain ONNX graph rewrite (no Python onnxruntime here).

Every quantised Conv and Add gets the QDQ pattern that ONNX Runtime's CPU provider fuses at load
(graph optimisation level 'all') into QLinearConv / QLinearAdd:

    DQ(x_q) , DQ(w_q) , DQ(b_q) -> Conv -> Q -> y_q        (a following Relu sits before the Q;
                                                            its zero point 0 lets ORT drop it)

Weights are int8, symmetric, per output channel (axis 0); the bias int32 with scale
x_scale * w_scale; activations uint8, asymmetric, per tensor, from ranges calibrated on real inputs
(`scripts/capture-prop-calibration.ts`, training-source volumes only). A Resize between two
quantised tensors reuses its input's scale and zero point, so ORT runs it on uint8 too. The
decoder keeps its last node a float Resize writing `logits` from a float tensor (the app may cut
that Resize off and upsample in JavaScript). Graph outputs stay float (the DQ of their Q).

  /usr/bin/python3 native-models/quantize_prop.py probe --out /tmp/int8/probe      # ranges probes
  /usr/bin/python3 native-models/quantize_prop.py quantize --ranges native-models/stcn-lite-cpu-int8.ranges.json \
      --keep-float /stem/stem.0/stem.0.0/Conv --card-figures native-models/stcn-lite-cpu-int8.figures.md
"""
from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ROLES = ("keyEncoder", "valueEncoder", "decoder")


def quantize_conv_weight(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-output-channel int8 codes of a [Cout, ...] weight and the Cout scales."""
    peak = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    # An all-zero channel gets scale 1: its codes are 0 whatever the scale.
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    codes = np.clip(np.rint(w / scale.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127).astype(np.int8)
    return codes, scale


def activation_params(lo: float, hi: float) -> tuple[np.float32, np.uint8]:
    """uint8 scale and zero point for the range [lo, hi], widened to hold 0 (exact zero padding)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = np.float32((hi - lo) / 255.0)
    zp = np.uint8(np.clip(np.rint(-lo / float(scale)), 0, 255))
    return scale, zp


def probe_model(model):
    """A copy of `model` with every float tensor a node writes added as a graph output."""
    from onnx import TensorProto, helper

    probe = copy.deepcopy(model)
    have = {o.name for o in probe.graph.output}
    for node in probe.graph.node:
        if node.op_type == "Constant":
            continue
        for name in node.output:
            if name and name not in have:
                probe.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
                have.add(name)
    return probe


def quantize_graph(model, ranges: dict, keep_float: set[str] = frozenset(), quantize_add: bool = True):
    """Rewrites `model` in place into QDQ form; `ranges` maps tensor name -> [lo, hi]. Returns
    counts of what it quantised. Nodes named in `keep_float` (node name or first output) stay float."""
    from onnx import helper, numpy_helper

    from isegnet.export import graph_index

    graph = model.graph
    inits, consumers, graph_outputs = graph_index(graph)

    def kept(node) -> bool:
        return node.name in keep_float or node.output[0] in keep_float

    def is_q(node) -> bool:
        if kept(node):
            return False
        if node.op_type == "Conv":
            return node.input[1] in inits and (len(node.input) < 3 or node.input[2] in inits)
        return quantize_add and node.op_type == "Add" and all(i not in inits for i in node.input)

    quantised = [n for n in graph.node if is_q(n)]

    def point_of_output(tensor: str) -> str:
        """Where a quantised node's output is quantised: after a sole Relu consumer (fused by ORT)."""
        users = consumers.get(tensor, [])
        if len(users) == 1 and users[0].op_type == "Relu" and tensor not in graph_outputs:
            return users[0].output[0]
        return tensor

    # Tensors that get a Q -> DQ, and tensors that share another's parameters (Resize).
    points: dict[str, str] = {}  # tensor -> the tensor whose range it uses
    for node in quantised:
        for name in node.input[:1] if node.op_type == "Conv" else node.input:
            points[name] = name
        points[point_of_output(node.output[0])] = point_of_output(node.output[0])
    for node in graph.node:
        # Resize (linear) stays within its input's range: same parameters, so ORT drops the pair.
        if node.op_type == "Resize" and node.input[0] in points and node.output[0] in points:
            points[node.output[0]] = node.input[0]

    def params(tensor: str):
        src = points[tensor]
        if src not in ranges:
            raise KeyError(f"no calibrated range for tensor {src!r}")
        return activation_params(*ranges[src])

    new_inits = []
    qparams: dict[str, tuple[str, str]] = {}
    for tensor in sorted(points):
        scale, zp = params(tensor)
        base = tensor.strip("/") or tensor
        s_name, z_name = f"{base}/q_scale", f"{base}/q_zp"
        new_inits += [numpy_helper.from_array(np.array(scale, np.float32), s_name),
                      numpy_helper.from_array(np.array(zp, np.uint8), z_name)]
        qparams[tensor] = (s_name, z_name)

    # Rename tensors that are graph outputs so the float name is written by a DQ.
    renamed = {t: f"{t}/float" for t in points if t in graph_outputs}
    new_nodes = []
    dq_count: dict[str, int] = {}

    def dq_for(tensor: str) -> str:
        """A DQ of tensor's Q for one consumer (one per consumer, as ORT's node units want)."""
        k = dq_count.get(tensor, 0)
        dq_count[tensor] = k + 1
        s, z = qparams[tensor]
        out = f"{tensor}/dq{k}"
        new_nodes.append(helper.make_node("DequantizeLinear", [f"{tensor}/q", s, z], [out], name=f"{tensor}/DequantizeLinear{k}"))
        return out

    def emit_q(tensor: str):
        s, z = qparams[tensor]
        src = renamed.get(tensor, tensor)
        new_nodes.append(helper.make_node("QuantizeLinear", [src, s, z], [f"{tensor}/q"], name=f"{tensor}/QuantizeLinear"))
        if tensor in graph_outputs:
            new_nodes.append(helper.make_node("DequantizeLinear", [f"{tensor}/q", s, z], [tensor], name=f"{tensor}/DequantizeLinear_out"))

    for inp in graph.input:
        if inp.name in points:
            emit_q(inp.name)

    qnames = {id_of_name(n) for n in quantised}
    convs = adds = 0
    for node in graph.node:
        node = copy.deepcopy(node)
        is_quantised = id_of_name(node) in qnames
        x_tensor = node.input[0] if node.input else ""
        # Every reader of a quantised tensor reads a DQ of it (its own), so the tensor has one
        # value whichever node reads it; a Conv's weight and bias are handled below.
        for i, name in enumerate(node.input):
            if name in points and not (node.op_type == "Conv" and i > 0):
                node.input[i] = dq_for(name)
        if node.op_type == "Conv" and is_quantised:
            w = numpy_helper.to_array(inits[node.input[1]])
            codes, w_scale = quantize_conv_weight(w)
            base = id_of_name(node)
            x_scale = float(params(x_tensor)[0])
            w_q, w_s, w_z = f"{base}/w_q", f"{base}/w_scale", f"{base}/w_zp"
            new_inits += [numpy_helper.from_array(codes, w_q), numpy_helper.from_array(w_scale, w_s),
                          numpy_helper.from_array(np.zeros(codes.shape[0], np.int8), w_z)]
            new_nodes.append(helper.make_node("DequantizeLinear", [w_q, w_s, w_z], [f"{base}/w_dq"], name=f"{base}/w_DequantizeLinear", axis=0))
            node.input[1] = f"{base}/w_dq"
            if len(node.input) > 2 and node.input[2]:
                b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
                b_scale = (x_scale * w_scale.astype(np.float64)).astype(np.float32)
                b_codes = np.clip(np.rint(b / b_scale.astype(np.float64)), -(2**31) + 1, 2**31 - 1).astype(np.int32)
                b_q, b_s, b_z = f"{base}/b_q", f"{base}/b_scale", f"{base}/b_zp"
                new_inits += [numpy_helper.from_array(b_codes, b_q), numpy_helper.from_array(b_scale, b_s),
                              numpy_helper.from_array(np.zeros(b_codes.shape[0], np.int32), b_z)]
                new_nodes.append(helper.make_node("DequantizeLinear", [b_q, b_s, b_z], [f"{base}/b_dq"], name=f"{base}/b_DequantizeLinear", axis=0))
                node.input[2] = f"{base}/b_dq"
            convs += 1
        elif is_quantised:
            adds += 1
        outs = list(node.output)
        for i, name in enumerate(outs):
            if name in renamed:
                node.output[i] = renamed[name]
        new_nodes.append(node)
        for name in outs:
            if name in points:
                emit_q(name)

    used = {name for node in new_nodes for name in node.input}
    kept_inits = [i for i in graph.initializer if i.name in used]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept_inits + [i for i in new_inits if i.name in used])
    return {"conv": convs, "add": adds, "tensors": len(points)}


def id_of_name(node) -> str:
    return node.name or node.output[0]


def load_source(source: Path):
    from isegnet.export import sha256

    manifest = json.loads((source / "manifest.json").read_text())
    if manifest.get("task") != "propagation":
        sys.exit(f"{source} holds a {manifest.get('task')} model; only propagation models are quantised here.")
    for role in ROLES:
        f = manifest["files"][role]
        if sha256(source / f["file"]) != f["sha256"]:
            sys.exit(f"{source / f['file']} does not match its manifest's sha256; refusing to quantise a changed model.")
    return manifest


def cmd_probe(args):
    import onnx

    manifest = load_source(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    for role in ROLES:
        model = onnx.load(str(args.source / manifest["files"][role]["file"]))
        onnx.save(probe_model(model), str(args.out / f"{role}.onnx"))
    print(f"probe models (every node output a graph output) in {args.out}")


def cmd_quantize(args):
    import onnx
    from isegnet.export import file_entry
    from isegnet.manifest import write_manifest

    source = args.source.resolve()
    manifest = load_source(source)
    calib = json.loads(args.ranges.read_text())
    out = (args.out or source.with_name(source.name + "-int8")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    roles = set(args.roles.split(",")) if args.roles else set(ROLES)
    keep = set(filter(None, (args.keep_float or "").split(",")))
    q = copy.deepcopy(manifest)
    q["id"] = args.id or manifest["id"] + "-int8"
    done = {}
    for role in ROLES:
        src_file = manifest["files"][role]
        path = out / src_file["file"]
        if role in roles:
            model = onnx.load(str(source / src_file["file"]))
            ranges = {name: r[args.range] for name, r in calib["tensors"][role].items()}
            done[role] = quantize_graph(model, ranges, keep_float=keep)
            onnx.checker.check_model(model)
            onnx.save(model, str(path))
        else:
            shutil.copyfile(source / src_file["file"], path)
            done[role] = "copied (float32)"
        q["files"][role] = file_entry(path, out)
    q["quantization"] = {
        "kind": "static int8, QDQ format (onnxruntime fuses it into QLinearConv / QLinearAdd at load)",
        # sha256: the source's identity digest (its key encoder), as the manifest schema wants.
        "source": {"id": manifest["id"], "version": manifest["version"], "sha256": manifest["files"]["keyEncoder"]["sha256"],
                   "files": {r: manifest["files"][r]["sha256"] for r in ROLES}},
        "networks": done,
        "weights": "int8, symmetric, per output channel; bias int32 (scale input scale x weight scale)",
        "activations": f"uint8, asymmetric, per tensor; ranges: {args.range} of the calibration inputs",
        "keptFloat": sorted(keep),
        "range": args.range,
        "roles": sorted(roles) if args.roles else [],
        "calibration": calib.get("provenance", {}),
        "script": "native-models/quantize_prop.py",
    }
    # Figures measured on the float32 graphs do not describe these.
    for key in ("latencyMs", "parity"):
        q.pop(key, None)
    write_manifest(out, q)
    card = source / "MODEL_CARD.md"
    text = card.read_text().split("<!-- eval:begin")[0].rstrip() if card.exists() else f"# {manifest['id']}"
    text = text.replace(f"# {manifest['id']} ", f"# {q['id']} ", 1)
    if text.endswith("## Evaluation figures"):  # the source's figures were cut off above
        text = text[: -len("## Evaluation figures")].rstrip()
    what = "; ".join(f"{r}: {d['conv']} Conv, {d['add']} Add" if isinstance(d, dict) else f"{r}: {d}" for r, d in done.items())
    prov = calib.get("provenance", {})
    figures = args.card_figures.read_text().strip() if args.card_figures else "See native-models/README.md, \"Int8 propagation model\"."
    (out / "MODEL_CARD.md").write_text(
        text + "\n\n## Quantisation\n\n"
        f"This folder is `{manifest['id']}` v{manifest['version']} with its networks statically quantised by "
        f"`native-models/quantize_prop.py` (QDQ format; {what}). Weights int8 symmetric per output "
        f"channel, bias int32, activations uint8 per tensor with ranges ({args.range}) calibrated on the inputs the "
        f"app's memory engine gave the networks on training-source volumes only: {prov.get('volumes', 'see manifest')} "
        f"(licences: FreeSurfer brain BSD-2 (niivue repository), TotalSegmentator MR Apache-2.0). Kept float: "
        f"{', '.join(sorted(keep)) or 'none'}. The architecture, training and licence above are the source model's; "
        f"the latency and parity columns of its table are the float32 graphs'.\n\n{figures}\n")
    print(json.dumps({"out": str(out), "networks": done}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("probe", help="write the float graphs with every node output exposed (for calibration)")
    p.add_argument("--source", type=Path, default=HERE / "stcn-lite-cpu")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(fn=cmd_probe)
    p = sub.add_parser("quantize", help="write the int8 model folder")
    p.add_argument("--source", type=Path, default=HERE / "stcn-lite-cpu")
    p.add_argument("--out", type=Path, default=None, help="the new model folder (default: SOURCE-int8)")
    p.add_argument("--id", default=None)
    p.add_argument("--ranges", type=Path, required=True, help="JSON from scripts/capture-prop-calibration.ts")
    p.add_argument("--range", default="minmax", help="which range of each tensor to use (minmax, p9999, ...)")
    p.add_argument("--roles", default=None, help="networks to quantise (comma list; the others are copied)")
    p.add_argument("--keep-float", default=None, help="Conv/Add node names (or first outputs) left float")
    p.add_argument("--card-figures", type=Path, default=None, help="markdown with the measured figures for the card")
    p.set_defaults(fn=cmd_quantize)
    args = parser.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
