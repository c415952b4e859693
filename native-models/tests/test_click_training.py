"""The click trainer's batch plumbing: device-side click maps and inputs match the app's contract,
helper processes (batch loader, click pool) change nothing but where the work runs, and a run
from a data pack with both kinds of helper trains, saves weights and resumes from them."""
import json
import multiprocessing
import tempfile
import unittest
from pathlib import Path

import numpy as np

from _common import HAVE_TORCH, needs_torch
from isegdata.sources import to_model_input
from isegnet.clicks import click_input
from test_data import box_volume

if HAVE_TORCH:
    import torch

    import train_click as tc
    from isegdata.pack import save_pack
    from isegdata.samplers import ClickSampler
    from isegnet.click_model import build_click_model
    from isegnet.train_utils import load_checkpoint


def tiny_model():
    torch.manual_seed(0)
    return build_click_model("tiny")


@needs_torch
class DeviceSideInputs(unittest.TestCase):
    def test_click_maps_equal_click_input(self):
        rng = np.random.default_rng(0)
        h, w = 37, 53
        clicks = [[(int(rng.integers(-2, h + 2)) % h, int(rng.integers(w)), bool(rng.random() < 0.5))
                   for _ in range(k)] for k in (0, 1, 3, 7)]
        clicks[1] = [(0, 0, False)]  # a disk clipped at the corner
        prev = rng.random((len(clicks), h, w)).astype(np.float32)
        got = tc.click_maps(clicks, torch.from_numpy(prev)).numpy()
        want = np.stack([click_input(c, p) for c, p in zip(clicks, prev)])
        np.testing.assert_array_equal(got, want)

    def test_model_input_equals_to_model_input(self):
        images = np.random.default_rng(1).random((3, 16, 20)).astype(np.float32)
        np.testing.assert_allclose(tc.model_input(images, "cpu").numpy(), to_model_input(images), atol=1e-6)


@needs_torch
class HelperProcesses(unittest.TestCase):
    def test_click_pool_gives_the_same_step_as_the_trainer_alone(self):
        sampler = ClickSampler([box_volume(two_labels=True)], size=64, seed=2)
        batch = tc.draw_batch(sampler, 6, np.random.default_rng(3))
        results = []
        pool = multiprocessing.get_context("fork").Pool(2)
        try:
            for use_pool in (None, pool):
                model = tiny_model()
                opt = torch.optim.SGD(model.parameters(), lr=0.1)
                loss = tc.train_step(model, opt, batch, _AlwaysIter(), "cpu", max_iter=3, pool=use_pool)
                results.append((loss, [p.detach().clone() for p in model.parameters()]))
        finally:
            pool.terminate()
        self.assertEqual(results[0][0], results[1][0])
        for a, b in zip(results[0][1], results[1][1]):
            self.assertTrue(torch.equal(a, b))

    def test_loader_workers_draw_different_batches(self):
        stream = tc.BatchStream([box_volume(two_labels=True)], batch=3, size=48, seed=5, full_view_prob=0.3,
                                multi_prob=0.4, max_points=12)
        batches = tc.batch_loader(stream, 2)
        drawn = [next(batches) for _ in range(4)]
        for images, masks, others, full_view, clicks in drawn:
            self.assertEqual(images.shape, (3, 48, 48))
            self.assertIsInstance(images, np.ndarray)  # no collation into tensors
            self.assertEqual(len(clicks), 3)
            self.assertTrue(all(masks[i][r, c] == positive for i in range(3) for r, c, positive in clicks[i]))
        self.assertFalse(np.array_equal(drawn[0][0], drawn[1][0]))  # the two workers have their own seeds
        in_process = next(tc.batch_loader(stream, 0))
        self.assertEqual(in_process[0].shape, (3, 48, 48))


class _AlwaysIter:
    """An rng stand-in whose integers() always asks for the most iterative clicks."""

    def integers(self, lo, hi):
        return hi - 1


@needs_torch
class PackRun(unittest.TestCase):
    def test_run_from_pack_with_helpers_saves_weights_and_restarts_from_them(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            pack = save_pack([box_volume(two_labels=True)], d / "pack.npz")
            common = ["--variant", "tiny", "--data-pack", str(pack), "--threads", "1", "--batch", "4",
                      "--loader-workers", "2", "--click-workers", "2", "--val-slices", "2", "--app-val-slices", "0"]
            tc.main(common + ["--minutes", "0.05", "--out", str(d / "a"), "--weights-out", str(d / "w.pt")])
            first = json.loads((d / "a" / "summary.json").read_text())
            self.assertEqual(first["data_pack"], str(pack))
            self.assertEqual((first["loader_workers"], first["click_workers"]), (2, 2))
            weights = load_checkpoint(d / "w.pt")
            self.assertNotIn("opt", weights)
            self.assertEqual(weights["step"], first["steps"])
            tc.main(common + ["--minutes", "0.02", "--out", str(d / "b"), "--init-weights", str(d / "w.pt")])
            second = json.loads((d / "b" / "summary.json").read_text())
            self.assertGreater(second["steps"], first["steps"])  # the step count goes on from the weights


if __name__ == "__main__":
    unittest.main()
