#!/usr/bin/env bash
# Re-runs the whole pipeline: dependencies, simulated knee images (optional), training of the
# click model and the propagation networks, export (ONNX + parity + latency + manifest + model
# card), fixtures, tests.
#
#   native-models/train.sh [--click-minutes N] [--prop-minutes N] [--device cpu|cuda]
#                          [--threads N] [--workers N] [--parallel] [--resume]
#
# --workers N runs each training as N data-parallel processes of --threads each, sharing the
# batch (isegnet/data_parallel.py); on a 2-core CPU `--workers 2 --threads 1` made 1.35x the
# click-model steps per minute of one process. --parallel trains both models at once with
# --threads each instead. Logs: native-models/runs/*/train.out.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
CLICK_MIN=90 PROP_MIN=90 DEVICE=cpu THREADS=2 WORKERS=1 PARALLEL=0 RESUME=""
while (($#)); do
  case "$1" in
    --click-minutes) CLICK_MIN="$2"; shift 2 ;;
    --prop-minutes) PROP_MIN="$2"; shift 2 ;;
    --device) DEVICE="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --parallel) PARALLEL=1; shift ;;
    --resume) RESUME="--resume"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bash native-models/setup.sh
bash native-models/prepare_sim.sh || echo "[train] simulated knee images unavailable: training without them"
mkdir -p native-models/runs/click-cpu native-models/runs/prop-cpu
click=("$PY" native-models/train_click.py --variant cpu --minutes "$CLICK_MIN" --device "$DEVICE" --threads "$THREADS" --workers "$WORKERS" $RESUME)
prop=("$PY" native-models/train_prop.py --variant cpu --minutes "$PROP_MIN" --device "$DEVICE" --threads "$THREADS" --workers "$WORKERS" $RESUME)
if ((PARALLEL)); then
  "${click[@]}" > native-models/runs/click-cpu/train.out 2>&1 &
  pc=$!
  "${prop[@]}" > native-models/runs/prop-cpu/train.out 2>&1 &
  pp=$!
  wait "$pc"; wait "$pp"
else
  "${click[@]}" 2>&1 | tee native-models/runs/click-cpu/train.out
  "${prop[@]}" 2>&1 | tee native-models/runs/prop-cpu/train.out
fi
"$PY" native-models/export_models.py click --variant cpu --checkpoint native-models/runs/click-cpu/last.pt --id isegformer-swin32-cpu
"$PY" native-models/export_models.py prop --variant cpu --checkpoint native-models/runs/prop-cpu/last.pt --id stcn-lite-cpu
"$PY" native-models/export_models.py fixtures
"$PY" -m unittest discover -s native-models/tests
