"""Commands on the assessment store (``store init|import|export|list|engagement``) and the JupyterLab workbench
(``lab``)."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
import yaml
from rich.table import Table
from rich.text import Text

from .._values import count
from ..assessment.instrument import load_instrument
from ..assessment.responses import read_responses
from .app import Form, InstrumentOption, app, check_folder, check_out, console, store_app

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (default: $PMO_WORKBENCH_DB, else workbench.db in "
                              "the user data folder)."),
]


def _open_store(db: str | None, *, create: bool = True):
    from ..store import Store, default_url

    return Store(db if db is not None else default_url(), create=create)


def shown(text) -> str:
    """``text`` safe to print on a terminal: every control character (C0, C1, DEL, and the invisible format
    characters that reorder text, e.g. U+202E) replaced by U+FFFD, so that a name from a people file or a
    responses file cannot clear the screen, move the cursor or show a hidden link."""
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf") else c for c in str(text))


@store_app.command("init")
def store_init_command(db: DbOption = None) -> None:
    """Create the database, or upgrade an older one to the current schema."""
    from ..store import SCHEMA_HEAD

    with _open_store(db) as store:
        typer.echo(f"{store.shown_url}: ready (schema {SCHEMA_HEAD})")


@store_app.command("import")
def store_import_command(
    file: Annotated[Path, typer.Argument(help="Responses file (.csv, .xlsx), long or wide form.")],
    db: DbOption = None,
    instrument: InstrumentOption = "pmo-core",
    assessment: Annotated[int | None, typer.Option(
        "--assessment", "-a", help="Import every row into this assessment (its PMO's rows only).",
        show_default=False)] = None,
    wave: Annotated[str | None, typer.Option(
        "--wave", help="The wave of rows whose wave cell is blank (or of a file without a wave column): the PMO's "
                       "assessment with that label, created when new.", show_default=False)] = None,
) -> None:
    """Import a responses file; importing the same file again changes nothing.

    Rows go to the assessment of their organisation, PMO and wave (the file's wave column, else --wave, else the
    PMO's only assessment, else a new one labelled with the year). An assessment that is closed takes nothing.
    """
    from .app import usage

    if assessment is not None and wave is not None:
        usage("give --assessment ID or --wave LABEL, not both")
    ins = load_instrument(instrument)
    read_responses(file, ins)  # every problem reported before the database is opened
    with _open_store(db, create=assessment is None) as store:
        result = store.import_responses(file, ins, wave=wave, assessment_id=assessment)
        typer.echo(f"{file} -> {store.shown_url}: {count(len(result.assessments), 'assessment')} "
                   f"({', '.join(map(str, result.assessments))}), {result.respondents_added} respondents added; "
                   f"answers: {result.answers_added} added, {result.answers_changed} changed, "
                   f"{result.answers_unchanged} unchanged")


@store_app.command("export")
def store_export_command(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    db: DbOption = None,
    assessment: Annotated[list[int] | None, typer.Option("--assessment", "-a", help="Assessment id (repeat for "
                                                         "several; default: every assessment).")] = None,
    form: Annotated[Form, typer.Option("--form", help="long: one answer per row (with comments); wide: one row "
                                                      "per respondent (no comments).")] = Form.long,
    instrument: Annotated[str | None, typer.Option(
        "--instrument", "-i", help="Instrument YAML file of assessments that use a custom (not built-in) "
                                   "instrument.")] = None,
    engagement_out: Annotated[Path | None, typer.Option(
        "--engagement-out", help="Also write an engagement file saying how the answers were collected (people "
                                 "invited and who submitted, the anonymity mode) and what the store recorded (target, "
                                 "context, evidence), for `report positioning --engagement FILE`; required when an "
                                 "exported assessment is anonymous.", show_default=False)] = None,
) -> None:
    """Write stored answers as a responses file (the format `validate` and `score` read). An anonymous
    assessment's answers go out only with --engagement-out, whose file keeps its reports' minimum group of 5."""
    from .._io import write_text
    from ..store.files import collection_yaml
    from .app import usage

    check_out(out)
    check_out(engagement_out)
    if engagement_out is not None and engagement_out.resolve() == out.resolve():
        usage(f"--engagement-out {engagement_out} is the responses file being written; give another file")
    given = load_instrument(instrument) if instrument is not None else None
    with _open_store(db, create=False) as store:
        if given is not None:
            store.use_instrument(given)
        ids = [int(a) for a in assessment] if assessment else store.assessments()["assessment_id"].astype(int).tolist()
        for one in ids:
            if engagement_out is None and store.assessment(one) and store.survey(one)[0] == "anonymous":
                usage(f"assessment {one} is anonymous: a report from its exported answers must hide groups under 5; "
                      "give --engagement-out FILE too (it says so), and report with --engagement FILE")
        written = store.export_responses(out, assessment_id=assessment or None, form=form.value)
        text = collection_yaml(store, ids) if engagement_out is not None else None
    typer.echo(str(written))
    if text is not None:
        typer.echo(str(write_text(engagement_out, text)))


@store_app.command("list")
def store_list_command(db: DbOption = None) -> None:
    """List the stored assessments."""
    with _open_store(db, create=False) as store:
        frame = store.assessments()
        url = store.shown_url
    if frame.empty:
        typer.echo(f"{url}: no assessments yet (import a responses file with `pmo-workbench store import`)")
        return
    table = Table(title=f"Assessments in {url}")
    frame["fieldwork"] = [_fieldwork(start, end) for start, end in zip(frame["fieldwork_start"],
                                                                        frame["fieldwork_end"])]
    frame["instrument"] = frame["instrument_id"] + " " + frame["instrument_version"]
    columns = (("id", "assessment_id"), ("organisation", "organisation"), ("PMO", "pmo"), ("PMO id", "pmo_id"),
               ("wave", "wave"), ("level", "pmo_level"), ("parent", "parent_pmo"), ("instrument", "instrument"),
               ("fieldwork", "fieldwork"), ("status", "status"), ("target", "target"), ("resp.", "respondents"),
               ("answers", "answers"))
    numbers = ("assessment_id", "pmo_id", "respondents", "answers")
    for label, name in columns:
        table.add_column(label, justify="right" if name in numbers else "left")
    for row in frame.to_dict("records"):
        if row["answers"] == 0:  # a valid assessment, nobody answered yet (respondents invited or added)
            row["answers"] = "none yet"
        # the fieldwork is the store's own dates (its line break is meant), every other cell shown safely
        table.add_row(*[Text("" if row[name] is None or pd.isna(row[name]) else
                             row[name] if name == "fieldwork" else shown(row[name])) for _, name in columns])
    console().print(table)


def _fieldwork(start, end) -> str:
    """``2025-03-02 –`` and ``2025-03-09`` on two lines (one date when both are the same day, ``2025-03-02 –``
    with no end yet); blank when unknown."""
    first, last = (None if pd.isna(d) else str(d.date()) for d in (start, end))
    if first is None or last is None:
        return "" if first is None and last is None else f"{first} –" if last is None else f"– {last}"
    return first if first == last else f"{first} –\n{last}"


@store_app.command("engagement")
def store_engagement_command(
    file: Annotated[Path, typer.Argument(help="Engagement file (engagement.yaml): per PMO its target type, "
                                              "context and evidence.")],
    db: DbOption = None,
    instrument: Annotated[str | None, typer.Option(
        "--instrument", "-i", help="Instrument YAML file of assessments that use a custom (not built-in) "
                                   "instrument.")] = None,
    wave: Annotated[str | None, typer.Option(
        "--wave", help="The wave whose assessments the entries go to (default: each PMO's latest).",
        show_default=False)] = None,
) -> None:
    """Record each entry of an engagement file on its PMO's assessment (the latest wave, or --wave), and its
    client-level edit (names, logos, key messages, approved comments...) on its organisation; all or none."""
    from .._yaml import load_yaml
    from ..assessment.engagement import close_match, load_engagement, raw_entries
    from ..errors import InputValidationError, Problem
    from ..store.files import assessment_instrument

    given = load_instrument(instrument) if instrument is not None else None
    data, node = load_yaml(file)
    problems: list[Problem] = []
    whole = None
    try:  # keys, answers and duplicates; the ids are the instruments' (below)
        whole = load_engagement(file, None)
    except InputValidationError as exc:
        problems += exc.problems
    with _open_store(db, create=False) as store:
        listed = store.assessments().sort_values(["fieldwork_start", "assessed_on", "assessment_id"],
                                                 na_position="first")
        chosen: dict[int, int] = {}  # entry index -> assessment id
        organisations = listed["organisation"].drop_duplicates().tolist()
        for entry in raw_entries(data, node):
            if entry.organisation is None or entry.pmo is None:
                continue  # reported with the file's shape
            rows = listed[(listed["organisation"] == entry.organisation) & (listed["pmo"] == entry.pmo)]
            if wave is not None and not rows.empty:
                waves = rows["wave"].tolist()
                rows = rows[rows["wave"] == wave]
                if rows.empty:
                    problems.append(entry.problem(file, "pmo", f"PMO '{entry.pmo}' of '{entry.organisation}' has no "
                                                               f"wave '{wave}'; its waves are {', '.join(waves)}"))
                    continue
            if not rows.empty:
                chosen[entry.index] = int(rows["assessment_id"].iloc[-1])
                continue
            pmos = listed.loc[listed["organisation"] == entry.organisation, "pmo"].drop_duplicates().tolist()
            if pmos:
                close = close_match(entry.pmo, pmos)
                hint = f"did you mean '{close}'?" if close else f"its PMOs with an assessment are " \
                                                                f"{', '.join(repr(p) for p in pmos)}"
                problems.append(entry.problem(file, "pmo", f"no assessment of PMO '{entry.pmo}' of "
                                                           f"'{entry.organisation}' in {store.shown_url}; {hint}"))
            else:
                close = close_match(entry.organisation, organisations)
                hint = f"; did you mean '{close}'?" if close else ""
                problems.append(entry.problem(file, "organisation", f"the store {store.shown_url} has no assessment of "
                                                                    f"organisation '{entry.organisation}'{hint}"))
        by_instrument: dict[tuple[str, str], list[int]] = {}
        instruments = {}
        for index, assessment_id in chosen.items():
            ins, _ = assessment_instrument(store, assessment_id, given)
            instruments[(ins.id, ins.version)] = ins
            by_instrument.setdefault((ins.id, ins.version), []).append(index)
        checked = {}
        for key, indices in by_instrument.items():
            try:
                engagement = load_engagement(file, instruments[key])
            except InputValidationError as exc:  # keep the problems of the entries of this instrument's assessments
                problems += [p for p in exc.problems if p not in problems
                             and any(p.message.startswith((f"pmos.{i}.", f"pmos.{i}:")) for i in indices)]
                continue
            checked.update({i: engagement.pmos[i] for i in indices})
        if whole is not None and whole.organisation is not None and whole.organisation not in organisations:
            close = close_match(whole.organisation, organisations)
            problems.append(Problem(str(file), *_located(node, "organisation"), f"the store {store.shown_url} has no "
                                    f"assessment of organisation '{whole.organisation}'"
                                    + (f"; did you mean '{close}'?" if close else "")))
        if problems:
            raise InputValidationError(sorted(problems, key=lambda p: (p.row or 0, p.column or 0)))
        store.set_engagements({chosen[i]: checked[i] for i in sorted(checked)})
        if whole is not None and whole.organisation is not None:
            store.set_client_engagement(whole, base=file.resolve().parent)
            typer.echo(f"{whole.organisation}: client-level edit kept")
    for index in sorted(checked):
        entry = checked[index]
        typer.echo(f"assessment {chosen[index]} ({entry.organisation} / {entry.pmo}): "
                   f"{'target ' + entry.target if entry.target else 'no target'}, "
                   f"{count(len(entry.context), 'context answer')}, {count(len(entry.evidence), 'evidence answer')}"
                   + (f", {count(len(entry.done), 'step')} done" if entry.done else ""))


def _located(node, key: str) -> tuple[int | None, int | None]:
    from .._yaml import locate

    return locate(node, (key,))


@store_app.command("engagement-export")
def store_engagement_export_command(
    organisation: Annotated[str, typer.Option("--organisation", "-o", help="The organisation, as the store names "
                                                                            "it.")],
    out: Annotated[Path, typer.Option("--out", help="Engagement file to write (refused when it exists, unless "
                                                    "--force).")],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write what the store keeps of an organisation's engagement (its client-level edit and every PMO entry of its
    most recent assessments) as an engagement file."""
    from .._io import write_text
    from ..store.files import engagement_yaml
    from .app import usage

    if out.exists() and not force:
        usage(f"{out} exists; give --force to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _open_store(db, create=False) as store:
        client = store.client_engagement(organisation)
        listed = store.assessments().sort_values(["fieldwork_start", "assessed_on", "assessment_id"],
                                                 na_position="first")
        latest = listed[listed["organisation"] == organisation].drop_duplicates("pmo", keep="last")
        entries = [e for e in (store.engagement(int(a)) for a in latest["assessment_id"]) if e is not None]
    if client is None and not entries:
        usage(f"the store keeps no engagement of '{organisation}'")
    from ..assessment.deliverable import CLIENT_FIELDS
    from ..store.files import copy_logo

    kept = dict(client or {})
    choices = kept.pop("pmo_recommendations", None) or {}
    client = {key: kept[key] for key in CLIENT_FIELDS if key in kept}
    for key in ("client_logo", "consultancy_logo"):  # copied beside the file, which names them relative to itself
        if client.get(key):
            copied = copy_logo(Path(client[key]), out.parent, f"{out.stem}-{key.replace('_', '-')}")
            if copied is None:
                typer.echo(f"{key} {client[key]} is no longer there: left out", err=True)
                client.pop(key)
            else:
                client[key] = copied
    pmos = []
    for entry in entries:
        pmos += yaml.safe_load(engagement_yaml(entry))["pmos"]
    for pmo, choice in choices.items():
        found = next((p for p in pmos if p["pmo"] == pmo), None)
        if found is None:
            found = {"organisation": organisation, "pmo": pmo}
            pmos.append(found)
        found["recommendations"] = choice
    for item in pmos:
        item.pop("organisation", None)
        for answer in (item.get("evidence") or {}).values():
            answer["answer"] = _Said(answer["answer"])
    document = {"organisation": organisation, **client, "pmos": pmos}
    write_text(out, yaml.dump(document, Dumper=_SaidDumper, sort_keys=False, allow_unicode=True))
    typer.echo(str(out))


class _Said(str):
    """An evidence answer, written quoted (an unquoted yes or no reads as a boolean)."""


class _SaidDumper(yaml.SafeDumper):
    pass


_SaidDumper.add_representer(_Said, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", str(text),
                                                                                style='"'))


@app.command("lab")
def lab_command(
    folder: Annotated[Path, typer.Option("--dir", help="Folder to work in; the workbench notebook is copied "
                                                       "there when it is not there yet.")] = Path("."),
    db: DbOption = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port for JupyterLab.")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Start the server without opening a browser.")
                          ] = False,
) -> None:
    """Open JupyterLab on the assessment workbench notebook (answers are saved to the store as given)."""
    import os
    import shutil
    import subprocess

    from ..resources import notebooks_dir

    check_folder(folder, "--dir")
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / "assessment_workbench.ipynb"
    if not notebook.exists():  # an existing copy is the consultant's: never overwritten
        shutil.copyfile(notebooks_dir() / "assessment_workbench.ipynb", notebook)
        typer.echo(str(notebook))
    env = dict(os.environ)
    if db is not None:
        env["PMO_WORKBENCH_DB"] = db
    with _open_store(env.get("PMO_WORKBENCH_DB")) as store:  # created or upgraded before the first form opens
        typer.echo(f"answers are saved to {store.shown_url}", err=True)
        # The kernel runs in --dir: hand it the resolved URL, so a relative --db names the same file there.
        env["PMO_WORKBENCH_DB"] = store.url
    command = [sys.executable, "-m", "jupyterlab", notebook.name, f"--ServerApp.root_dir={folder.resolve()}"]
    command += ["--no-browser"] if no_browser else []
    command += [f"--port={port}"] if port else []
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root; JupyterLab refuses without it
        command.append("--allow-root")
    raise typer.Exit(subprocess.call(command, cwd=folder, env=env))

