"""Commands on engagement files: ``engagement init`` (a commented starter) and ``engagement check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._values import count
from .app import CONTEXT, InstrumentOption, _language, app, usage

engagement_app = typer.Typer(help="Write and check engagement files (the consultant's edit of the reports).",
                             no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(engagement_app, name="engagement")

ResponsesOption = Annotated[Path, typer.Option("--responses", "-r", help="Responses file (.csv, .xlsx).")]


@engagement_app.command("init")
def engagement_init_command(
    responses: ResponsesOption,
    organisation: Annotated[str, typer.Option("--organisation", "-o", help="The client, as named in the "
                                                                            "responses.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")] = Path("engagement.yaml"),
    instrument: InstrumentOption = "pmo-core",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    language: Annotated[str | None, typer.Option("--language", callback=_language,
                                                 help="The reports' language the file gives (en, de).")] = None,
) -> None:
    """Write a commented starter engagement file for one organisation: every field with a default or an example,
    the fieldwork from the answers, one entry per PMO and every comment (not approved)."""
    import difflib

    from .._io import write_text
    from ..assessment.engagement import close_match
    from ..assessment.starter import starter_engagement
    from .assess import load

    if out.exists() and not force:
        usage(f"{out} exists; give --force to overwrite it")
    if out.is_dir():
        usage(f"{out} is a folder; give the file to write")
    ins, frame = load(responses, instrument)
    known = list(dict.fromkeys(str(o) for o in frame["organisation"]))
    if organisation not in known:
        close = close_match(organisation, known) or next(iter(difflib.get_close_matches(organisation, known, n=1,
                                                                                         cutoff=0.6)), None)
        hint = f"did you mean '{close}'?" if close else f"it holds {', '.join(repr(k) for k in known)}"
        usage(f"{responses}: no organisation '{organisation}' in the answers; {hint}")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text(out, starter_engagement(frame, organisation, ins, responses_name=responses.name, file_name=out.name,
                                       language=language or "en"))
    typer.echo(str(out))


@engagement_app.command("check")
def engagement_check_command(
    file: Annotated[Path, typer.Argument(help="The engagement file.")],
    responses: ResponsesOption,
    instrument: InstrumentOption = "pmo-core",
    language: Annotated[str | None, typer.Option("--language", callback=_language,
                                                 help="Also list the texts with no version in this language "
                                                      "(en, de): they fall back to another.")] = None,
) -> None:
    """Check an engagement file against the answers and the instrument: OK, or every problem located (exit 2).

    With ``--language``, the file is checked as a report in that language reads it, and every text for the reader
    lacking that language goes to stderr as ``path:row:column: message`` (a note, exit 0: the text falls back)."""
    from ..assessment.engagement import engagement_inputs
    from ..assessment.engagement_texts import missing_texts
    from ..i18n import use_language
    from .assess import load

    if not file.is_file():
        usage(f"{file}: file not found")
    ins, frame = load(responses, instrument)
    with use_language(language or "en"):
        engagement_inputs(responses, frame, ins, engagement=file)
    missing = missing_texts(file, language) if language else []
    for text in missing:
        typer.echo(text.line(file, language), err=True)
    if missing:
        verb, pronoun = ("has", "it") if len(missing) == 1 else ("have", "them")
        typer.echo(f"note: {count(len(missing), 'text')} {verb} no {language} version; the reports show "
                   f"{pronoun} as written", err=True)
    typer.echo(f"{file}: OK")
