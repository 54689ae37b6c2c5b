"""``overview``: one HTML page across every assessment in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import LanguageOption, app, check_folder


@app.command("overview")
def overview_command(
    store_url: Annotated[str, typer.Option("--store", help="Assessment store (URL or SQLite file).",
                                           show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder to write overview.html into.", show_default=False)],
    reports: Annotated[Path | None, typer.Option(
        "--reports", help="Folder of rendered reports (as `batch` names them): each assessment links to its "
                          "files there.", show_default=False)] = None,
    language: LanguageOption = None,
) -> None:
    """Write one page across every assessment in the store: organisation, PMO, wave, fieldwork, status, response
    rate, type and overall score, the change since the PMO's previous wave, and links to the reports."""
    from ..i18n import use_language
    from ..reports.overview import write_overview
    from ..store import Store
    from .app import usage

    check_folder(out)
    if reports is not None and not reports.is_dir():
        usage(f"--reports {reports} is not a folder")
    with Store(store_url, create=False) as store, use_language(language):
        written = write_overview(store, out, reports=reports)
    typer.echo(str(written))
