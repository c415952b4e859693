#!/usr/bin/env python3
"""nibabel's side of the open-path figures (compare with `iseg bench-io` in the same run).

Usage:
  /usr/bin/python3 scripts/nibabel_bench.py make FILE NX NY NZ DTYPE   synthetic image (int16/float32)
  /usr/bin/python3 scripts/nibabel_bench.py load FILE [RUNS]           load time and peak RSS
  /usr/bin/python3 scripts/nibabel_bench.py write-labels NX NY NZ [RUNS]  uint8 .nii.gz write time

A load is nib.load plus np.asanyarray(img.dataobj): every voxel in memory, as iSeg's read does.
Peak RSS is the process's (ru_maxrss), so run one load per process for a fair memory figure.
"""
import os
import resource
import sys
import tempfile
import time

import nibabel as nib
import numpy as np


def synthetic(shape, dtype):
    """Smooth anatomy-like blobs plus a little noise: compresses like a real scan, not like zeros or noise."""
    nx, ny, nz = shape
    out = np.empty(shape, dtype=dtype, order="F")
    i = np.arange(nx, dtype=np.float32)[:, None]
    j = np.arange(ny, dtype=np.float32)[None, :]
    rng = np.random.default_rng(7)
    for k in range(nz):
        r = np.sqrt((i - nx / 2) ** 2 + (j - ny / 2) ** 2 + (k - nz / 2) ** 2)
        plane = 800 * (r < min(shape) / 3) + 300 * np.sin(i / 9) * np.cos(j / 7) + rng.normal(0, 20, (nx, ny))
        out[:, :, k] = plane.astype(dtype)
    return out


def make(path, nx, ny, nz, dtype):
    data = synthetic((nx, ny, nz), np.dtype(dtype))
    affine = np.diag([0.5, 0.5, 0.7, 1.0])
    affine[:3, 3] = [-10, 20, -30]
    nib.save(nib.Nifti1Image(data, affine), path)
    print(f"wrote {path}: {os.path.getsize(path) / 2**20:.1f} MiB")


def load(path, runs):
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        img = nib.load(path)
        data = np.asanyarray(img.dataobj)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        nbytes = data.nbytes
        del data, img
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"nibabel load {path}: {', '.join(f'{t:.2f}' for t in times)} s (best {min(times):.2f} s wall, {min(cpu):.2f} s CPU); "
          f"peak RSS {rss / 2**20:.0f} MiB = {rss / nbytes:.2f}x the {nbytes / 2**20:.0f} MiB of voxels")


def write_labels(nx, ny, nz, runs):
    labels = (synthetic((nx, ny, nz), np.float32) > 500).astype(np.uint8) * 2
    labels[: nx // 3] //= 2
    image = nib.Nifti1Image(labels, np.diag([0.36, 0.36, 0.7, 1.0]))
    times, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            target = os.path.join(folder, f"labels-{run}.nii.gz")
            started, cpu_started = time.perf_counter(), time.process_time()
            nib.save(image, target)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        size = os.path.getsize(target)
    print(f"nibabel uint8 .nii.gz write {nx}x{ny}x{nz}: {', '.join(f'{t * 1000:.0f}' for t in times)} ms "
          f"(best {min(times) * 1000:.0f} ms wall, {min(cpu) * 1000:.0f} ms CPU), {size / 2**10:.0f} KiB")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "make" and len(rest) == 5:
        make(rest[0], int(rest[1]), int(rest[2]), int(rest[3]), rest[4])
    elif command == "load" and len(rest) in (1, 2):
        load(rest[0], int(rest[1]) if len(rest) == 2 else 3)
    elif command == "write-labels" and len(rest) in (3, 4):
        write_labels(int(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]) if len(rest) == 4 else 3)
    else:
        sys.exit(__doc__)
