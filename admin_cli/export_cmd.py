"""`honoree-admin export`: the package a township sends up to the county (spec §4), or the one
a county sends on to the city from what it received."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, fail, run_with_db, settings_from
from admin_cli.progress import Bar
from dialogs.texts import t
from services.export import (
    ExportError,
    ExportRequest,
    ExportResult,
    export_county,
    export_township,
)
from services.paper.xlsx import PAPERS
from storage.records import DivisionLevel, Status


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=t("staff.help.export.out"))],
    township: Annotated[
        str | None, typer.Option("--township", help=t("staff.help.township_code"))
    ] = None,
    county: Annotated[
        str | None,
        typer.Option("--county", help=t("staff.help.export.county")),
    ] = None,
    status: Annotated[
        list[Status] | None,
        typer.Option("--status", help=t("staff.help.export.status")),
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help=t("staff.help.export.again"))
    ] = False,
    make_zip: Annotated[bool, typer.Option("--zip", help=t("staff.help.export.zip"))] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help=t("staff.help.export.pdf"))
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help=t("staff.help.export.force"))
    ] = False,
    demo: Annotated[bool, typer.Option("--demo", help=t("staff.help.export.demo"))] = False,
    actor: Annotated[
        str | None, typer.Option("--actor", help=t("staff.help.export.actor"))
    ] = None,
    paper: Annotated[
        str,
        typer.Option(
            "--paper", help=t("staff.help.export.paper")
        ),
    ] = "a3",
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:
    if (township is None) == (county is None):
        fail(t("staff.cli.export.one_place"))
    if paper not in PAPERS:
        fail(t("staff.cli.export.paper", papers=t("staff.list.or").join(PAPERS)))
    code = township or county or ""
    request = ExportRequest(
        code=code,
        out=out,
        level=(DivisionLevel.TOWNSHIP if township else DivisionLevel.COUNTY).value,
        statuses=tuple(status or (Status.CONFIRMED,)),
        again=again,
        include_demo=demo,
        make_zip=make_zip,
        pdf=pdf,
        force=force,
        actor=actor or "",
        paper=paper,
    )
    settings = settings_from(ctx)
    use_case = export_township if township else export_county
    try:
        with Bar(enabled=not as_json) as bar:
            result = run_with_db(ctx, lambda db: use_case(db, settings, request, bar))
    except ExportError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(as_dict(result), ensure_ascii=False))
    else:
        _print(result)


def as_dict(r: ExportResult) -> dict[str, Any]:
    w = r.written
    return {
        "township" if r.level == DivisionLevel.TOWNSHIP else "area": {
            "code": r.code,
            "name": r.name,
        },
        "level": r.level,
        "out": str(r.out),
        "exported_at": r.exported_at.isoformat(timespec="seconds"),
        "actor": r.actor,
        "entries": w.entries,
        "forms": w.forms,
        "evidence_files": w.evidence,
        "pdfs": w.pdfs,
        "marked_exported": r.marked,
        "skipped_demo": r.skipped_demo,
        "zip": str(r.zip_path) if r.zip_path else None,
        "zip_sha256": r.zip_sha256,
        "counts": w.counts,
        "problems": [vars(p) for p in w.problems],
        "notes": w.notes,
    }


def _print(r: ExportResult) -> None:
    w = r.written
    if w.entries == 0:
        console.print(t("staff.export.nothing", place=escape(r.name)))
    else:
        console.print(
            t(
                "staff.export.done",
                place=escape(r.name),
                entries=w.entries,
                forms=w.forms,
                evidence=w.evidence,
                marked=r.marked,
            )
        )
        console.print(t("staff.export.folder", out=escape(str(r.out))))
        if r.zip_path:
            console.print(t("staff.export.zip", zip=escape(str(r.zip_path)), sha256=r.zip_sha256))
    if r.skipped_demo:
        console.print(t("staff.export.skipped_demo", n=r.skipped_demo))
    for note in w.notes:
        console.print(t("staff.export.note", note=escape(note)))
    if w.problems:
        columns = (t(f"staff.column.{c}") for c in ("reg_no", "name", "problem", "file"))
        table = Table(*columns, title=t("staff.export.problems", n=len(w.problems)))
        for p in w.problems:
            table.add_row(p.reg_no, escape(p.name), escape(p.problem), escape(p.file))
        console.print(table)
