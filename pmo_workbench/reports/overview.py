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
from .._values import MISSING, fmt, percent
from ..i18n import DEFAULT_LANGUAGE, N_, _, current_language, languages, ngettext
from ..assessment.engagement import Engagement
from ..assessment.positioning import ANONYMOUS_MIN_GROUP_SIZE
from ..assessment.results import assess
from ..errors import PmoWorkbenchError
from .spec import name_in_language, report_name, wave_report_name

OVERVIEW_FILE = "overview.html"
NO_ANSWERS = N_("no answers yet")
REPORT_SUFFIXES = {".html": "HTML", ".pdf": "PDF", ".pptx": N_("slides"), ".docx": "Word", ".ipynb": N_("notebook")}
"""The report files linked, and how a link names each."""
STATUS_WORDS = {"open": N_("open"), "closed": N_("closed")}
"""An assessment's status as the overview shows it."""
REPORT_WORDS = {"positioning": N_("positioning"), "progress": N_("progress")}
"""How a link names the kind of report."""
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
    counted = ngettext("{n} respondent", "{n} respondents", n).format(n=n)
    if not int(total["invited"]):
        return counted
    rate = _("{submitted} of {invited} ({rate})").format(submitted=int(total["submitted"]),
                                                         invited=int(total["invited"]),
                                                         rate=percent(total["response_rate"]))
    return rate if n <= int(total["submitted"]) else _("{respondents}; invited: {rate}").format(respondents=counted,
                                                                                               rate=rate)


def _scored(store, row) -> tuple[str | None, float | None, str | None]:
    """(type label, overall score, note): the assessment scored from its stored answers."""
    if int(row.answers) == 0:
        return None, None, _(NO_ANSWERS)
    aid = int(row.assessment_id)
    if store.survey(aid)[0] == "anonymous" and int(row.respondents) < ANONYMOUS_MIN_GROUP_SIZE:
        return None, None, _("anonymous, fewer than {n} respondents: no score shown").format(
            n=ANONYMOUS_MIN_GROUP_SIZE)
    try:
        instrument = store.instrument_for(aid)
        entry = store.engagement(aid)
        engagement = Engagement(pmos=(entry,)) if entry is not None else None
        (one,) = assess(store.responses(aid), instrument, engagement=engagement).assessments
    except PmoWorkbenchError as exc:  # e.g. a custom instrument this session does not know
        return None, None, _("not scored: {reason}").format(reason=exc)
    if pd.isna(one.overall_score):
        return one.type.label, None, _("no score (too few answers)")
    return one.type.label, float(one.overall_score), None


def _links(folder: Path | None, out: Path, stems: list[str]) -> tuple[Link, ...]:
    """The files of ``folder`` (never a file outside it, symlinks followed) named ``<stem>.<suffix>``, or
    ``<stem>-<language>.<suffix>`` for a report in another language than English."""
    if folder is None or not folder.is_dir():
        return ()
    root = folder.resolve()
    found = []
    named = {name_in_language(stem, code): (stem, code) for stem in dict.fromkeys(stems) for code in languages()}
    for name, (stem, code) in named.items():
        for suffix, kind in REPORT_SUFFIXES.items():
            path = folder / f"{name}{suffix}"
            if not path.is_file() or path.resolve().parent != root:
                continue
            relative = os.path.relpath(path.resolve(), out.resolve().parent)
            report = stem.rsplit("-", 1)[-1]
            report = _(REPORT_WORDS[report]) if report in REPORT_WORDS else report
            label = _("{report} ({kind})").format(report=report, kind=_(kind))
            if code != DEFAULT_LANGUAGE:
                label = _("{report} ({kind}, {language})").format(report=report, kind=_(kind), language=code)
            found.append(Link(label, quote(Path(relative).as_posix())))
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
    for _pmo, waves in listed.groupby("pmo_id", sort=False):
        previous = None  # (score, instrument version, wave) of the PMO's latest earlier wave with a score
        before = None  # the wave just before
        answered = waves[waves["answers"] > 0]  # the reports without a wave are of the latest wave with answers
        last = (answered if len(answered) else waves)["assessment_id"].iloc[-1]
        for row in waves.itertuples(index=False):
            type_label, score, note = _scored(store, row)
            change = None
            if score is not None and previous is not None:
                if previous[1] == row.instrument_version:
                    points = score - previous[0]
                    change = ("+" if points >= 0 else "") + fmt(points, 1)
                    if previous[2] != before:  # a wave without a score between: say which wave it is compared with
                        change = _("{change} since {wave}").format(change=change, wave=previous[2])
                elif previous[2] != before:
                    change = _("not comparable (instrument {earlier} → {later}) since {wave}").format(
                        earlier=previous[1], later=row.instrument_version, wave=previous[2])
                else:
                    change = _("not comparable (instrument {earlier} → {later})").format(
                        earlier=previous[1], later=row.instrument_version)
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


def render_overview(rows: list[OverviewRow], *, title: str | None = None,
                    generated: dt.date | None = None) -> str:
    """The overview page (one self-contained HTML document: no script, font or image from anywhere), in the
    current language (``title`` default: "Assessments overview")."""
    from ..i18n import jinja_install

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATE), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    jinja_install(env)
    env.filters["num"] = lambda value, digits=1: fmt(value, digits)
    return env.get_template("overview.html.j2").render(
        title=title or _("Assessments overview"), rows=rows, generated=str(generated or dt.date.today()),
        missing=MISSING, min_group=ANONYMOUS_MIN_GROUP_SIZE, lang=current_language(),
        statuses={key: _(text) for key, text in STATUS_WORDS.items()})


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
