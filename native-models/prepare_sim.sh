#!/usr/bin/env bash
# Simulates knee MR images from the SPL knee atlas label map with the app's CLI, for training
# (written under native-models/runs/sim/, gitignored; shared data is never copied). Optional: the
# data builder trains on the other sources when these files are absent.
#   native-models/prepare_sim.sh [seeds...]     (default seeds: 1 2)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${ISEG_SHARED_DATA:-$ROOT/../shared/data}"
OUT="$ROOT/native-models/runs/sim"
mkdir -p "$OUT"
seeds=("$@")
if ((${#seeds[@]} == 0)); then seeds=(1 2); fi
cd "$ROOT"
for s in "${seeds[@]}"; do
  f="$OUT/spl-knee_seed$s.nii.gz"
  if [ -f "$f" ]; then echo "[sim] $f exists"; continue; fi
  npm run -s iseg -- simulate-knee --labels "$DATA/knee/spl-knee-atlas_seg.nrrd" --out "$f" --seed "$s" --preset spl
  echo "[sim] wrote $f"
done
