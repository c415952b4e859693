"""Export trained (or randomly initialised) models to ONNX with manifest, parity check, latency
and model card.

  /usr/bin/python3 native-models/export_models.py click --checkpoint native-models/runs/click-cpu/last.pt
  /usr/bin/python3 native-models/export_models.py prop  --checkpoint native-models/runs/prop-cpu/last.pt
  /usr/bin/python3 native-models/export_models.py fixtures     # tiny random models for TS tests

Parity: the same random inputs through torch and onnxruntime-node; the max |difference| per
output is printed, stored in the manifest and asserted below PARITY_TOL.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from isegnet.app_protocol import EXPANSION, min_crop_size  # noqa: E402
from isegnet.click_model import APP_SETTINGS, VARIANTS, build_click_model, count_params  # noqa: E402
from isegnet.export import OPSET, bench, export_onnx, file_entry, fix_batch, parity  # noqa: E402
from isegnet.flops import count_macs  # noqa: E402
from isegnet.train_utils import load_weights, torch_load  # noqa: E402
from isegnet.manifest import (CLICK_ENCODING, NORMALIZATION, licence, training_data, write_manifest,  # noqa: E402
                              write_model_card, fmt_int)
from isegnet.propagation import PROP_VARIANTS, build_prop_model  # noqa: E402

PARITY_TOL = 1e-3
MASKS = {"mask": "probability in [0,1] of this object (given mask or previous prediction)",
         "otherMask": "union (max) of the other objects' probabilities on the same frame, zeros if none"}
# Symbolic spatial dims of the propagation graphs: H, W of the slice (multiples of 16) and the
# feature-map sizes at strides 16, 8 and 4 (H16 = H / 16 and so on).
FULL, S16, S8, S4 = ("H", "W"), ("H16", "W16"), ("H8", "W8"), ("H4", "W4")
THRESHOLD = 0.49
TOP_K = 20


NOTE = None  # free-text training note (--note), added to the manifest's "training" and the card


def _load(model, checkpoint):
    if not checkpoint:
        return None
    ck = torch_load(checkpoint)
    load_weights(model, ck, checkpoint)
    summary = Path(checkpoint).parent / "summary.json"
    train = json.loads(summary.read_text()) if summary.exists() else {"steps": ck.get("step"),
                                                                       "minutes": ck.get("seconds", 0) / 60}
    if NOTE:
        train["note"] = NOTE
    return train


def _click_feeds(rng, b, h, w):
    clicks = np.zeros((b, 3, h, w), np.float32)
    clicks[:, :2] = rng.random((b, 2, h, w)) > 0.97
    clicks[:, 2] = rng.random((b, h, w))
    return {"image": rng.standard_normal((b, 3, h, w)).astype(np.float32), "clicks": clicks}


def export_click(variant, checkpoint, out_dir, model_id, version="1.0.0", do_bench=True, seed=0):
    torch.manual_seed(seed)
    model = build_click_model(variant).eval()
    train = _load(model, checkpoint)
    h, w = model.cfg.input_size
    out_dir = Path(out_dir)
    path = export_onnx(model, {"image": torch.zeros(1, 3, h, w), "clicks": torch.zeros(1, 3, h, w)}, ["logits"],
                       out_dir / "model.onnx", static_outputs={"logits": ["batch", 1, h, w]})
    # The app asks for one mask at a time: a static batch of 1 is faster (see fix_batch).
    fix_batch(path, 1)
    diff = parity(model, path, _click_feeds(np.random.default_rng(seed), 1, h, w), ["logits"])
    print(f"[{model_id}] parity max|torch-ort| {diff}")
    assert max(diff.values()) < PARITY_TOL, f"parity failed: {diff}"
    lat = bench(path, {"image": [1, 3, h, w], "clicks": [1, 3, h, w]}) if do_bench else None
    if lat:
        print(f"[{model_id}] onnxruntime-node latency {lat['medianMs']:.1f} ms (median, 2 threads, {h}x{w})")
    macs = count_macs(model, torch.zeros(1, 3, h, w), torch.zeros(1, 3, h, w))
    params = {"total": count_params(model), "imageEmbed": count_params(model.image_embed),
              "clickEmbed": count_params(model.click_embed), "backbone": count_params(model.backbone),
              "decoder": count_params(model.decoder)}
    sources = (train or {}).get("sources", [])
    manifest = {
        "id": model_id, "version": version, "task": "click-to-mask",
        "files": {"model": file_entry(path, out_dir)},
        "opset": OPSET, "inputSize": [h, w], "normalization": NORMALIZATION, "clickEncoding": CLICK_ENCODING,
        "threshold": THRESHOLD, **APP_SETTINGS.get(variant, {}),
        "licence": licence(sources, trained=train is not None),
        "trainingData": training_data(sources), "metrics": {},
        "output": {"name": "logits", "resolution": "input", "activation": "sigmoid",
                   "note": "logits already upsampled to inputSize inside the model; p = sigmoid(logits)"},
        "architecture": {"kind": "iSegFormer (Swin encoder + SegFormer-style MLP decoder)", "variant": variant,
                         **model.cfg.to_dict(), "params": params, "gmacs": round(macs / 1e9, 3)},
        "parity": {"maxAbsDiff": diff, "runtime": "onnxruntime-node", "batch": 1},
        "latencyMs": {"median": round(lat["medianMs"], 2), "min": round(lat["minMs"], 2), "threads": 2, "batch": 1,
                      "inputSize": [h, w], "runtime": "onnxruntime-node 1.30, CPU",
                      "sessionOptions": {"intraOpNumThreads": 2, "allowSpinning": False},
                      "cpuMsPerRun": round(lat["cpuMsPerRun"], 2), "loadAverage1m": lat["loadAverage1m"]} if lat else None,
        "training": train,
    }
    write_manifest(out_dir, manifest)
    val = (train or {}).get("validation", {})
    body = f"""## Architecture
