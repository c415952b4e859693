"""isegnet/app_protocol.py against the app: cases ported from electron/common/click/roi.test.ts and
resample.test.ts (same numbers), and the click simulation with oracle and empty predictors."""
import json
import math
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import numpy as np
from scipy import ndimage

from _common import NATIVE
from isegnet.app_protocol import (Roi, crop_resize, full_slice_roi, object_box, paste_back, prepare_request,
                                  simulate_app, slice_to_grid, zoom_in_roi, _js_round)

INPUT = (224, 224)  # defaultZoomIn([224, 224], 0.49): min crop 112


class RoiRule(unittest.TestCase):
    """roi.test.ts. The TS takes (width, height) and clicks {x, y}; here clicks are (row, col)."""

    def test_first_click_and_empty_previous_mask_use_the_padded_slice(self):
        self.assertEqual(zoom_in_roi(None, 300, 200, [(10, 10, True)], INPUT), Roi(0, -50, 299, 249))
        empty = np.zeros((200, 300), np.float32)
        clicks = [(10, 10, True), (20, 20, True)]
        self.assertEqual(zoom_in_roi(empty, 300, 200, clicks, INPUT), full_slice_roi(300, 200))

    def test_first_click_refining_a_previous_mask_is_cropped(self):
        w = 400
        mask = np.zeros((w, w), np.float32)
        mask[100:200, 150:250] = 1
        roi = zoom_in_roi(mask, w, w, [(150, 200, True)], INPUT)
        self.assertEqual(roi.x1 - roi.x0 + 1, 140)

    def test_box_of_prediction_and_positive_clicks_expanded_by_1_4(self):
        w = 400
        mask = np.zeros((w, w), np.float32)
        mask[100:200, 150:250] = 1  # 100 x 100
        clicks = [(150, 200, True), (10, 10, False)]
        roi = zoom_in_roi(mask, w, w, clicks, INPUT)
        self.assertEqual(roi.x1 - roi.x0 + 1, 140)
        self.assertEqual(roi.y1 - roi.y0 + 1, 140)
        self.assertLess(abs((roi.x0 + roi.x1) / 2 - 199.5), 0.5)  # toBeCloseTo(199.5, 0)
        self.assertEqual(object_box(mask, clicks + [(120, 300, True)]), Roi(150, 100, 300, 199))

    def test_minimum_crop_size_kept_inside_the_slice(self):
        w = 400
        mask = np.zeros((w, w), np.float32)
        mask[5, 5] = 0.9
        self.assertEqual(zoom_in_roi(mask, w, w, [(5, 5, True), (6, 6, True)], INPUT), Roi(0, 0, 111, 111))
        # A manifest's zoomIn.minCropSize replaces RITM's half input side.
        self.assertEqual(zoom_in_roi(mask, w, w, [(5, 5, True), (6, 6, True)], INPUT, min_crop=34), Roi(0, 0, 33, 33))

    def test_square_in_millimetres_on_anisotropic_pixels(self):
        roi = full_slice_roi(100, 100, (1, 2))  # TS spacing is (x, y): 100 mm x 200 mm
        self.assertEqual((roi.x1 - roi.x0 + 1, roi.y1 - roi.y0 + 1), (200, 100))
        # prepare_request takes (row, col) spacing: rows of 2 mm are the same slice.
        _, _, roi2 = prepare_request(np.zeros((100, 100), np.float32), [(50, 50, True)], None, (2.0, 1.0), INPUT)
        self.assertEqual(roi2, roi)

    def test_threshold_is_strict_and_in_double_precision(self):
        mask = np.zeros((50, 50), np.float32)
        mask[10, 10] = np.float32(0.49)  # float32(0.49) > 0.49 in JS doubles
        self.assertEqual(object_box(mask, []), Roi(10, 10, 10, 10))
        mask[10, 10] = 0.48
        self.assertIsNone(object_box(mask, []))

    def test_js_rounding(self):
        self.assertEqual([_js_round(v) for v in (2.5, -2.5, -0.5, 0.49)], [3, -2, 0, 0])


