"""Python mirror of the app's click request path for one slice (electron/common/click/roi.ts,
resample.ts, prepare.ts, protocol.ts), so training can be monitored under the protocol that
`iseg eval-clicks` measures rather than on object-centred views the app never shows.

  click 1:     the whole slice, padded to a square in millimetres (fullSliceRoi)
  click k > 1: RITM's zoom-in: box of previous prediction (> threshold) and positive clicks,
               expanded 1.4x about its centre, side >= minCropSize slice pixels (at the finer
               spacing), square in mm, shifted inside the slice or centred over it when larger
  each request: bilinear crop-resize with align-corners mapping, zeros outside the slice; clicks
               mapped to the grid and rounded; model; probabilities pasted back (0 outside the crop)

Conventions follow the TypeScript: Roi holds inclusive pixel bounds (x = column, y = row) and may
extend outside the slice; JS Math.round (half up) is `_js_round`. Arrays here are [row, col] and
spacing is (row mm, col mm); the TS spacing is (x, y), so it is swapped where the ports call it.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .clicks import MAX_CLICKS, RADIUS, THRESHOLD, disk_maps, simulate_with

EXPANSION = 1.4


class Roi(NamedTuple):
    x0: int
    y0: int
    x1: int
    y1: int


def _js_round(v: float) -> int:
    return math.floor(v + 0.5)  # Math.round: halves go up (np.round would go to even)


def min_crop_size(input_size) -> int:
    """defaultZoomIn: half the larger input side (RITM: 200 px for a 400 px input)."""
    return _js_round(0.5 * max(input_size))


def _place_span(centre: float, size: float, extent: int):
    span = max(1, _js_round(size))
    if span >= extent:
        start = _js_round((extent - span) / 2)
    else:
        start = min(max(_js_round(centre - (span - 1) / 2), 0), extent - span)
    return start, start + span - 1


def square_roi(cx, cy, side_mm, width, height, spacing_xy) -> Roi:
    x0, x1 = _place_span(cx, side_mm / spacing_xy[0], width)
    y0, y1 = _place_span(cy, side_mm / spacing_xy[1], height)
    return Roi(x0, y0, x1, y1)


def full_slice_roi(width, height, spacing_xy=(1.0, 1.0)) -> Roi:
    side = max(width * spacing_xy[0], height * spacing_xy[1])
    return square_roi((width - 1) / 2, (height - 1) / 2, side, width, height, spacing_xy)


def object_box(prob, clicks, threshold=THRESHOLD):
    """Box (Roi) of prob > threshold plus the positive clicks (row, col, pos); None when the
    prediction is empty (RITM: then no zoom-in, whatever the clicks)."""
    if prob is None:
        return None
    ys, xs = np.nonzero(np.asarray(prob, np.float64) > threshold)  # JS compares in double precision
    if ys.size == 0:
        return None
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())
    for r, c, pos in clicks:
        if pos:
            x0, x1, y0, y1 = min(x0, c), max(x1, c), min(y0, r), max(y1, r)
    return Roi(x0, y0, x1, y1)


def zoom_in_roi(prev_prob, width, height, clicks, input_size, spacing_xy=(1.0, 1.0), threshold=THRESHOLD,
                expansion=EXPANSION, min_crop=None) -> Roi:
    """roi.ts zoomInRoi with defaultZoomIn(input_size, threshold); min_crop (pixels) replaces RITM's
    half input side as a manifest's zoomIn.minCropSize does. No box prompts here, so roi.ts's
    first-click rule reduces to: no previous object, whole slice (a first click that refines a mask
    already there is cropped like later ones)."""
    box = object_box(prev_prob, clicks, threshold)
    if box is None:
        return full_slice_roi(width, height, spacing_xy)
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    pixel = min(spacing_xy[0], spacing_xy[1])
    side_mm = max(expansion * (box.x1 - box.x0 + 1) * spacing_xy[0],
                  expansion * (box.y1 - box.y0 + 1) * spacing_xy[1],
                  (min_crop or min_crop_size(input_size)) * pixel)
    return square_roi(cx, cy, side_mm, width, height, spacing_xy)


def _grid_to_slice(n: int, a: int, b: int) -> np.ndarray:
    u = np.arange(n, dtype=np.float64)
    return a + (u * (b - a)) / (n - 1) if n > 1 else np.full(1, (a + b) / 2)


def crop_resize(source: np.ndarray, roi: Roi, out_hw) -> np.ndarray:
    """resample.ts cropResize: bilinear, grid corners on the crop's corner pixels, 0 outside."""
    h, w = source.shape
    oh, ow = out_hw
    sx, sy = _grid_to_slice(ow, roi.x0, roi.x1), _grid_to_slice(oh, roi.y0, roi.y1)
    xf, yf = np.floor(sx).astype(np.int64), np.floor(sy).astype(np.int64)
    fx, fy = sx - xf, sy - yf
    src = np.asarray(source, np.float32).astype(np.float64)

    def read(ys, xs):  # [oh] x [ow] gather with zeros outside the slice
        ok = ((ys >= 0) & (ys < h))[:, None] & ((xs >= 0) & (xs < w))[None, :]
        return np.where(ok, src[np.clip(ys, 0, h - 1)[:, None], np.clip(xs, 0, w - 1)[None, :]], 0.0)

    top = read(yf, xf) * (1 - fx) + read(yf, xf + 1) * fx
    bottom = read(yf + 1, xf) * (1 - fx) + read(yf + 1, xf + 1) * fx
    return (top * (1 - fy)[:, None] + bottom * fy[:, None]).astype(np.float32)