iSegFormer-style click model: a Swin Transformer encoder (four stages, window self-attention
with shifted windows every second block, patch merging between stages) and a SegFormer-style
MLP decoder over the four stages. Two 4x4 patch embeddings, one for the image (gray slice
replicated to 3 channels) and one for the click maps (positive disks, negative disks of radius
5 px, previous mask), are added before the first stage. The decoder's per-stage linear
projections are folded with its fuse layer (an equivalent reparametrisation of SegFormer's head,
cheaper at stride 4); the single logit map is upsampled to the input size inside the model.

| | value |
|---|---|
| variant | `{variant}` |
| embed dim / depths / heads / window | {model.cfg.embed_dim} / {list(model.cfg.depths)} / {list(model.cfg.heads)} / {model.cfg.window} |
| input size | {h}x{w}, batch 1 (all shapes static, so onnxruntime folds the window shape arithmetic at load) |
| parameters | {fmt_int(params['total'])} (backbone {fmt_int(params['backbone'])}, decoder {fmt_int(params['decoder'])}, embeddings {fmt_int(params['imageEmbed'] + params['clickEmbed'])}) |
| MACs per forward | {macs / 1e9:.2f} G (conv, linear and attention matmuls) |
| ONNX forward latency | {f"{lat['medianMs']:.1f} ms median (min {lat['minMs']:.1f} ms; {lat['cpuMsPerRun']:.1f} ms CPU time per run over both threads), onnxruntime-node, 2 intra-op threads without spin-waiting, batch 1, on the 2-core build machine, shared with other jobs while measured (1-min load average {lat['loadAverage1m']})" if lat else 'not measured'} |
| parity torch vs onnxruntime-node | max abs diff {max(diff.values()):.2e} on logits (random inputs) |
| how the app runs it (manifest `threshold`, `zoomIn`) | {_app_settings_text(variant, h, w)} |

## Training
{_training_text(train, val, click=True)}

## Intended use and limitations
Interactive 2D segmentation of one object per call on a slice of a 3D medical image, inside
iSeg Studio (zoom-in crop resized to {h}x{w}). Trained from scratch (no ImageNet pre-training,
no downloads) for a short budget (hours of a 2-core CPU, minutes of a GPU) on a handful of volumes: expect clearly weaker accuracy
than the paper's Swin-B (ImageNet-21k pre-trained, GPU-trained). Not a medical device.
"""
    write_model_card(out_dir, manifest, body)
    return manifest


def _app_settings_text(variant, h, w):
    """The threshold and zoom-in the manifest gives the app (APP_SETTINGS), against RITM's."""
    app = APP_SETTINGS.get(variant, {})
    ritm_crop = min_crop_size((h, w))
    crop = app.get("zoomIn", {}).get("minCropSize")
    text = (f"threshold {app.get('threshold', THRESHOLD)} (RITM: {THRESHOLD}); zoom-in crops of at least "
            f"{crop or ritm_crop} slice pixels{f' (RITM: {ritm_crop})' if crop else ''}, {EXPANSION}x the object's box")
    if app.get("zoomIn", {}).get("refineFirst"):
        text += "; a first click answered twice, the second time zoomed in on the first answer"
    if app:
        text += "; chosen on held-out training-source slices (isegnet/click_model.py APP_SETTINGS)"
    return text


