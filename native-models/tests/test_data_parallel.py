"""Data-parallel training (isegnet/data_parallel.py): two CPU processes behave as one full batch."""
import tempfile
import unittest
from pathlib import Path

from _common import HAVE_TORCH, needs_torch

if HAVE_TORCH:
    import torch

    from isegnet.data_parallel import SINGLE, Replicas, launch, split_batch
    from isegnet.train_utils import Logger, apply_gradients, load_checkpoint, train_for_budget


def _toy_data():
    g = torch.Generator().manual_seed(3)
    return torch.randn(64, 5, generator=g), torch.randn(64, 1, generator=g)


def _toy_model():
    torch.manual_seed(11)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))


def _fixed_steps(replicas, out_dir, steps):
    """Each replica trains on its own contiguous share of the batch for a fixed number of steps."""
    torch.set_num_threads(1)
    x, y = _toy_data()
    share = split_batch(len(x), replicas)
    xs, ys = x[replicas.rank * share:(replicas.rank + 1) * share], y[replicas.rank * share:(replicas.rank + 1) * share]
    model = _toy_model()
    if replicas.rank:  # a replica that starts elsewhere must be brought in line by broadcast_model
        with torch.no_grad():
            for p in model.parameters():
                p.add_(1.0)
    replicas.broadcast_model(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)  # plain SGD: sensitive to the gradients' scale too
    for _ in range(steps):
        apply_gradients(model, opt, torch.nn.functional.mse_loss(model(xs), ys), 100.0, replicas)
    torch.save(model.state_dict(), Path(out_dir) / f"fixed-{replicas.rank}-of-{replicas.world}.pt")


def _budgeted(replicas, out_dir):
    """train_for_budget with a wall-clock budget: the replicas must stop together, identical."""
    torch.set_num_threads(1)
    x, y = _toy_data()
    model = _toy_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    gen = torch.Generator().manual_seed(100 + replicas.rank)

    def step():
        i = torch.randint(0, len(x), (8,), generator=gen)
        loss = torch.nn.functional.mse_loss(model(x[i]), y[i])
        apply_gradients(model, opt, loss, 1.0, replicas)
        return loss

    validations = []
    steps, _, _ = train_for_budget(
        model=model, opt=opt, train_step=step, validate=lambda: validations.append(1) or {},
        out=out_dir, log=Logger(out_dir, enabled=replicas.is_main), minutes=0.02,
        base_lr=0.05, val_every=0.002, checkpoint_extra={"variant": "toy"}, replicas=replicas)
    torch.save({"model": model.state_dict(), "steps": steps, "validations": len(validations)},
               Path(out_dir) / f"budget-{replicas.rank}.pt")


@needs_torch
class DataParallelTest(unittest.TestCase):
    def test_two_workers_match_one_process_on_the_full_batch(self):
        with tempfile.TemporaryDirectory() as out:
            launch(2, _fixed_steps, out, 12)
            launch(1, _fixed_steps, out, 12)
            one = torch.load(Path(out) / "fixed-0-of-1.pt")
            for rank in (0, 1):
                two = torch.load(Path(out) / f"fixed-{rank}-of-2.pt")
                for k in one:
                    torch.testing.assert_close(two[k], one[k], rtol=1e-5, atol=1e-6)

    def test_budgeted_replicas_stop_together_identical_and_only_rank_0_saves(self):
        with tempfile.TemporaryDirectory() as out:
            launch(2, _budgeted, out)
            r0, r1 = (torch.load(Path(out) / f"budget-{r}.pt") for r in (0, 1))
            self.assertGreater(r0["steps"], 0)
            self.assertEqual(r0["steps"], r1["steps"])
            for k in r0["model"]:
                self.assertTrue(torch.equal(r0["model"][k], r1["model"][k]), k)
            self.assertGreater(r0["validations"], 0)
            self.assertEqual(r1["validations"], 0)
            ck = load_checkpoint(Path(out) / "last.pt")
            self.assertEqual((ck["step"], ck["workers"]), (r0["steps"], 2))
            for k in r0["model"]:
                self.assertTrue(torch.equal(ck["model"][k], r0["model"][k]), k)

    def test_single_process_calls_are_no_ops_and_bad_shares_are_refused(self):
        self.assertEqual(SINGLE.agree([1.0, 0.5]), [1.0, 0.5])
        self.assertTrue(SINGLE.is_main)
        self.assertEqual(split_batch(8, Replicas(1, 2)), 4)
        with self.assertRaises(SystemExit):
            split_batch(9, Replicas(0, 2))
        with self.assertRaises(ValueError):
            launch(0, _fixed_steps, ".", 1)


if __name__ == "__main__":
    unittest.main()
