"""A progress bar for long loads (rich, on stderr), silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Bar:
    def __init__(self, progress: Progress, task: TaskID, total: int | None) -> None:
        self._progress = progress
        self._task = task
        self._total = total

    def advance(self, phase: str, units: int) -> None:
        self._progress.update(self._task, advance=units, phase=phase)

    def finish(self) -> None:
        if self._total is not None:
            self._progress.update(self._task, completed=self._total, phase="done")


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Bar]:
    console = Console(file=sys.stderr)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TextColumn("{task.fields[phase]}"), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=False,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task(description, total=total, phase="")
        yield Bar(progress, task, total)
