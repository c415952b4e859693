#!/usr/bin/env bash
# Accuracy of a quantised click model against its float32 source on training-source data (issue 19),
# with the app's own code (iseg eval-clicks: RITM protocol, at most 20 clicks, the click guarantee on):
# for each source, the same slices and labels through both models; prints NoC@85 and IoU after 1/3/5
# clicks per source and overall, and the mean paired difference (int8 − fp32) with its standard error.
#
#   native-models/compare_int8.sh [--samples N] [--fp32 DIR] [--int8 DIR] [--json-dir DIR]
#
# Data (../shared/data; ISEG_SHARED_DATA overrides): the CLAIR knee template (labels 1, 2, 3),
# TotalSegmentator CT (labels 1, 5, 20) and MR (labels 5, 6, 46), the FreeSurfer brain (labels 4,
# 10, 17). --samples is per label (default 8). Needs a build (node scripts/build.mjs --quiet).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${ISEG_SHARED_DATA:-$ROOT/../shared/data}"
samples=8
fp32="$ROOT/native-models/isegformer-swin32-cpu"
int8="$ROOT/native-models/isegformer-swin32-cpu-int8"
json_dir=""
while (($#)); do
  case "$1" in
    --samples) samples="$2"; shift 2 ;;
    --fp32) fp32="$2"; shift 2 ;;
    --int8) int8="$2"; shift 2 ;;
    --json-dir) json_dir="$2"; shift 2 ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "compare_int8.sh: unknown argument $1 (see --help)." >&2; exit 2 ;;
  esac
done
for d in "$fp32" "$int8"; do
  [ -f "$d/manifest.json" ] || { echo "compare_int8.sh: $d is not a model folder (no manifest.json)." >&2; exit 1; }
done
[ -d "$DATA/multi" ] || { echo "compare_int8.sh: $DATA has no shared data (set ISEG_SHARED_DATA)." >&2; exit 1; }

cd "$ROOT"
mkdir -p native-models/runs
work="$(mktemp -d "$ROOT/native-models/runs/int8.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# eval-clicks finds models by folder under --models: both go side by side into one.
mkdir -p "$work/models"
cp -r "$fp32" "$work/models/"
cp -r "$int8" "$work/models/"
fp32_id="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).id)' "$fp32/manifest.json")"
int8_id="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).id)' "$int8/manifest.json")"
out="${json_dir:-$work/json}"
mkdir -p "$out"

sources=(
  "clair|knee/clair-knee-103r_template.nii.gz|knee/clair-knee-103r_labels.nii.gz|1 2 3"
  "totalseg-ct|multi/totalseg_ct.nii.gz|multi/totalseg_ct_labels.nii.gz|1 5 20"
  "totalseg-mr|multi/totalseg_mr.nii.gz|multi/totalseg_mr_labels.nii.gz|5 6 46"
  "freesurfer|brain/fs_norm.mgz|brain/fs_aparc.a2009s+aseg.mgz|4 10 17"
)
for entry in "${sources[@]}"; do
  IFS='|' read -r name image labels values <<<"$entry"
  label_args=()
  for v in $values; do label_args+=(--label "$v"); done
  for id in "$fp32_id" "$int8_id"; do
    node bin/iseg.js eval-clicks --image "$DATA/$image" --labels "$DATA/$labels" "${label_args[@]}" \
      --samples "$samples" --models "$work/models" --model "$id" --threads 1 --quiet --json "$out/$name.$id.json" >/dev/null
  done
done

/usr/bin/python3 - "$out" "$fp32_id" "$int8_id" <<'EOF'
import json, math, sys
from pathlib import Path

out, a_id, b_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
rows = {}
for f in sorted(out.glob(f"*.{a_id}.json")):
    name = f.name[: -len(f".{a_id}.json")]
    a = json.loads(f.read_text())["perSample"]
    b = json.loads((out / f"{name}.{b_id}.json").read_text())["perSample"]
    rows[name] = list(zip(a, b))

def stats(pairs):
    def metric(s, key):
        return s["noc"]["85"] if key == "noc85" else s["ious"][min(int(key[3:]), len(s["ious"])) - 1]
    line = []
    for key in ("noc85", "iou1", "iou3", "iou5"):
        xs = [metric(p[0], key) for p in pairs]
        ys = [metric(p[1], key) for p in pairs]
        d = [y - x for x, y in zip(xs, ys)]
        mean_d = sum(d) / len(d)
        se = math.sqrt(sum((v - mean_d) ** 2 for v in d) / max(1, len(d) - 1) / len(d))
        fmt = "{:.2f}" if key == "noc85" else "{:.3f}"
        line.append(f"{key} {fmt.format(sum(xs) / len(xs))} -> {fmt.format(sum(ys) / len(ys))} (diff {mean_d:+.3f} ± {se:.3f})")
    return "; ".join(line)

everything = []
for name, pairs in rows.items():
    everything += pairs
    print(f"{name} ({len(pairs)} samples): {stats(pairs)}")
print(f"all ({len(everything)} samples), {a_id} -> {b_id}: {stats(everything)}")
EOF
