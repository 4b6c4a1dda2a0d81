"""Progress of long table-by-table jobs (backup, restore, key rotation) for the command line.

On a terminal: a rich progress bar over all rows, naming the current table. Otherwise (a log
file, cron, a test reading the output): one plain line as each table is done, so the output says
how far a job got when it stopped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@dataclass
class Step:
    """How far a job is: ``table`` has ``table_rows`` rows, ``done`` of them handled so far;
    ``total_done`` of ``total`` rows over all tables."""

    table: str
    table_rows: int
    done: int
    total_done: int
    total: int


def quiet(_: Step) -> None:
    """A progress callback that reports nothing."""


@contextlib.contextmanager
def table_progress(console: Console, verb: str) -> Iterator[Callable[[Step], None]]:
    """A callback for :class:`Step` reports: ``verb`` says what is done to rows ("Reading")."""
    if console.is_terminal and not console.quiet:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(verb, total=None)

            def report(step: Step) -> None:
                bar.update(task, total=step.total, completed=step.total_done, description=f"{verb} {step.table}")

            yield report
        return

    def report_lines(step: Step) -> None:
        if step.table_rows and step.done == step.table_rows:
            rows = "1 row" if step.table_rows == 1 else f"{step.table_rows:,} rows"
            console.print(f"{verb} {step.table}: {rows} ({step.total_done:,} of {step.total:,})")

    yield report_lines