def slice_to_grid(r: float, c: float, roi: Roi, out_hw):
    """resample.ts sliceToGrid, (row, col) -> unrounded grid (v, u)."""
    gh, gw = out_hw
    u = (c - roi.x0) * (gw - 1) / (roi.x1 - roi.x0) if roi.x1 > roi.x0 else (gw - 1) / 2
    v = (r - roi.y0) * (gh - 1) / (roi.y1 - roi.y0) if roi.y1 > roi.y0 else (gh - 1) / 2
    return v, u


def _slice_to_grid_axis(idx: np.ndarray, a: int, b: int, n: int):
    g = (idx - a) * (n - 1) / (b - a) if b > a else np.full(idx.shape, (n - 1) / 2)
    g0 = np.minimum(np.floor(g).astype(np.int64), n - 1)
    return g0, g - g0, np.minimum(g0 + 1, n - 1)


def paste_back(grid: np.ndarray, roi: Roi, shape, outside: float = 0.0) -> np.ndarray:
    """resample.ts pasteBack: slice pixels inside the crop interpolate the grid; others `outside`."""
    h, w = shape
    gh, gw = grid.shape
    out = np.full((h, w), outside, np.float32)
    ya, yb, xa, xb = max(0, roi.y0), min(h - 1, roi.y1), max(0, roi.x0), min(w - 1, roi.x1)
    if ya > yb or xa > xb:
        return out
    v0, fy, v1 = _slice_to_grid_axis(np.arange(ya, yb + 1, dtype=np.float64), roi.y0, roi.y1, gh)
    u0, fx, u1 = _slice_to_grid_axis(np.arange(xa, xb + 1, dtype=np.float64), roi.x0, roi.x1, gw)
    g = np.asarray(grid, np.float32).astype(np.float64)
    fx, fy = fx[None, :], fy[:, None]
    val = (g[v0][:, u0] * (1 - fx) * (1 - fy) + g[v0][:, u1] * fx * (1 - fy)
           + g[v1][:, u0] * (1 - fx) * fy + g[v1][:, u1] * fx * fy)
    out[ya:yb + 1, xa:xb + 1] = val
    return out


def prepare_request(image, clicks, prev_prob, spacing, input_size, radius=RADIUS, threshold=THRESHOLD, min_crop=None):
    """prepare.ts prepareClickInput for a [0, 1] slice: (image grid [H, W], click maps [3, H, W], roi).
    clicks: [(row, col, positive)] in slice pixels; prev_prob: full-slice probability or None."""
    h, w = image.shape
    sp_xy = (spacing[1], spacing[0])
    roi = zoom_in_roi(prev_prob, w, h, clicks, input_size, sp_xy, threshold, min_crop=min_crop)
    grid_clicks = []
    for r, c, pos in clicks:
        v, u = slice_to_grid(r, c, roi, input_size)
        grid_clicks.append((_js_round(v), _js_round(u), pos))
    prev = crop_resize(prev_prob, roi, input_size) if prev_prob is not None else np.zeros(input_size, np.float32)
    maps = np.concatenate([disk_maps(grid_clicks, input_size, radius), prev[None]])
    return crop_resize(image, roi, input_size), maps, roi


def simulate_app(predict, image, gt, spacing, input_size=(224, 224), max_clicks=MAX_CLICKS, threshold=THRESHOLD,
                 on_click=None, min_crop=None, refine_first=False):
    """protocol.ts simulateClicks through the app's request path. predict(image_grid [H, W] in
    [0, 1], click_maps [3, H, W]) -> probability [H, W]. Clicks and IoU live on the full slice;
    on_click(click) sees every click made; min_crop and refine_first as the manifest's
    zoomIn.minCropSize and zoomIn.refineFirst (onnx-click-segmenter.ts: a first click answered on
    the whole slice, then again zoomed in on that answer as the previous mask). Returns the IoU
    after every click."""
    def answer(clicks, prev):
        img, maps, roi = prepare_request(image, clicks, prev, spacing, input_size, threshold=threshold,
                                         min_crop=min_crop)
        return paste_back(predict(img, maps), roi, gt.shape)

    def respond(clicks, prev):
        out = answer(clicks, prev)
        return answer(clicks, out) if refine_first and prev is None else out

    return simulate_with(respond, gt, max_clicks, threshold, on_click)
