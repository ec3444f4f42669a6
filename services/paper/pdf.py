"""PDF copies of the forms through LibreOffice, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from dialogs.texts import t

BATCH = 200  # documents per soffice run: starting LibreOffice is the slow part
TIMEOUT_S = 600


class PdfUnavailable(Exception):
    """LibreOffice is missing or failed; the message is shown to staff."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(documents: list[Path], outdir: Path) -> list[Path]:
    """Convert .docx files to PDFs in `outdir`; returns the PDFs that were produced."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(t("paper.pdf.missing"))
    with tempfile.TemporaryDirectory(prefix="honoree-soffice-") as profile:
        # A private profile: a LibreOffice window the user has open does not block the run.
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
        ]
        for start in range(0, len(documents), BATCH):
            batch = [str(p) for p in documents[start : start + BATCH]]
            try:
                subprocess.run(
                    [*command, *batch], check=True, capture_output=True, timeout=TIMEOUT_S
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise PdfUnavailable(t("paper.pdf.failed", error=exc)) from exc
    pdfs = [outdir / p.with_suffix(".pdf").name for p in documents]
    return [p for p in pdfs if p.exists()]