class Resample(unittest.TestCase):
    """resample.test.ts. The TS (width 7, height 5) row-major slice is a [5, 7] array here."""

    def setUp(self):
        self.image = (np.arange(35) * 37 % 11).astype(np.float32).reshape(5, 7)

    def test_identity_when_the_crop_is_the_whole_slice_at_grid_size(self):
        roi = Roi(0, 0, 6, 4)
        grid = crop_resize(self.image, roi, (5, 7))
        np.testing.assert_array_equal(grid, self.image)
        np.testing.assert_array_equal(paste_back(grid, roi, (5, 7)), self.image)

    def test_crop_corners_on_grid_corners_and_zero_outside(self):
        im, roi = self.image, Roi(2, 1, 6, 3)
        grid = crop_resize(im, roi, (5, 9))
        self.assertEqual(grid[0, 0], im[1, 2])
        self.assertEqual(grid[0, 8], im[1, 6])
        self.assertEqual(grid[4, 8], im[3, 6])
        self.assertAlmostEqual(float(grid[0, 1]), (im[1, 2] + im[1, 3]) / 2, places=6)
        padded = crop_resize(np.ones((2, 2), np.float32), Roi(-1, 0, 1, 1), (2, 3))
        np.testing.assert_array_equal(padded, [[0, 1, 1], [0, 1, 1]])
        self.assertEqual(slice_to_grid(3, 6, roi, (5, 9)), (4, 8))

    def test_plain_bilinear_reference_on_the_same_random_crops(self):
        w, h = 13, 9
        src = (np.arange(w * h) * 7919 % 101 / 10).astype(np.float32).reshape(h, w)
        unit = np.clip((src - 2) / 6, 0, 1)  # the 'unit' transform applies before interpolation
        seed = [3]

        def rand(n):  # the test's LCG, so the crops are the TS test's crops
            seed[0] = (seed[0] * 1103515245 + 12345) % 2147483648
            return math.floor(seed[0] / 2147483648 * n)

        def read(x, y):
            return 0.0 if x < 0 or y < 0 or x >= w or y >= h else float(unit[y, x])

        for _ in range(40):
            x0, y0 = rand(20) - 6, rand(14) - 4
            roi = Roi(x0, y0, x0 + rand(15), y0 + rand(12))
            ow, oh = 1 + rand(11), 1 + rand(9)
            got = crop_resize(unit, roi, (oh, ow))
            for v in range(oh):
                for u in range(ow):
                    sx = roi.x0 + u * (roi.x1 - roi.x0) / (ow - 1) if ow > 1 else (roi.x0 + roi.x1) / 2
                    sy = roi.y0 + v * (roi.y1 - roi.y0) / (oh - 1) if oh > 1 else (roi.y0 + roi.y1) / 2
                    xf, yf = math.floor(sx), math.floor(sy)
                    fx, fy = sx - xf, sy - yf
                    want = (read(xf, yf) * (1 - fx) * (1 - fy) + read(xf + 1, yf) * fx * (1 - fy)
                            + read(xf, yf + 1) * (1 - fx) * fy + read(xf + 1, yf + 1) * fx * fy)
                    self.assertAlmostEqual(float(got[v, u]), want, places=5)

    def test_paste_back_exact_at_crop_corners_and_zero_outside(self):
        grid = np.arange(32, dtype=np.float32).reshape(4, 8)
        back = paste_back(grid, Roi(1, 1, 4, 3), (5, 6))
        self.assertEqual(back[1, 1], 0)
        self.assertEqual(back[1, 4], 7)
        self.assertEqual(back[3, 4], 31)
        self.assertEqual(back[0, 0], 0)
        self.assertEqual(back[4, 5], 0)

    def test_round_trip_through_a_2x_zoom(self):
        w = 32
        n = np.arange(w * w)
        smooth = (np.sin((n % w) / 5) + np.cos((n // w) / 7)).astype(np.float32).reshape(w, w)
        roi = Roi(0, 0, w - 1, w - 1)
        back = paste_back(crop_resize(smooth, roi, (2 * w - 1, 2 * w - 1)), roi, (w, w))
        np.testing.assert_allclose(back, smooth, atol=5e-6)


class Simulation(unittest.TestCase):
    def setUp(self):
        self.gt = np.zeros((200, 300), bool)
        self.gt[81:120, 131:172] = True  # 39 x 41: resampling misses a sliver, so a 2nd click comes

    def test_oracle_reaches_iou_one_on_a_square(self):
        # The 'image' is the gt itself, so returning the image grid returns the gt cropped.
        seen = []

        def oracle(img, maps):
            seen.append((img.copy(), maps.copy()))
            return img

        ious = simulate_app(oracle, self.gt.astype(np.float32), self.gt, (1.0, 1.0), INPUT, max_clicks=5)
        self.assertGreater(ious[0], 0.99)
        self.assertEqual(ious[1:], [1.0] * 4)
        self.assertEqual(len(seen), 2)  # perfect after click 2: no further requests
        # Click 1 sees the whole slice padded to 300 x 300 px; click 2 the 112 px minimum crop
        # around the object (2x zoom), the first click at the object's centre in both.
        first, second = seen[0][0] > 0.5, seen[1][0] > 0.5
        self.assertAlmostEqual(first.sum() / (39 * 41 * (224 / 300) ** 2), 1, delta=0.1)
        self.assertAlmostEqual(second.sum() / (39 * 41 * 4), 1, delta=0.1)
        ys, xs = np.nonzero(seen[0][1][0])
        self.assertEqual(len(ys), 81)  # one whole radius-5 disk
        oy, ox = np.argwhere(first).mean(0)
        self.assertLess(max(abs(ys.mean() - oy), abs(xs.mean() - ox)), 1.0)
        oy, ox = np.argwhere(second).mean(0)
        self.assertEqual(seen[1][1][0][round(oy), round(ox)], 1)  # the first click's disk, zoomed
        self.assertEqual(seen[1][1][0].sum(), 2 * 81)  # two positive clicks now
        np.testing.assert_array_equal(seen[0][1][2], 0)  # no previous mask on the first request
        self.assertGreater(seen[1][1][2].max(), 0.9)       # then the previous answer, cropped

    def test_empty_predictor_never_scores(self):
        ious = simulate_app(lambda img, maps: np.zeros(img.shape, np.float32), np.zeros((200, 300), np.float32),
                            self.gt, (0.7, 1.4), INPUT, max_clicks=6)
        self.assertEqual(ious, [0.0] * 6)


ESBUILD = NATIVE.parent / "node_modules" / ".bin" / "esbuild"
CLICK_TS = NATIVE.parent / "electron" / "common" / "click"

# The app's own request path (prepare.ts + protocol.ts) with a fixed, smooth fake model, so the
# TypeScript and the Python mirror can be compared click by click.
APP_SIM_TS = """
import { readFileSync } from 'node:fs';
import { prepareClickInput, restoreProbabilities } from '@click/prepare';
import { simulateClicks } from '@click/protocol';
import { defaultZoomIn } from '@click/roi';
const results = [];
for (const c of JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'))) {
  const zoomIn = { ...defaultZoomIn([224, 224], 0.49), ...(c.minCropSize ? { minCropSize: c.minCropSize } : {}) };
  const spec = { inputSize: [224, 224], percentiles: [0.5, 99.5], mean: [0, 0, 0], std: [1, 1, 1], radius: 5,
    threshold: 0.49, withPreviousMask: true, zoomIn } as const;
  const seg = { id: 'fake', kind: 'onnx' as const, threshold: 0.49,
    async predict(s: Float32Array, w: number, h: number, clicks: any, prev?: Float32Array, opts?: any) {
      const p = prepareClickInput(spec, s, w, h, clicks, prev, opts);
      const n = 224 * 224;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = 0.8 * (p.image[i] ?? 0) + 0.5 * (p.clicks[i] ?? 0) - 0.8 * (p.clicks[n + i] ?? 0) + 0.2 * (p.clicks[2 * n + i] ?? 0) - 0.15;
        out[i] = Math.min(1, Math.max(0, v));
      }
      return restoreProbabilities(spec, out, false, p.roi, w, h);
    } };
  const run = await simulateClicks(seg, Float32Array.from(c.image), c.width, c.height, Uint8Array.from(c.gt),
    { maxClicks: 20, predictOptions: { intensityRange: [0, 1], pixelSpacing: c.spacingXY } });
  results.push({ ious: run.ious, clicks: run.clicks.map((k) => [k.y, k.x, k.positive]) });
}
console.log(JSON.stringify(results));
"""


def fake_model(img, maps):
    v = 0.8 * img.astype(np.float64) + 0.5 * maps[0] - 0.8 * maps[1] + 0.2 * maps[2].astype(np.float64) - 0.15
    return np.clip(v, 0, 1).astype(np.float32)


@unittest.skipUnless(shutil.which("node") and ESBUILD.exists(), "node or node_modules/.bin/esbuild missing (npm ci)")
class MatchesTheApp(unittest.TestCase):
    def test_same_clicks_and_ious_as_the_typescript(self):
        rng = np.random.default_rng(0)
        cases = []
        # Shapes and (row, col) spacings like the held-out slices: anisotropic, tall, wide.
        # The last: a small object (like a spinal cord) with a tuned 34-pixel minimum crop.
        for h, w, sp, size, min_crop in [(101, 30, (3.0, 3.0), 0.15, None), (512, 119, (0.2773402, 1.0), 0.15, None),
                                         (64, 200, (2.0, 1.0), 0.15, None), (131, 141, (1.0, 1.0), 0.04, 34)]:
            yy, xx = np.mgrid[:h, :w]
            cy, cx, ry, rx = rng.uniform(0.3, 0.7) * h, rng.uniform(0.3, 0.7) * w, size * h, size * w
            gt = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
            other = ((yy - cy - 1.3 * ry) / (0.6 * ry)) ** 2 + ((xx - cx + 0.5 * rx) / (0.8 * rx)) ** 2 <= 1
            img = 0.5 * gt + 0.45 * (other & ~gt) + ndimage.gaussian_filter(rng.normal(0, 0.6, (h, w)), 3)
            cases.append((np.clip(img, 0, 1).astype(np.float32), gt, sp, min_crop))
        with tempfile.TemporaryDirectory() as d:
            src, bundle, data = Path(d) / "sim.ts", Path(d) / "sim.mjs", Path(d) / "cases.json"
            src.write_text(APP_SIM_TS.replace("@click", CLICK_TS.as_posix()))
            data.write_text(json.dumps([{"width": im.shape[1], "height": im.shape[0], "image": im.ravel().tolist(),
                                         "gt": gt.ravel().astype(int).tolist(), "spacingXY": [sp[1], sp[0]],
                                         "minCropSize": min_crop} for im, gt, sp, min_crop in cases]))
            subprocess.run([str(ESBUILD), str(src), "--bundle", "--platform=node", "--format=esm",
                            f"--outfile={bundle}", "--log-level=warning"], check=True)
            ts = json.loads(subprocess.run(["node", str(bundle), str(data)], capture_output=True, text=True,
                                           check=True).stdout)
        for (im, gt, sp, min_crop), want in zip(cases, ts):
            clicks = []
            ious = simulate_app(fake_model, im, gt, sp, INPUT, 20, on_click=clicks.append, min_crop=min_crop)
            self.assertEqual([list(c) for c in clicks], want["clicks"])
            np.testing.assert_allclose(ious, want["ious"], atol=1e-9)
            self.assertGreater(len(set(np.round(ious, 4))), 5)  # the run did go somewhere


if __name__ == "__main__":
    unittest.main()
