import json
import math
import unittest
from pathlib import Path

import numpy as np

from _common import needs_torch, HAVE_TORCH

if HAVE_TORCH:
    import torch
    from isegnet.losses import dice_loss, normalized_focal_loss
    from isegnet.propagation import ReadoutWindow, readout, readout_windowed


@needs_torch
class NormalizedFocalLoss(unittest.TestCase):
    def test_uniform_half_prediction(self):
        # p = 0.5 everywhere: every focal weight is equal, normalisation makes them 1,
        # so the loss is alpha * -log(0.5) = 0.5 * ln 2 for alpha = 0.5.
        target = (torch.rand(2, 1, 16, 16) > 0.5).float()
        loss = normalized_focal_loss(torch.zeros(2, 1, 16, 16), target)
        self.assertAlmostEqual(loss.item(), 0.5 * math.log(2), places=5)

    def test_known_two_pixel_case(self):
        # Two pixels, both foreground, p = sigmoid(0) = 0.5 and sigmoid(ln 3) = 0.75.
        logits = torch.tensor([0.0, math.log(3.0)]).view(1, 1, 1, 2)
        target = torch.ones(1, 1, 1, 2)
        beta = np.array([0.25, 0.0625])          # (1 - pt)^2
        norm = 2 / beta.sum()                    # weights rescaled to sum to the pixel count
        expected = np.mean(-0.5 * beta * norm * np.log([0.5, 0.75]))
        self.assertAlmostEqual(normalized_focal_loss(logits, target).item(), expected, places=5)

    def test_better_prediction_lower_loss(self):
        t = torch.zeros(1, 1, 8, 8)
        t[..., 2:6, 2:6] = 1
        good = normalized_focal_loss((t * 2 - 1) * 3, t)
        bad = normalized_focal_loss(-(t * 2 - 1) * 3, t)
        self.assertLess(good.item(), bad.item())
        self.assertLess(dice_loss((t * 2 - 1) * 8, t).item(), 0.01)


@needs_torch
class Readout(unittest.TestCase):
    def naive(self, qk, mk, mv, k):
        """Per query position, the documented formula with plain loops (what TypeScript does)."""
        ck, hw = qk.shape[1], qk.shape[2] * qk.shape[3]
        q = qk[0].reshape(ck, hw).numpy().astype(np.float64)
        m, v = mk[0].numpy().astype(np.float64), mv[0].numpy().astype(np.float64)
        out = np.zeros((v.shape[0], hw))
        for j in range(hw):
            s = (2 * m.T @ q[:, j] - (m ** 2).sum(0)) / math.sqrt(ck)
            top = np.argsort(-s, kind="stable")[: min(k, s.size)]
            w = np.exp(s[top] - s[top].max())
            out[:, j] = v[:, top] @ (w / w.sum())
        return out.reshape(v.shape[0], qk.shape[2], qk.shape[3])

    def test_matches_naive_formula(self):
        torch.manual_seed(0)
        qk, mk, mv = torch.randn(1, 8, 3, 4), torch.randn(1, 8, 2 * 12), torch.randn(1, 5, 2 * 12)
        for k in (1, 5, 20, 100):
            got = readout(qk, mk, mv, k)[0].numpy()
            np.testing.assert_allclose(got, self.naive(qk, mk, mv, k), atol=1e-5)

    def test_windowed_matches_the_app(self):
        # The cases the TypeScript read-out computed (scripts/make-readout-fixture.ts), windows included.
        c = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "readout-window.json").read_text())
        h, w, ck, cv = c["height"], c["width"], c["keyDim"], c["valueDim"]
        qk = torch.tensor(c["query"]).view(1, ck, h, w)
        mk = torch.cat([torch.tensor(k).view(1, ck, h * w) for k in c["keys"]], 2)
        mv = torch.cat([torch.tensor(v).view(1, cv, h * w) for v in c["values"]], 2)
        self.assertGreaterEqual(sum(case["window"] is not None for case in c["cases"]), 3)
        for case in c["cases"]:
            spec = case["window"]
            window = None if spec is None else ReadoutWindow(spec["tile"], spec["radius"], spec.get("pool", 0), spec.get("poolSide", 0))
            got = readout_windowed(qk, mk, mv, window, c["topK"])[0].flatten(1).numpy()
            np.testing.assert_allclose(got, np.array(case["expected"]).reshape(cv, h * w), atol=2e-4, err_msg=str(spec))

    def test_window_parse(self):
        self.assertIsNone(ReadoutWindow.parse("full"))
        self.assertEqual(ReadoutWindow.parse("8,4,4"), ReadoutWindow(8, 4, 4))
        self.assertEqual(ReadoutWindow.parse("8,4,4,8"), ReadoutWindow(8, 4, 4, 8))
        self.assertEqual(ReadoutWindow(8, 4, 4, 8).block_edge(32, 24), 4)
        self.assertEqual(ReadoutWindow(8, 4, 4, 8).block_edge(64, 40), 8)
        for bad in ("8", "8,4,1", "0,0", "-1,2", "8,4,4,0", "8,4,0,8"):
            with self.assertRaises(ValueError):
                ReadoutWindow.parse(bad)

    def test_identical_memory_copies_query_value(self):
        # A memory that contains the query's own keys (scaled up) reads back its own values.
        qk = torch.randn(1, 16, 2, 2) * 10
        mv = torch.randn(1, 3, 4)
        out = readout(qk, qk.flatten(2), mv, 1)
        np.testing.assert_allclose(out.flatten(2).numpy(), mv.numpy(), atol=1e-5)


if __name__ == "__main__":
    unittest.main()
