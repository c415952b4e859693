"""Manifest JSON and MODEL_CARD.md for exported models.

Manifest fields follow the contract agreed with the TypeScript side (id, version, task, files,
opset, inputSize, normalization, clickEncoding | readout, threshold, licence, trainingData,
metrics). Additions, all optional for a reader: "architecture", "output", "latencyMs",
"parity", "training", "spatialMultiple" (propagation: H and W must be multiples of it).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from isegdata.sources import MEAN, PCT_HIGH, PCT_LOW, STD, SPL_LICENCE, TRAINING_SOURCES

NORMALIZATION = {"kind": "percentile", "low": PCT_LOW, "high": PCT_HIGH, "mean": list(MEAN), "std": list(STD)}
CLICK_ENCODING = {"kind": "disks", "radius": 5, "channels": ["positive", "negative", "previousMask"]}
EVAL_SECTION_BEGIN = "<!-- eval:begin (filled by the TypeScript eval commands; do not edit by hand) -->"
EVAL_SECTION_END = "<!-- eval:end -->"


def training_data(source_names):
    """[{name, files, modality, licence}] for the sources a run actually used."""
    known = {s.name: s for s in TRAINING_SOURCES}
    out = []
    for n in source_names:
        if n in known:
            s = known[n]
            out.append({"name": n, "files": [s.image, s.labels], "modality": s.modality, "licence": s.licence})
        elif n.startswith("spl-knee-sim"):
            out.append({"name": n, "files": ["knee/spl-knee-atlas_seg.nrrd", "(image simulated by iseg simulate-knee)"],
                        "modality": "MR (simulated)", "licence": SPL_LICENCE})
    return out


def licence(source_names, trained=True):
    if not trained:
        return {"weights": "random initialisation (no training data); same licence as the repository",
                "data": "none"}
    data = sorted({d["licence"] for d in training_data(source_names)})
    nc = any("NC" in d for d in data)
    research = any("research use" in d for d in data)
    weights = ("CC-BY-NC-4.0: non-commercial use only, because the weights derive from CC-BY-NC 4.0 data "
               "(CLAIR-Knee-103R)" if nc else "follows the most restrictive training-data licence")
    if research:
        weights += "; also derived from the SPL knee atlas (research use)"
    return {"weights": weights, "data": "; ".join(data)}


REPO_ROOT = Path(__file__).resolve().parents[2]


def prettify(*paths):
    """Format generated JSON/Markdown with the repository's Prettier (its format check covers
    native-models/); best effort, skipped where node_modules is absent."""
    exe = REPO_ROOT / "node_modules" / ".bin" / "prettier"
    if exe.exists():
        subprocess.run([str(exe), "--write", "--log-level", "warn", *map(str, paths)], cwd=REPO_ROOT, check=False)


def write_manifest(out_dir: Path, manifest: dict):
    path = Path(out_dir) / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    prettify(path)


def fmt_int(n):
    return f"{n:,}"


def write_model_card(out_dir: Path, manifest: dict, body: str):
    card = f"""# {manifest['id']} (v{manifest['version']})

Task: `{manifest['task']}`. Exported to ONNX opset {manifest['opset']}; tensor contract in
`manifest.json` and in `native-models/README.md`.

{body}

## Licence
- Weights: {manifest['licence']['weights']}
- Training data: {manifest['licence']['data']}

## Evaluation figures
{EVAL_SECTION_BEGIN}
Not measured yet. The TypeScript eval commands (`npm run eval`, `iseg eval-...`) write NoC@80/85/90,
≥20@85, ≥20@90, SPC (click model) and Dice over non-given slices (propagation) here, on the
evaluation-only files (OAI-ZIB labels with a simulated image, MRIcrop brain, spleen CT, spine
cord), none of which was used in training.
{EVAL_SECTION_END}
"""
    (Path(out_dir) / "MODEL_CARD.md").write_text(card)
    prettify(Path(out_dir) / "MODEL_CARD.md")