def _training_text(train, val, click):
    if not train:
        return "Not trained: random initialisation (a plumbing fixture)."
    lines = [f"- Note: {train['note']}"] if train.get("note") else []
    lines += [f"- Budget: {train.get('minutes', 0):.1f} min, {train.get('steps')} steps in all (the last part: batch "
             f"{train.get('batch')} on {train.get('device', 'cpu')}, {train.get('threads')} thread(s)).",
             f"- Final training loss (EMA): {train.get('final_loss_ema', float('nan')):.4f}."]
    if click and val:
        lines.append(f"- Validation monitor on {len(train.get('validation_slices', []))} held-out training-source slices "
                     f"(RITM protocol, 20 clicks max): NoC@80 {val['noc80']:.2f}, NoC@85 {val['noc85']:.2f} "
                     f"(std {val['noc85_std']:.2f}), NoC@90 {val['noc90']:.2f}, IoU@1 {val['iou@1']:.3f}, "
                     f"≥20@85 {val['over20@85']}. These slices come from training volumes (held out along one axis "
                     f"only), so they are a sanity monitor, not an evaluation.")
        if "app_noc85" in val:
            lines.append(f"- App-protocol monitor on {len(train.get('app_validation_slices', []))} held-out whole slices, "
                         f"run as `iseg eval-clicks` runs them (first click on the whole slice, then RITM zoom-in; "
                         f"isegnet/app_protocol.py): NoC@80 {val['app_noc80']:.2f}, NoC@85 {val['app_noc85']:.2f} "
                         f"(std {val['app_noc85_std']:.2f}), NoC@90 {val['app_noc90']:.2f}, IoU@1 {val['app_iou@1']:.3f}, "
                         f"IoU@5 {val['app_iou@5']:.3f}, ≥20@85 {val['app_over20@85']}. The object-centred monitor above "
                         f"shows the model views the app never shows; this one is the figure to watch.")
    if not click and val:
        lines.append(f"- Validation monitor: mean Dice {val['dice']:.3f} (std {val['dice_std']:.3f}) over "
                     f"{val['frames']} propagated frames of held-out random views of training volumes (sanity "
                     f"monitor, not an evaluation).")
    if train.get("data_pack"):
        lines.append("- Training data: the files below, read in place from ../shared/data (never copied into the "
                     "project); the last part, on a machine without them, read a training pack made from them "
                     "(`pack_data.py`: the same volumes, normalised and stored as 8-bit, not committed):")
    else:
        lines.append("- Training data (all read in place from ../shared/data, never copied):")
    for d in training_data(train.get("sources", [])):
        lines.append(f"  - {d['name']}: {', '.join(d['files'])} ({d['modality']}; {d['licence']})")
    return "\n".join(lines)


