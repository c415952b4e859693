"""Converters from official checkpoints (iSegFormer Swin click models, STCN) to our ONNX layout."""
