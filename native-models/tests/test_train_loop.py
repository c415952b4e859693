"""The shared training loop: budget, checkpoint and resume (a toy model, no data)."""
import tempfile
import unittest
from pathlib import Path

from _common import HAVE_TORCH, needs_torch

if HAVE_TORCH:
    import torch

    from isegnet.train_utils import Logger, freeze_batchnorm, load_checkpoint, resume, train_for_budget


def regression_step(model, opt, x, y):
    def step():
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step


@needs_torch
class TrainLoopTest(unittest.TestCase):
    def test_trains_checkpoints_and_resumes(self):
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = torch.randn(64, 3), torch.randn(64, 1)
        validations = []
        with tempfile.TemporaryDirectory() as out:
            log = Logger(out)
            first_loss = float(torch.nn.functional.mse_loss(model(x), y))
            steps, seconds, ema = train_for_budget(
                model=model, opt=opt, train_step=regression_step(model, opt, x, y),
                validate=lambda: validations.append(1) or {"ok": 1}, out=out, log=log, minutes=0.01, base_lr=0.1,
                val_every=1e-4, checkpoint_extra={"variant": "toy"})
            self.assertGreater(steps, 0)
            self.assertGreater(seconds, 0.5)
            self.assertLess(ema, first_loss)
            self.assertGreater(len(validations), 0)
            ck = load_checkpoint(Path(out) / "last.pt")
            self.assertEqual((ck["step"], ck["variant"]), (steps, "toy"))

            fresh = torch.nn.Linear(3, 1)
            fresh_opt = torch.optim.SGD(fresh.parameters(), lr=0.1)
            self.assertEqual(resume(out, fresh, fresh_opt, "cpu", log), (steps, ck["seconds"]))
            self.assertTrue(torch.equal(fresh.weight, model.weight))
            more, total, _ = train_for_budget(
                model=fresh, opt=fresh_opt, train_step=regression_step(fresh, fresh_opt, x, y), validate=lambda: {},
                out=out, log=log, minutes=0.005, base_lr=0.1, val_every=60, checkpoint_extra={},
                step=steps, seconds=ck["seconds"])
            self.assertGreater(more, steps)
            self.assertGreater(total, ck["seconds"])
            self.assertEqual(load_checkpoint(Path(out) / "last.pt")["step"], more)


@needs_torch
class FreezeBatchNormTest(unittest.TestCase):
    def test_running_statistics_survive_train_mode_and_affine_still_learns(self):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1, bias=False), torch.nn.BatchNorm2d(4))
        model[1].running_mean.fill_(0.0)
        model[1].running_var.fill_(1.0 - model[1].eps)
        x = torch.randn(2, 1, 8, 8)
        with torch.no_grad():
            model.eval()
            expected = model(x)
        self.assertEqual(freeze_batchnorm(model), 1)
        model.train()
        self.assertTrue(model.training)
        self.assertFalse(model[1].training)
        got = model(x)
        torch.testing.assert_close(got, expected)  # batch statistics would renormalise every channel
        torch.testing.assert_close(model[1].running_mean, torch.zeros(4))  # and move the running mean
        got.square().mean().backward()
        self.assertIsNotNone(model[1].bias.grad)


if __name__ == "__main__":
    unittest.main()
