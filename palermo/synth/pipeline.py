"""Generate a synth run's batches in other processes while this one writes them.

``palermo synth`` is two kinds of work of about equal weight (docs/synth.md, "Speed"): making a
batch's rows (names and recording errors, Fernet encryption, blind indexes, routing and
deadlines, the tuples) — pure Python and CPU — and writing them to SQLite. One process does one
after the other on one core. ``Generators`` forks worker processes that make batch ``k + 1``
(and further) while the parent writes batch ``k``: both cores busy.

Only the parent touches the database: each batch is still written in one transaction with its
audit event and checkpoint, so an interruption anywhere leaves whole batches only. The workers
are forked after the plan is made (they read it, copy-on-write, and never write anything):

* a worker is asked for one batch at a time and answers ``("rows", batch, rows)`` or, if making
  them raised, ``("error", batch, traceback)``; the parent raises ``GeneratorFailed`` with that
  traceback — never a hang: a worker that dies without answering is an end of file on its pipe;
* a worker ignores Ctrl-C (the terminal sends it to the whole process group): the parent, which
  gets the ``KeyboardInterrupt``, rolls its open batch back and stops the workers on its way out
  (``close``: asked to stop, then terminated); and the kernel sends a worker ``SIGTERM`` if the
  parent dies without that (``PR_SET_PDEATHSIG`` on Linux), so no worker outlives the command;
* the rows are the ones the same function makes in-process (``processes=0``): same ids and
  values; only the Fernet IVs and the ``created_at`` times differ, as between any two runs.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable


class GeneratorFailed(RuntimeError):
    """A generator process raised or died while making a batch."""


def _die_with_parent(parent_pid: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipe's end of file still stops the worker
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _serve(conn, others, make: Callable[[int], dict], parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    for other in others:  # the parent's ends of the other workers' pipes, inherited by fork
        other.close()
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            return
        try:
            reply = ("rows", batch, make(batch))
        except BaseException:  # noqa: BLE001 — reported to the parent, which raises it
            reply = ("error", batch, traceback.format_exc())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class InProcess:
    """The same interface, making each batch here when it is asked for (``processes=0``)."""

    def __init__(self, make: Callable[[int], dict], batches: Iterable[int]):
        self.make = make
        self.waited = 0.0

    def get(self, batch: int) -> dict:
        return self.make(batch)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


class Generators:
    """``processes`` forked workers making ``make(batch)`` for ``batches`` in turn, each one
    batch ahead of the parent: ``get(batch)`` (in the order of ``batches``) returns the rows."""

    def __init__(self, make: Callable[[int], dict], batches: Iterable[int], processes: int):
        ctx = mp.get_context("fork")
        self.todo = list(batches)
        self.n = max(1, processes)
        self.conns, self.procs = [], []
        self.asked = 0  # how many of ``todo`` have been asked for
        self.waited = 0.0  # seconds the writer spent waiting for a batch
        parent_pid = os.getpid()
        try:
            for _ in range(self.n):
                ours, theirs = ctx.Pipe()
                proc = ctx.Process(target=_serve, args=(theirs, [*self.conns, ours], make, parent_pid),
                                   name="palermo-synth-generator", daemon=True)
                proc.start()
                theirs.close()  # so that a worker's death is an end of file here
                self.conns.append(ours)
                self.procs.append(proc)
            while self.asked < min(self.n, len(self.todo)):
                self._ask()
        except BaseException:
            self.close()
            raise

    def _ask(self) -> None:
        k = self.asked
        self.conns[k % self.n].send(self.todo[k])
        self.asked += 1

    def get(self, batch: int) -> dict:
        k = self.todo.index(batch)
        worker = k % self.n
        t0 = time.perf_counter()
        try:
            kind, got, payload = self.conns[worker].recv()
        except (EOFError, OSError) as exc:
            self.procs[worker].join(1)
            raise GeneratorFailed(f"the synth generator process stopped while making batch {batch} "
                                  f"(exit code {self.procs[worker].exitcode}); nothing of that batch was written, "
                                  "run the same command again to resume") from exc
        if kind == "error":
            raise GeneratorFailed(f"making batch {got} failed in the synth generator process; nothing of that batch "
                                  f"was written:\n{payload}")
        self.waited += time.perf_counter() - t0
        if self.asked < len(self.todo):
            self._ask()
        return payload

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for proc in self.procs:
            proc.join(2)
            if proc.is_alive():  # busy making a batch nobody will write
                proc.terminate()
                proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self.conns:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return None


def generators(make: Callable[[int], dict], batches: Iterable[int], processes: int) -> Generators | InProcess:
    return Generators(make, batches, processes) if processes > 0 else InProcess(make, batches)


def default_processes() -> int:
    """As many generator processes as cores (at most 4) beside the writer, none on one core:
    making a batch costs the generators about four times what writing it costs the writer
    (docs/synth.md, "Speed"), so on two cores two generators keep both cores busy."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(4, cores) if cores >= 2 else 0
