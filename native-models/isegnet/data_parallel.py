"""Data-parallel training on one machine: N processes (a core each on CPU), one model replica each.

On a small CPU, one torch process does not use two cores well (our small click model runs no
faster at 2 intra-op threads than at 1), so the trainers can instead run `--workers N` processes
with one thread each. Every step, each replica computes gradients on its share of the batch, the
gradients are averaged over the replicas (gloo all-reduce, one flat buffer), and every replica
applies the same optimiser step, so they stay identical without any parameter traffic. Rank 0
owns the clock (budget and LR are broadcast from it), logging, validation and checkpoints.

It is plain torch.distributed over gloo: the same code runs on torch 1.13 on CPU and torch 2.x.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Replicas:
    """This process's place among the replicas; the single-process default makes every call a no-op."""

    rank: int = 0
    world: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def seed(self, base: int) -> int:
        """A seed of this replica's own for its data draws (rank 0 keeps `base`)."""
        return base + 1000 * self.rank

    def broadcast_model(self, model: torch.nn.Module) -> None:
        """Makes every replica start from rank 0's parameters and buffers (after its resume)."""
        if self.world == 1:
            return
        for t in list(model.parameters()) + list(model.buffers()):
            dist.broadcast(t.data, src=0)

    def average_gradients(self, model: torch.nn.Module) -> None:
        """Replaces each parameter's gradient by its mean over the replicas (missing ones count as 0)."""
        if self.world == 1:
            return
        params = [p for p in model.parameters() if p.requires_grad]
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat /= self.world
        offset = 0
        for p in params:
            n = p.numel()
            p.grad = flat[offset:offset + n].view_as(p).clone()
            offset += n

    def agree(self, values: list[float]) -> list[float]:
        """Rank 0's values, on every replica (the wall clock decides the LR and the end of a run,
        and replicas that disagreed on either would drift apart or deadlock)."""
        if self.world == 1:
            return list(values)
        t = torch.tensor(values, dtype=torch.float64)
        dist.broadcast(t, src=0)
        return [float(v) for v in t]


SINGLE = Replicas()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent(parent: int) -> None:
    """Linux: this replica gets SIGTERM when the launching process dies. Without it, stopping a
    trainer with kill left its replicas training on and writing the run folder's checkpoint."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: nothing to arm
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _entry(rank: int, world: int, port: int, fn, args, parent: int | None = None) -> None:
    if parent is not None:
        _die_with_parent(parent)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        fn(Replicas(rank, world), *args)
    finally:
        dist.destroy_process_group()


def launch(workers: int, fn, *args) -> None:
    """Runs fn(replicas, *args) in `workers` processes (in this one when workers == 1).

    fn must be a module-level function (it is pickled into spawned processes)."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if workers == 1:
        fn(SINGLE, *args)
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    torch.multiprocessing.spawn(_entry, args=(workers, _free_port(), fn, args, os.getpid()), nprocs=workers, join=True)


def add_worker_arguments(parser) -> None:
    """The trainers' shared --threads / --workers / --batch options."""
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads of each worker process")
    parser.add_argument("--workers", type=int, default=1,
                        help="data-parallel processes sharing --batch (on a small CPU: one per core, --threads 1)")
    parser.add_argument("--batch", type=int, default=8, help="global batch, split over --workers")


def split_batch(batch: int, replicas: Replicas) -> int:
    """Each replica's share of the global batch (the global batch keeps its meaning at any N)."""
    if batch % replicas.world:
        raise SystemExit(f"--batch {batch} is not divisible by --workers {replicas.world}")
    return batch // replicas.world
