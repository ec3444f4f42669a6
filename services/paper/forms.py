"""The printable forms of a package, rendered in worker processes, one per core.

Rendering a form and placing its evidence is most of an export's work, and each person's is
independent of the others': workers do it while the export goes on reading entries and
writing the 汇总表. Forms come back in the order they were sent, so the manifest lists them
in entry order. A small export renders in the calling process (starting workers costs more).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dialogs.divisions import DivisionDirectory
from dialogs.export_view import form_view
from dialogs.model import Draft
from services.paper import docx_form
from services.paper.docx_form import Confirmation, Portrait
from services.paper.workers import Batches, Tasks, cores

BATCH = 40  # forms per task: enough to make sending them cheap, few enough to keep all busy
POOL_FROM = 400  # entries from which workers pay for their start


@dataclass(frozen=True)
class FormJob:
    """One person's form, and the evidence files to place beside it (already checked)."""

    target: Path  # inside the package folder (checked by OutDir)
    draft: Draft
    header: str
    confirmation: Confirmation
    portrait: Portrait | None
    running_head: str
    links: tuple[tuple[Path, Path], ...] = ()  # (stored file, its place in the package)


@dataclass(frozen=True)
class Printed:
    target: Path
    sha256: str
    size: int


def workers_for(entries: int) -> int:
    """Worker processes for an export of `entries` people: one per core, none when small."""
    n = cores()
    return n if n > 1 and entries >= POOL_FROM else 0


def place(source: Path, target: Path) -> None:
    """A stored evidence file into the package: a hard link, or a copy across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class Press:
    """Renders and writes forms; one in each worker (or in the exporting process)."""

    def __init__(self, divisions: DivisionDirectory) -> None:
        self.divisions = divisions

    def run(self, jobs: list[FormJob]) -> list[Printed]:
        printed = []
        for job in jobs:
            for folder in {target.parent for _, target in job.links}:
                folder.mkdir(parents=True, exist_ok=True)
            for source, target in job.links:
                place(source, target)
            data = docx_form.render(
                form_view(job.draft, self.divisions),
                job.header,
                job.confirmation,
                job.portrait,
                running_head=job.running_head,
            )
            job.target.write_bytes(data)
            printed.append(Printed(job.target, hashlib.sha256(data).hexdigest(), len(data)))
        return printed


_press: Press | None = None  # the worker's own


def _start_worker(divisions: DivisionDirectory) -> None:
    global _press
    _press = Press(divisions)


def _run_in_worker(jobs: list[FormJob]) -> list[Printed]:
    assert _press is not None, "worker started without its divisions"
    return _press.run(jobs)


class FormQueue:
    """Sends forms to the workers in batches and hands back each one printed, in order."""

    def __init__(
        self, divisions: DivisionDirectory, workers: int, done: Callable[[Printed], None]
    ) -> None:
        self._done = done
        press = Press(divisions)
        tasks = (
            Tasks(workers, _start_worker, (divisions,), in_flight=2 * workers, done=self._all)
            if workers
            else None
        )
        self._batches = Batches(BATCH, tasks, _run_in_worker, lambda b: self._all(press.run(b)))

    def add(self, job: FormJob) -> None:
        self._batches.add(job)

    def finish(self) -> None:
        """Wait for every form; a worker's error (disk full…) is raised here."""
        self._batches.finish()
        self.close()

    def close(self) -> None:
        self._batches.close()

    def _all(self, printed: list[Printed]) -> None:
        for form in printed:
            self._done(form)
