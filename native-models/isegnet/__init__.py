"""Networks, losses and click utilities for iSeg Studio's native (ONNX) models."""
