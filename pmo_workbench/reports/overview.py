"""The consultant's overview: one offline HTML page across every assessment in a store.

One row per assessment (a wave of a PMO): organisation, PMO, wave, fieldwork, status, response rate, type and
overall score (scored from the stored answers with the package's scoring), the change of the overall score since
the PMO's previous wave, and links to the reports rendered for it (files of a reports folder, matched by the
batch's file names). An anonymous assessment with fewer than
:data:`~pmo_workbench.assessment.positioning.ANONYMOUS_MIN_GROUP_SIZE` respondents shows no score.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
import pandas as pd

from .._io import write_text
from .._values import MISSING
from ..assessment.engagement import Engagement
from ..assessment.positioning import ANONYMOUS_MIN_GROUP_SIZE
from ..assessment.results import assess
from ..errors import PmoWorkbenchError
from .spec import report_name, wave_report_name

OVERVIEW_FILE = "overview.html"
NO_ANSWERS = "no answers yet"
REPORT_SUFFIXES = {".html": "HTML", ".pdf": "PDF", ".pptx": "slides", ".docx": "Word", ".ipynb": "notebook"}
"""The report files linked, and how a link names each."""
_TEMPLATE = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Link:
    """A report file of an assessment: what the link says and where it points (relative to the overview)."""

    label: str
    href: str


@dataclass(frozen=True)
class OverviewRow:
    """One assessment (a wave of a PMO) as the overview shows it."""

    assessment_id: int
    organisation: str
    pmo: str
    wave: str
    fieldwork: str
    status: str
    response: str
    type: str | None = None
    score: float | None = None
    note: str | None = None  # why there is no score
    change: str | None = None  # the overall score's change since the PMO's previous wave, in points
    links: tuple[Link, ...] = field(default_factory=tuple)


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _fieldwork(start, end) -> str:
    """``start – end``, one date for one day, ``start –`` with no end yet."""
    first, last = _date(start), _date(end)
    if first is None or last is None:
        return MISSING if first is None and last is None else f"{first} –" if last is None else f"– {last}"
    return str(first) if first == last else f"{first} – {last}"


def _response(store, row) -> str:
    """Submitted of invited when people were invited, else the number of respondents; both when respondents
    answered besides the invited (answers imported from a file): the score counts them all."""
    try:
        total = store.invitation_status(int(row.assessment_id)).iloc[-1]
    except PmoWorkbenchError:  # a custom instrument this session does not know: the respondents still count
        total = {"invited": 0}
    n = int(row.respondents)
    counted = f"{n} respondent{'s' if n != 1 else ''}"
    if not int(total["invited"]):
        return counted
    rate = f"{int(total['submitted'])} of {int(total['invited'])} ({total['response_rate']:.0%})"
    return rate if n <= int(total["submitted"]) else f"{counted}; invited: {rate}"


def _scored(store, row) -> tuple[str | None, float | None, str | None]:
    """(type label, overall score, note): the assessment scored from its stored answers."""
    if int(row.answers) == 0:
        return None, None, NO_ANSWERS
    aid = int(row.assessment_id)
    if store.survey(aid)[0] == "anonymous" and int(row.respondents) < ANONYMOUS_MIN_GROUP_SIZE:
        return None, None, (f"anonymous, fewer than {ANONYMOUS_MIN_GROUP_SIZE} respondents: no score shown")
    try:
        instrument = store.instrument_for(aid)
        entry = store.engagement(aid)
        engagement = Engagement(pmos=(entry,)) if entry is not None else None
        (one,) = assess(store.responses(aid), instrument, engagement=engagement).assessments
    except PmoWorkbenchError as exc:  # e.g. a custom instrument this session does not know
        return None, None, f"not scored: {exc}"
    if pd.isna(one.overall_score):
        return one.type.label, None, "no score (too few answers)"
    return one.type.label, float(one.overall_score), None


def _links(folder: Path | None, out: Path, stems: list[str]) -> tuple[Link, ...]:
    """The files of ``folder`` (never a file outside it, symlinks followed) named ``<stem>.<suffix>``."""
    if folder is None or not folder.is_dir():
        return ()
    root = folder.resolve()
    found = []
    for stem in dict.fromkeys(stems):
        for suffix, kind in REPORT_SUFFIXES.items():
            path = folder / f"{stem}{suffix}"
            if not path.is_file() or path.resolve().parent != root:
                continue
            relative = os.path.relpath(path.resolve(), out.resolve().parent)
            report = stem.rsplit("-", 1)[-1]
            found.append(Link(f"{report} ({kind})", quote(Path(relative).as_posix())))
    return tuple(found)


def overview_rows(store, *, reports: str | os.PathLike | None = None,
                  out: str | os.PathLike = OVERVIEW_FILE) -> list[OverviewRow]:
    """Every assessment of ``store`` as the overview shows it: by organisation, PMO, then waves in order.

    Parameters
    ----------
    store
        An open :class:`~pmo_workbench.store.Store`.
    reports
        A folder of rendered reports (the batch's file names); the rows link to those that exist.
    out
        Where the overview will be written (links are relative to it).
    """
    listed = store.assessments()
    if listed.empty:
        return []
    listed = listed.sort_values(["organisation", "pmo_id", "fieldwork_start", "assessed_on", "assessment_id"],
                                na_position="last", kind="stable")
    folder = Path(reports) if reports is not None else None
    rows = []
    for _, waves in listed.groupby("pmo_id", sort=False):
        previous = None  # (score, instrument version, wave) of the PMO's latest earlier wave with a score
        before = None  # the wave just before
        answered = waves[waves["answers"] > 0]  # the reports without a wave are of the latest wave with answers
        last = (answered if len(answered) else waves)["assessment_id"].iloc[-1]
        for row in waves.itertuples(index=False):
            type_label, score, note = _scored(store, row)
            change = None
            if score is not None and previous is not None:
                if previous[1] == row.instrument_version:
                    change = f"{score - previous[0]:+.1f}"
                else:
                    change = f"not comparable (instrument {previous[1]} → {row.instrument_version})"
                if previous[2] != before:  # a wave without a score between: say which wave it is compared with
                    change += f" since {previous[2]}"
            stems = [wave_report_name("positioning", row.organisation, row.pmo, row.wave),
                     wave_report_name("positioning", row.organisation, None, row.wave)]
            if row.assessment_id == last:
                stems += [report_name("positioning", row.organisation, row.pmo),
                          report_name("positioning", row.organisation), report_name("progress", row.organisation,
                                                                                    row.pmo)]
            rows.append(OverviewRow(
                assessment_id=int(row.assessment_id), organisation=row.organisation, pmo=row.pmo, wave=row.wave,
                fieldwork=_fieldwork(row.fieldwork_start, row.fieldwork_end), status=row.status,
                response=_response(store, row), type=type_label, score=score, note=note, change=change,
                links=_links(folder, Path(out), stems)))
            if score is not None:
                previous = (score, row.instrument_version, row.wave)
            before = row.wave
    return rows


def render_overview(rows: list[OverviewRow], *, title: str = "Assessments overview",
                    generated: dt.date | None = None) -> str:
    """The overview page (one self-contained HTML document: no script, font or image from anywhere)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATE), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template("overview.html.j2").render(
        title=title, rows=rows, generated=str(generated or dt.date.today()), missing=MISSING,
        min_group=ANONYMOUS_MIN_GROUP_SIZE)


def write_overview(store, out: str | os.PathLike, *, reports: str | os.PathLike | None = None) -> Path:
    """Write ``overview.html`` into the folder ``out`` (created when missing), atomically; return its path.

    Parameters
    ----------
    store
        An open :class:`~pmo_workbench.store.Store`.
    out
        The folder to write into.
    reports
        A folder of rendered reports to link to (see :func:`overview_rows`).
    """
    target = Path(out) / OVERVIEW_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_text(target, render_overview(overview_rows(store, reports=reports, out=target)))
