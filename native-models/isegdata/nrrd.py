"""Minimal NRRD reader (nibabel has none): attached-header files, raw or gzip, little endian."""
from __future__ import annotations

import gzip
import re

import numpy as np

_TYPES = {
    "short": np.int16, "int16": np.int16, "signed short": np.int16, "ushort": np.uint16,
    "unsigned short": np.uint16, "uint16": np.uint16, "int": np.int32, "int32": np.int32,
    "uint": np.uint32, "unsigned int": np.uint32, "uchar": np.uint8, "unsigned char": np.uint8,
    "uint8": np.uint8, "char": np.int8, "signed char": np.int8, "int8": np.int8,
    "float": np.float32, "double": np.float64,
}


def read_nrrd(path):
    """Returns (array indexed [i, j, k] like the NRRD 'sizes' order, spacing per axis in mm)."""
    with open(path, "rb") as f:
        raw = f.read()
    end = raw.index(b"\n\n")
    header = {}
    for line in raw[:end].decode("latin-1").splitlines()[1:]:
        if line.startswith("#") or ":" not in line:
            continue
        key, value = line.split(":", 1)
        header[key.strip().lower()] = value.strip().lstrip("=").strip()
    if header.get("endian", "little") != "little":
        raise ValueError(f"{path}: big-endian NRRD not supported")
    if "data file" in header:
        raise ValueError(f"{path}: detached NRRD not supported")
    data = raw[end + 2:]
    enc = header.get("encoding", "raw")
    if enc in ("gzip", "gz"):
        data = gzip.decompress(data)
    elif enc != "raw":
        raise ValueError(f"{path}: encoding {enc} not supported")
    sizes = [int(s) for s in header["sizes"].split()]
    arr = np.frombuffer(data, dtype=_TYPES[header["type"]]).reshape(sizes[::-1]).transpose()
    spacing = []
    if "space directions" in header:
        for vec in re.findall(r"\(([^)]*)\)", header["space directions"]):
            spacing.append(float(np.linalg.norm([float(x) for x in vec.split(",")])))
    elif "spacings" in header:
        spacing = [float(s) for s in header["spacings"].split()]
    else:
        spacing = [1.0] * len(sizes)
    return np.ascontiguousarray(arr), tuple(spacing)
