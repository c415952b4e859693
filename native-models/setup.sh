#!/usr/bin/env bash
# Installs the Python pipeline's dependencies from Debian packages (no PyPI, no downloads at run
# time). Uses /usr/bin/python3 on purpose: a pyenv `python3` on PATH does not see Debian packages.
set -euo pipefail
PY=/usr/bin/python3
missing=()
for pair in torch:python3-torch onnx:python3-onnx numpy:python3-numpy scipy:python3-scipy nibabel:python3-nibabel; do
  "$PY" -c "import ${pair%%:*}" 2>/dev/null || missing+=("${pair##*:}")
done
if ((${#missing[@]})); then
  echo "[setup] installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
"$PY" -c "import torch, onnx, numpy, scipy, nibabel; print('[setup] torch', torch.__version__, '| onnx', onnx.__version__, '| cuda', torch.cuda.is_available())"
# The ONNX side of parity checks and latency runs in Node with the app's onnxruntime-node.
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$ROOT/node_modules/onnxruntime-node" ]; then
  echo "[setup] warning: node_modules/onnxruntime-node missing (run npm ci at the repository root); parity checks will be skipped" >&2
fi