def export_prop_graphs(mods, dims, out_dir, model_id, do_bench=True, seed=0, size=384):
    """Export the three propagation graphs, check parity (other size and batch than the trace)
    and measure latency. mods: {"keyEncoder", "valueEncoder", "decoder": nn.Module};
    dims: {"key", "value", "f16", "f8", "f4"} channel counts."""
    out_dir = Path(out_dir)
    hs = size // 16
    shapes = {
        "keyEncoder": {"image": [1, 3, size, size]},
        "valueEncoder": {"image": [1, 3, size, size], "mask": [1, 1, size, size], "otherMask": [1, 1, size, size],
                         "f16": [1, dims["f16"], hs, hs]},
        "decoder": {"readout": [1, dims["value"], hs, hs], "f16": [1, dims["f16"], hs, hs],
                    "f8": [1, dims["f8"], 2 * hs, 2 * hs], "f4": [1, dims["f4"], 4 * hs, 4 * hs]},
    }
    outs = {"keyEncoder": ["key", "f16", "f8", "f4"], "valueEncoder": ["value"], "decoder": ["logits"]}
    spatial = {
        "keyEncoder": {"image": FULL, "key": S16, "f16": S16, "f8": S8, "f4": S4},
        "valueEncoder": {"image": FULL, "mask": FULL, "otherMask": FULL, "f16": S16, "value": S16},
        "decoder": {"readout": S16, "f16": S16, "f8": S8, "f4": S4, "logits": FULL},
    }
    files = {"keyEncoder": "key_encoder.onnx", "valueEncoder": "value_encoder.onnx", "decoder": "decoder.onnx"}
    paths = {r: export_onnx(mods[r], {n: torch.zeros(s) for n, s in shapes[r].items()}, outs[r], out_dir / files[r],
                            spatial=spatial[r]) for r in files}
    # Parity at another size and batch than the export trace, to prove the symbolic axes work.
    rng = np.random.default_rng(seed)
    b, h, w = 2, 256, 320
    x = rng.standard_normal((b, 3, h, w)).astype(np.float32)
    with torch.no_grad():
        _, pf16, pf8, pf4 = (t.numpy() for t in mods["keyEncoder"](torch.from_numpy(x)))
    feeds = {
        "keyEncoder": {"image": x},
        "valueEncoder": {"image": x, "mask": rng.random((b, 1, h, w), dtype=np.float32),
                         "otherMask": (rng.random((b, 1, h, w)) > 0.8).astype(np.float32), "f16": pf16},
        "decoder": {"readout": rng.standard_normal((b, dims["value"], h // 16, w // 16)).astype(np.float32),
                    "f16": pf16, "f8": pf8, "f4": pf4},
    }
    diffs, lat, macs, params = {}, {}, {}, {}
    for role, p in paths.items():
        diffs[role] = parity(mods[role], p, feeds[role], outs[role])
        print(f"[{model_id}] {role} parity max|torch-ort| {diffs[role]}")
        assert max(diffs[role].values()) < PARITY_TOL, f"parity failed: {role} {diffs[role]}"
        if do_bench:
            r = bench(p, shapes[role])
            lat[role] = round(r["medianMs"], 2)
            lat[role + "Min"] = round(r["minMs"], 2)
            lat["loadAverage1m"] = r["loadAverage1m"]
            lat[role + "CpuMsPerRun"] = round(r["cpuMsPerRun"], 2)
            print(f"[{model_id}] {role} latency {lat[role]:.1f} ms at {size}x{size} (median, 2 threads)")
        macs[role] = count_macs(mods[role], *[torch.zeros(s) for s in shapes[role].values()])
        params[role] = count_params(mods[role])
    return paths, diffs, lat, macs, params, (b, h, w)


def readout_spec(key_dim, value_dim, window=None):
    """The manifest's read-out; `window` ({tile, radius, pool}) when the weights were trained with
    the app's local read-out (train_prop.py --readout-window), so the app reads out the same way."""
    spec = {"kind": "l2-topk", "topK": TOP_K, "keyDim": key_dim, "valueDim": value_dim, "stride": 16,
            "formula": "s[n,q] = (2*dot(mk[:,n], qk[:,q]) - |mk[:,n]|^2) / sqrt(keyDim); keep the topK "
                       "largest s[.,q] over memory positions n (all if fewer); w = softmax(kept); "
                       "readout[:,q] = sum_kept w * mv[:,n]",
            "memoryLayout": "keys [keyDim, N] and values [valueDim, N], N = frames*h*w, each frame "
                            "flattened row-major (y*w + x), frames concatenated in insertion order"}
    if window:
        spec["window"] = {"tile": window["tile"], "radius": window["radius"], "pool": window.get("pool", 0)}
        if window.get("pool_side"):
            spec["window"]["poolSide"] = window["pool_side"]
    return spec


def export_prop(variant, checkpoint, out_dir, model_id, version="1.0.0", do_bench=True, seed=0, size=384):
    torch.manual_seed(seed)
    net = build_prop_model(variant).eval()
    train = _load(net, checkpoint)
    cfg = net.cfg
    out_dir = Path(out_dir)
    mods = {"keyEncoder": net.key_encoder, "valueEncoder": net.value_encoder, "decoder": net.decoder}
    dims = {"key": cfg.key_dim, "value": cfg.value_dim, "f16": cfg.key_widths[3], "f8": cfg.key_widths[2],
            "f4": cfg.key_widths[1]}
    paths, diffs, lat, macs, params, (b, h, w) = export_prop_graphs(mods, dims, out_dir, model_id, do_bench, seed, size)
    sources = (train or {}).get("sources", [])
    spec = readout_spec(cfg.key_dim, cfg.value_dim, (train or {}).get("readout_window"))
    manifest = {
        "id": model_id, "version": version, "task": "propagation",
        "files": {role: file_entry(p, out_dir) for role, p in paths.items()},
        "opset": OPSET, "inputSize": [size, size], "spatialMultiple": 16, "normalization": NORMALIZATION,
        "readout": spec, "threshold": THRESHOLD, "licence": licence(sources, trained=train is not None),
        "trainingData": training_data(sources), "metrics": {},
        "output": {"name": "logits", "resolution": "input", "activation": "sigmoid"},
        "masks": MASKS,
        "architecture": {"kind": "STCN-style key/value encoders + decoder (light ResNet blocks)", "variant": variant,
                         **cfg.to_dict(), "params": params, "gmacsAtInputSize": {k: round(v / 1e9, 3)
                                                                                  for k, v in macs.items()}},
        "parity": {"maxAbsDiff": diffs, "runtime": "onnxruntime-node", "batch": b, "size": [h, w]},
        "latencyMs": ({**lat, "threads": 2, "batch": 1, "inputSize": [size, size],
                       "sessionOptions": {"intraOpNumThreads": 2, "allowSpinning": False},
                       "runtime": "onnxruntime-node 1.30, CPU"} if lat else None),
        "training": train,
    }
    write_manifest(out_dir, manifest)
    rows = "\n".join(f"| {r} | {fmt_int(params[r])} | {macs[r] / 1e9:.3f} | {lat.get(r, float('nan')):.1f} "
                     f"(min {lat.get(r + 'Min', float('nan')):.1f}) | "
                     f"{max(diffs[r].values()):.2e} |" for r in paths)
    body = f"""## Architecture
STCN-style propagation split into three ONNX graphs; the memory read-out runs in the app:
key encoder (image -> key, f16, f8, f4), value encoder (image + mask + other-objects mask + key
f16 -> value), decoder (read-out + f16/f8/f4 skips -> logits at full resolution). Backbones are
small ResNet-style stacks (BasicBlocks) instead of STCN's ResNet-50/ResNet-18 so that a
384x384 slice costs a few milliseconds per network on a CPU. Key dim {cfg.key_dim}, value dim
{cfg.value_dim}, stride 16; H and W of the inputs: any multiple of 16.

| graph | parameters | GMACs at {size}x{size} | latency ms ({size}x{size}, batch 1, 2 threads) | parity max abs diff |
|---|---|---|---|---|
{rows}

Latency: median (and minimum) of 30 runs in onnxruntime-node 1.30 (2 intra-op threads, spin-waiting
off: `session.intra_op.allow_spinning = "0"`) on the 2-core build machine,
which other jobs were sharing while it was measured (1-min load average {lat.get('loadAverage1m', 'n/a')}).

Read-out (TypeScript, same formula as training): {spec['formula']}.

## Training
{_training_text(train, (train or {}).get('validation', {}), click=False)}

## Intended use and limitations
Propagating a 2D mask to neighbouring slices of a 3D image inside iSeg Studio, in both
directions from annotated slices. Trained from scratch for a short CPU budget on 3-frame
sequences of a few volumes: expect drift over long ranges; re-annotate where flagged.
"""
    write_model_card(out_dir, manifest, body)
    return manifest


def export_fixtures():
    """Tiny random models with the default tensor contracts, for the TypeScript plumbing tests."""
    export_click("tiny", None, HERE / "fixtures" / "click-tiny", "fixture-click-tiny", "0.0.1", do_bench=False)
    export_prop("tiny", None, HERE / "fixtures" / "prop-tiny", "fixture-prop-tiny", "0.0.1", do_bench=False, size=64)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["click", "prop", "fixtures"])
    ap.add_argument("--checkpoint", default=None, help="training checkpoint (omit: random weights)")
    ap.add_argument("--variant", default="cpu")
    ap.add_argument("--id", default=None)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--out", default=None)
    ap.add_argument("--no-bench", action="store_true")
    ap.add_argument("--note", default=None, help="free-text note on how the run was made")
    a = ap.parse_args()
    global NOTE
    NOTE = a.note
    torch.set_num_threads(1)
    if a.what == "fixtures":
        export_fixtures()
    elif a.what == "click":
        mid = a.id or f"isegformer-swin-{a.variant}"
        export_click(a.variant, a.checkpoint, Path(a.out or HERE / mid), mid, a.version, not a.no_bench)
    else:
        mid = a.id or f"stcn-lite-{a.variant}"
        export_prop(a.variant, a.checkpoint, Path(a.out or HERE / mid), mid, a.version, not a.no_bench)


if __name__ == "__main__":
    main()
