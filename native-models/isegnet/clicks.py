"""Click encoding and the RITM click-simulation protocol (used in training and for NoC).

Click map contract (the app builds exactly these maps):
  channel 0: 1.0 where (y-cy)^2 + (x-cx)^2 <= 5^2 for any positive click (cy, cx), else 0
  channel 1: the same for negative clicks
  channel 2: previous mask (probability in [0, 1]; zeros before the first click)
Click coordinates are integer pixel indices (row, col) in the model's input grid.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

RADIUS = 5
THRESHOLD = 0.49
MAX_CLICKS = 20


def disk_maps(clicks, shape, radius: int = RADIUS) -> np.ndarray:
    """clicks: iterable of (row, col, is_positive) -> [2, H, W] float32 disk maps."""
    h, w = shape
    out = np.zeros((2, h, w), np.float32)
    yy, xx = np.ogrid[:h, :w]
    for r, c, pos in clicks:
        out[0 if pos else 1][(yy - r) ** 2 + (xx - c) ** 2 <= radius * radius] = 1.0
    return out


def click_input(clicks, prev_mask) -> np.ndarray:
    """[3, H, W]: positive disks, negative disks, previous mask."""
    return np.concatenate([disk_maps(clicks, prev_mask.shape), prev_mask[None].astype(np.float32)])


def next_click(pred: np.ndarray, gt: np.ndarray, clicked=None):
    """RITM protocol: the error region (false negatives vs false positives) whose interior point
    lies farthest from its border gets the click, at that farthest point. The maps are padded by
    one pixel so the image border counts as a region border. Pixels already clicked are excluded.
    Returns (row, col, is_positive) or None if the prediction is perfect."""
    fn = gt & ~pred
    fp = ~gt & pred
    fn_dt = ndimage.distance_transform_edt(np.pad(fn, 1))[1:-1, 1:-1]
    fp_dt = ndimage.distance_transform_edt(np.pad(fp, 1))[1:-1, 1:-1]
    if clicked is not None:
        fn_dt = fn_dt * ~clicked
        fp_dt = fp_dt * ~clicked
    fn_max, fp_max = fn_dt.max(), fp_dt.max()
    if max(fn_max, fp_max) <= 0:
        return None
    positive = bool(fn_max > fp_max)
    dt = fn_dt if positive else fp_dt
    r, c = np.argwhere(dt == dt.max())[0]  # first maximum in row-major order wins
    return int(r), int(c), positive


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def noc(ious, target: float, max_clicks: int = MAX_CLICKS) -> int:
    """Index (1-based) of the first click reaching IoU >= target, or max_clicks if never."""
    for i, v in enumerate(ious[:max_clicks]):
        if v >= target:
            return i + 1
    return max_clicks


def simulate_with(respond, gt, max_clicks: int = MAX_CLICKS, threshold: float = THRESHOLD, on_click=None):
    """The RITM protocol around any request path: respond(clicks, previous probability or None)
    -> probability [H, W] on gt's grid. on_click(click) sees every click made. Returns the IoU
    after every click."""
    clicked = np.zeros(gt.shape, bool)
    pred = np.zeros(gt.shape, bool)
    prev, clicks, ious = None, [], []
    for _ in range(max_clicks):
        c = next_click(pred, gt, clicked)
        if c is None:
            ious.append(1.0)
            continue
        clicks.append(c)
        if on_click:
            on_click(c)
        clicked[c[0], c[1]] = True
        prev = respond(clicks, prev)
        pred = prev.astype(np.float64) > threshold
        ious.append(iou(pred, gt))
    return ious


def simulate(predict, image, gt, max_clicks: int = MAX_CLICKS):
    """RITM protocol with the model seeing the whole grid: predict(image, click_maps[3, H, W]) ->
    probability [H, W]. Returns the IoU after every click."""
    zeros = np.zeros(gt.shape, np.float32)
    return simulate_with(lambda clicks, prev: predict(image, click_input(clicks, zeros if prev is None else prev)), gt,
                         max_clicks)
