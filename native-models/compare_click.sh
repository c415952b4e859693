#!/usr/bin/env bash
# Compares click engines on images no model trained on, with the app's own code (iseg eval-clicks):
# the shipped click model, each checkpoint given (exported to a temporary ONNX folder, never over
# the shipped model) and the classical engine. Prints one row per (data, engine): NoC@80/85/90,
# IoU after 1/3/5 clicks, click violations.
#
#   native-models/compare_click.sh [--samples N] [--threads N] [--no-build] [--no-shipped] [--json-dir DIR] [CHECKPOINT ...]
#
# Data: the embedded sample (resources/sample/knee-sample, labels 1 and 3 = bones, sagittal),
# spleen CT (label 1) and MRIcrop brain (labels 1, 4, 7) from ../shared/data (ISEG_SHARED_DATA
# overrides). --samples is per label (default 10: one comparison of two models runs in minutes).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${ISEG_SHARED_DATA:-$ROOT/../shared/data}"
PY=/usr/bin/python3
samples=10
threads=1
build=1
shipped=1
json_dir=""
checkpoints=()
while (($#)); do
  case "$1" in
    --samples) samples="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-shipped) shipped=0; shift ;;
    --json-dir) json_dir="$2"; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    -*) echo "compare_click.sh: unknown option $1 (see --help)." >&2; exit 2 ;;
    *) checkpoints+=("$1"); shift ;;
  esac
done
for f in "$DATA/ct/spleen2_ct.nii.gz" "$DATA/brain/mricrop_t1.gipl.gz" "$ROOT/resources/sample/knee-sample.nii.gz"; do
  [ -f "$f" ] || { echo "compare_click.sh: $f is missing (set ISEG_SHARED_DATA to the shared data folder)." >&2; exit 1; }
done
for c in "${checkpoints[@]}"; do
  [ -f "$c" ] || { echo "compare_click.sh: checkpoint $c does not exist." >&2; exit 1; }
done

cd "$ROOT"
if ((build)); then node scripts/build.mjs --quiet; fi
mkdir -p native-models/runs
work="$(mktemp -d "$ROOT/native-models/runs/compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="${json_dir:-$work/json}"
mkdir -p "$out"

# engine name -> eval-clicks arguments
engines=()
declare -A engine_args
if ((shipped)); then
  engines+=(shipped)
  engine_args[shipped]="--model isegformer-swin32-cpu"
fi
i=0
for c in "${checkpoints[@]}"; do
  i=$((i + 1))
  id="candidate-$i"
  echo "[compare] exporting $c -> $work/models/$id" >&2
  "$PY" native-models/export_models.py click --checkpoint "$c" --id "$id" --out "$work/models/$id" --no-bench >"$work/export-$i.log" 2>&1 \
    || { cat "$work/export-$i.log" >&2; exit 1; }
  engines+=("$id")
  engine_args[$id]="--models $work/models --model $id"
  echo "[compare] $id = $c" >&2
done
engines+=(classical)
engine_args[classical]="--model classical"

datasets=(sample-bones spleen-ct mricrop-1-4-7)
declare -A data_args=(
  [sample-bones]="--image resources/sample/knee-sample.nii.gz --labels resources/sample/knee-sample_labels.nii.gz --label 1 --label 3 --axis sagittal"
  [spleen-ct]="--image $DATA/ct/spleen2_ct.nii.gz --labels $DATA/ct/spleen2_labels.nii.gz --label 1"
  [mricrop-1-4-7]="--image $DATA/brain/mricrop_t1.gipl.gz --labels $DATA/brain/mricrop_labels.gipl.gz --label 1 --label 4 --label 7"
)
for d in "${datasets[@]}"; do
  for e in "${engines[@]}"; do
    echo "[compare] $d / $e" >&2
    # shellcheck disable=SC2086  # the argument strings are split on purpose
    node bin/iseg.js eval-clicks ${data_args[$d]} ${engine_args[$e]} --samples "$samples" --threads "$threads" \
      --quiet --json "$out/$d--$e.json" >/dev/null
  done
done

"$PY" - "$out" "${datasets[@]}" -- "${engines[@]}" <<'EOF'
import json, sys
from pathlib import Path
out, rest = Path(sys.argv[1]), sys.argv[2:]
cut = rest.index("--")
datasets, engines = rest[:cut], rest[cut + 1:]
print(f"{'data':<15} {'engine':<12} {'n':>3} {'NoC@80':>6} {'NoC@85':>6} {'NoC@90':>6} {'IoU@1':>6} {'IoU@3':>6} {'IoU@5':>6} {'viol':>5}")
for d in datasets:
    for e in engines:
        r = json.loads((out / f"{d}--{e}.json").read_text())
        iou = r["meanIouPerClick"]
        print(f"{d:<15} {e:<12} {r['samples']:>3} {r['noc']['80']['mean']:>6.2f} {r['noc']['85']['mean']:>6.2f} "
              f"{r['noc']['90']['mean']:>6.2f} {iou[0]:>6.3f} {iou[2]:>6.3f} {iou[4]:>6.3f} {r['clickViolations']:>5}")
EOF
