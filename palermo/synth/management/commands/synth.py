"""``palermo synth --profile uk-2023 --cases 1000000 --seed 1`` and ``palermo synth check``.
``--background --as ADMIN`` queues the same run as a job of an administrator's (docs/jobs.md)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from palermo.synth.profile import profile_names, profiles_check


class Command(BaseCommand):
    help = "Write synthetic case histories from a cited profile (docs/synth.md), or check the profiles."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["run", "check"], default="run")
        parser.add_argument("--profile", choices=profile_names(), default="uk-2023")
        parser.add_argument("--cases", type=int, default=None, help="number of cases (default: the profile's total)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=50_000)
        parser.add_argument("--truth", type=Path, default=None,
                            help="where to write which records are the same person (default: in the data folder)")
        parser.add_argument("--processes", type=int, default=None,
                            help="processes making the next batches while this one writes (default: 1 with two "
                                 "cores or more; 0: everything in this process)")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--background", action="store_true",
                            help="queue the run as a job (see Your jobs) for `palermo worker`, instead of running it now")
        parser.add_argument("--as", dest="username", default=None,
                            help="with --background: the administrator whose job it is")

    def handle(self, *args, **opts):
        if opts["action"] == "check":
            bad = 0
            for name, problems in profiles_check().items():
                self.stdout.write(f"{name}: {'ok' if not problems else ''}")
                for p in problems:
                    self.stdout.write(f"  - {p}")
                bad += len(problems)
            if bad:
                raise CommandError(f"{bad} problem(s) in the synthetic-data profiles")
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        from palermo.synth.bulk import synth_run
        from palermo.synth.pipeline import GeneratorFailed
        from palermo.synth.profile import profile_load

        try:
            cases = opts["cases"] or profile_load(opts["profile"]).total
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["background"]:
            return self._background(opts, cases)
        if opts["username"]:
            raise CommandError("--as is for --background")
        if opts["processes"] is not None and opts["processes"] < 0:
            raise CommandError("--processes must be 0 or more")
        t0, cpu0 = time.perf_counter(), (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), disable=opts["no_progress"]) as bar:
            task = bar.add_task(f"synth {opts['profile']}", total=cases)
            try:
                run = synth_run(profile=opts["profile"], cases=cases, seed=opts["seed"], batch_size=opts["batch_size"],
                                truth=opts["truth"], progress=lambda done, total: bar.update(task, completed=done),
                                processes=opts["processes"])
            except (ValueError, GeneratorFailed) as exc:
                raise CommandError(str(exc)) from exc
        took = time.perf_counter() - t0
        self.stdout.write(f"{cases:,} cases of {opts['profile']} (seed {opts['seed']}) in {took:.1f} s "
                          f"({cases / took:,.0f} cases/s); run {run.pk}")
        own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        cpu = [u.ru_utime + u.ru_stime - (v.ru_utime + v.ru_stime) for u, v in zip((own, children), cpu0, strict=True)]
        self.stdout.write(f"CPU: this process {cpu[0]:.1f} s, {run.generator_processes} generator process(es) "
                          f"{cpu[1]:.1f} s; waited {run.waited_for_batches:.1f} s for batches")

    def _background(self, opts, cases: int) -> None:
        """Queue a ``synth`` job of the ``--as`` administrator's (synth is an operator command)."""
        from django.contrib.auth import get_user_model

        from palermo.core.exceptions import PalermoError
        from palermo.jobs.cli import background_started
        from palermo.jobs.services import job_start

        if opts["truth"] is not None:
            raise CommandError("--truth is not for --background: the job writes the truth file in the data folder")
        if not opts["username"]:
            raise CommandError("--background needs --as USER: the administrator whose job it is")
        if cases <= 0 or opts["batch_size"] <= 0:
            raise CommandError("--cases and --batch-size must be at least 1")
        user = get_user_model().objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {opts['username']!r}")
        try:
            job = job_start(actor=user, kind="synth", key="synth",
                            params={"profile": opts["profile"], "cases": cases, "seed": opts["seed"],
                                    "batch_size": opts["batch_size"]})
        except PalermoError as exc:
            raise CommandError(exc.message) from exc
        background_started(self.stdout, job)
