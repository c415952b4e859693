#!/usr/bin/env python3
"""Independent reader for tests: prints one image's geometry and a voxel digest as JSON.

NIfTI and MGH/MGZ are read with nibabel. nibabel has no NRRD reader, so NRRD is read by the small
header parser below (attached, raw or gzip data only), written against the format specification
rather than ITK, so that it stays an independent check of what the app reads and writes.

Usage: /usr/bin/python3 scripts/nibabel_info.py FILE [FILE ...]
Output: a JSON list, one object per file:
  shape, zooms, dtype, affine (4x4 RAS, index to world mm), axcodes (nibabel's aff2axcodes),
  min, max, sum (float64 over scaled voxels), sha256 of the scaled voxels as little-endian
  float64 with i fastest (Fortran order), and values: {value: count} when at most 256 distinct
  integral values.
"""
import gzip
import hashlib
import json
import re
import sys

import numpy as np

NRRD_TYPES = {
    "signed char": "i1", "int8": "i1", "int8_t": "i1",
    "uchar": "u1", "unsigned char": "u1", "uint8": "u1", "uint8_t": "u1",
    "short": "i2", "short int": "i2", "signed short": "i2", "signed short int": "i2", "int16": "i2", "int16_t": "i2",
    "ushort": "u2", "unsigned short": "u2", "unsigned short int": "u2", "uint16": "u2", "uint16_t": "u2",
    "int": "i4", "signed int": "i4", "int32": "i4", "int32_t": "i4",
    "uint": "u4", "unsigned int": "u4", "uint32": "u4", "uint32_t": "u4",
    "float": "f4", "double": "f8",
}
LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])


def read_nrrd(path):
    with open(path, "rb") as f:
        raw = f.read()
    end = raw.find(b"\n\n")
    if not raw.startswith(b"NRRD") or end < 0:
        raise ValueError("not an attached-header NRRD file")
    fields = {}
    for line in raw[:end].decode("latin-1").splitlines()[1:]:
        if line.startswith("#") or ": " not in line:
            continue
        key, value = line.split(": ", 1)
        fields[key.strip().lower()] = value.strip()
    shape = tuple(int(s) for s in fields["sizes"].split())
    vectors = [tuple(float(x) for x in v.split(",")) for v in re.findall(r"\(([^)]*)\)", fields["space directions"])]
    origin = [float(x) for x in re.findall(r"\(([^)]*)\)", fields["space origin"])[0].split(",")]
    space = fields.get("space", "left-posterior-superior")
    if space not in ("left-posterior-superior", "right-anterior-superior"):
        raise ValueError(f"unsupported NRRD space {space}")
    affine = np.eye(4)
    for c, v in enumerate(vectors):
        affine[:3, c] = v
    affine[:3, 3] = origin
    if space == "left-posterior-superior":
        affine = LPS_TO_RAS @ affine
    endian = "<" if fields.get("endian", "little") == "little" else ">"
    dtype = np.dtype(endian + NRRD_TYPES[fields["type"]])
    payload = raw[end + 2:]
    encoding = fields.get("encoding", "raw")
    if encoding in ("gzip", "gz"):
        payload = gzip.decompress(payload)
    elif encoding != "raw":
        raise ValueError(f"unsupported NRRD encoding {encoding}")
    count = int(np.prod(shape))
    data = np.frombuffer(payload, dtype=dtype, count=count).reshape(shape, order="F")
    zooms = tuple(float(np.linalg.norm(v)) for v in vectors)
    return shape, zooms, affine, data, dtype


def read_nibabel(path):
    import nibabel as nib

    img = nib.load(path)
    data = np.asanyarray(img.dataobj)
    return img.shape, tuple(float(z) for z in img.header.get_zooms()[:3]), img.affine, data, img.get_data_dtype()


def describe(path):
    import nibabel as nib

    lower = path.lower()
    shape, zooms, affine, data, dtype = read_nrrd(path) if lower.endswith(".nrrd") else read_nibabel(path)
    values = np.asarray(data, dtype=np.float64)
    info = {
        "file": path,
        "shape": [int(s) for s in shape],
        "zooms": [float(z) for z in zooms],
        "dtype": np.dtype(dtype).name,
        "affine": np.asarray(affine, dtype=float).tolist(),
        "axcodes": "".join(nib.aff2axcodes(affine)),
        "min": float(values.min()),
        "max": float(values.max()),
        "sum": float(values.sum()),
        "sha256": hashlib.sha256(values.astype("<f8").tobytes(order="F")).hexdigest(),
    }
    if np.all(values == np.round(values)):
        distinct, counts = np.unique(values, return_counts=True)
        if len(distinct) <= 256:
            info["values"] = {str(int(v)): int(n) for v, n in zip(distinct, counts)}
    return info


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: nibabel_info.py FILE [FILE ...]")
    json.dump([describe(p) for p in sys.argv[1:]], sys.stdout)
    sys.stdout.write("\n")
