"""Recovering torch weights from an exported ONNX graph (the training checkpoints were lost; the
shipped ONNX files are all that is left).

The exporter keeps some parameters under their state_dict names and rewrites others; each rewrite
is undone from the graph's structure, and every target is checked against the module it lands in:
- named initializers (biases, norms, convolutions) map directly;
- a Linear layer becomes MatMul(x, W^T) with an anonymous initializer `onnx::MatMul_*`: the node's
  scope (`/backbone/stages.0/blocks.0/attn/qkv/MatMul`) names the module, which must be a Linear of
  the transposed shape;
- a Swin relative-position bias is constant-folded into the gathered table
  `table[relative_position_index.reshape(-1)]` of shape [ws^2 * ws^2, heads] feeding a Reshape in the
  attention's scope; the gather is inverted (every table row is hit, and all copies of a row agree);
- Conv + BatchNorm (eval) is folded into one Conv with bias: the conv gets the folded kernel and the
  BatchNorm becomes the identity plus that bias (running mean 0, variance 1 - eps), the same function.
Anything left unassigned, or any initializer left unused, is an error.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn as nn


class RecoveryError(ValueError):
    pass


def module_path(node_name: str) -> str:
    """Module path from an exporter scope: '/layer1/layer1.0/conv1/conv1.0/Conv' ->
    'layer1.0.conv1.0' (a child of a Sequential/ModuleList is scoped as 'parent.index')."""
    parts: list[str] = []
    for seg in node_name.strip("/").split("/")[:-1]:
        if parts and _is_index_of(parts[-1], seg):
            parts[-1] = seg
        else:
            parts.append(seg)
    return ".".join(parts)


def _is_index_of(prev: str, seg: str) -> bool:
    """seg ('stem.0.0') extends prev ('stem.0') by one index."""
    head, _, tail = seg.rpartition(".")
    return tail.isdigit() and head == prev


def _initializers(model_proto) -> dict[str, np.ndarray]:
    from onnx import numpy_helper

    return {i.name: numpy_helper.to_array(i) for i in model_proto.graph.initializer}


def recover_state_dict(onnx_path, model: nn.Module, prefix: str = "") -> tuple[dict, dict]:
    """Returns (state_dict for `model`, report). `prefix` is prepended to graph names when the graph
    is a submodule of `model` (e.g. 'key_encoder.')."""
    import onnx

    proto = onnx.load(str(onnx_path))
    inits = _initializers(proto)
    target = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    modules = dict(model.named_modules())
    out: dict[str, torch.Tensor] = {}
    used: set[str] = set()
    report = {"direct": 0, "matmul_transposed": 0, "bias_table_ungathered": 0, "conv_bn_unfolded": 0,
              "bias_table_max_spread": 0.0}

    def put(key: str, value: np.ndarray, source: str):
        if key not in target:
            raise RecoveryError(f"initializer {source} maps to {key}, which the model does not have")
        if key in out:
            raise RecoveryError(f"{key} is recovered twice (second time from {source})")
        if tuple(target[key].shape) != tuple(value.shape):
            raise RecoveryError(f"{key} has shape {tuple(target[key].shape)}, {source} gives {tuple(value.shape)}")
        out[key] = torch.from_numpy(np.array(value, dtype=np.float32, copy=True)).to(target[key].dtype)

    for name, arr in inits.items():
        if prefix + name in target:
            put(prefix + name, arr, name)
            used.add(name)
            report["direct"] += 1

    for node in proto.graph.node:
        anon = [x for x in node.input if x in inits and x not in used]
        if not anon:
            continue
        path = prefix + module_path(node.name)
        mod = modules.get(path)
        if node.op_type == "MatMul" and isinstance(mod, nn.Linear) and node.input[1] in anon:
            put(path + ".weight", inits[node.input[1]].T, node.input[1])
            used.add(node.input[1])
            report["matmul_transposed"] += 1
        elif node.op_type == "Reshape" and hasattr(mod, "relative_position_bias_table") and node.input[0] in anon:
            table, spread = _ungather_bias(inits[node.input[0]], mod)
            put(path + ".relative_position_bias_table", table, node.input[0])
            used.add(node.input[0])
            report["bias_table_ungathered"] += 1
            report["bias_table_max_spread"] = max(report["bias_table_max_spread"], spread)
        elif node.op_type == "Conv" and isinstance(mod, nn.Conv2d) and node.input[1] in anon:
            _unfold_conv_bn(path, mod, modules, node, inits, put)
            used.update(x for x in node.input[1:] if x in inits)
            report["conv_bn_unfolded"] += 1

    unused = sorted(set(inits) - used)
    if unused:
        raise RecoveryError(f"{len(unused)} initializers of {Path(onnx_path).name} were not mapped, e.g. {unused[:3]}")
    missing = sorted(set(target) - set(out))
    if missing and not prefix:
        raise RecoveryError(f"{len(missing)} parameters were not recovered, e.g. {missing[:3]}")
    return out, report


def _ungather_bias(gathered: np.ndarray, attn: nn.Module) -> tuple[np.ndarray, float]:
    """Inverts table[index.reshape(-1)] -> table; returns the table and the largest disagreement
    between copies of one row (0 for an untouched constant-folded gather)."""
    index = attn.relative_position_index.reshape(-1).numpy()
    rows, heads = attn.relative_position_bias_table.shape
    if gathered.shape != (index.size, heads):
        raise RecoveryError(f"bias table of shape {gathered.shape} does not fit a window of {index.size} pairs x {heads} heads")
    if np.unique(index).size != rows:
        raise RecoveryError("the relative position index does not reach every table row")
    table = np.zeros((rows, heads), np.float32)
    table[index] = gathered  # any copy; the spread below says they agree
    spread = float(np.abs(table[index] - gathered).max())
    return table, spread


def _unfold_conv_bn(path, conv, modules, node, inits, put):
    """A Conv(bias=False) followed by BatchNorm2d in a conv_bn Sequential, exported folded: the
    kernel goes to the conv, the folded bias to the BatchNorm, which becomes identity + bias."""
    weight = inits[node.input[1]]
    bias = inits[node.input[2]] if len(node.input) > 2 and node.input[2] in inits else None
    if conv.bias is not None:
        put(path + ".weight", weight, node.input[1])
        if bias is not None:
            put(path + ".bias", bias, node.input[2])
        return
    parent, _, idx = path.rpartition(".")
    bn_path = f"{parent}.{int(idx) + 1}" if idx.isdigit() else None
    bn = modules.get(bn_path) if bn_path else None
    if not isinstance(bn, nn.BatchNorm2d):
        raise RecoveryError(f"{path} has no bias and no BatchNorm after it, but the graph gives it a bias")
    put(path + ".weight", weight, node.input[1])
    channels = weight.shape[0]
    put(bn_path + ".weight", np.ones(channels, np.float32), node.input[1])
    put(bn_path + ".bias", bias if bias is not None else np.zeros(channels, np.float32), str(node.input[2:]))
    put(bn_path + ".running_mean", np.zeros(channels, np.float32), "folded BatchNorm")
    put(bn_path + ".running_var", np.full(channels, 1.0 - bn.eps, np.float32), "folded BatchNorm")


def load_recovered(model: nn.Module, parts: list[tuple[str, str]]) -> dict:
    """Recovers every (onnx path, prefix) part into `model` (strict over the union); returns the
    merged reports."""
    state: dict[str, torch.Tensor] = {}
    reports = {}
    for path, prefix in parts:
        sd, rep = recover_state_dict(path, model, prefix)
        state.update(sd)
        reports[Path(path).name] = rep
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            state[k] = torch.zeros_like(v)
    model.load_state_dict(state, strict=True)
    return reports
