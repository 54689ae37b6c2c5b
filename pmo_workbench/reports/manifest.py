"""Batch manifests: one report per row of a CSV file or entry of a YAML list."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field

import os

from .._values import date_problem
from .._yaml import load_yaml
from ..errors import InputValidationError, NoAnswersError, PmoWorkbenchError, Problem, ReportParameterError
from .._safety import FileSafetyError, resolve_inside
from .manifest_cells import history_entries, store_file, unusable_name
from .publish import reserved_name
from .spec import (
    REPORTS,
    ReportSpec,
    _absolute,
    _instrument_param,
    check_parameters,
    portfolio_spec,
    positioning_spec,
    progress_spec,
    slugify,
)


class _ManifestRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    report: str
    organisation: str = Field(min_length=1)
    pmo: str | None = None
    responses: str | None = None
    store: str | None = None
    assessment: int | None = Field(default=None, ge=1)
    portfolio: str | None = None
    as_of: dt.date | None = None
    budget: float | None = Field(default=None, ge=0)
    eac_method: Literal["typical", "atypical", "cost_schedule"] | None = None
    fy_start: int | None = Field(default=None, ge=1, le=12)
    currency: str | None = None
    green: str | list[float] | None = None
    amber: str | list[float] | None = None
    history: Any = None  # PATH=YYYY-MM-DD;... or {path: date}: checked, each entry located, by history_entries
    stale_days: int | None = Field(default=None, ge=1)
    time_limit: float | None = Field(default=None, ge=0.001, allow_inf_nan=False)
    instrument: str = "pmo-core"
    benchmark: str | None = None
    peers: str | None = None
    branding: str | None = None
    min_group_size: int | None = Field(default=None, ge=1)
    engagement: str | None = None
    targets: str | None = None
    name: str | None = None
    notebook: str | None = None
    wave: str | None = Field(default=None, max_length=60)
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None
    min_change: float | None = Field(default=None, ge=0)
    language: str | None = None
    cohort: str | None = None
    subject: str | None = None
    library: str | None = None
    competency: str | None = None
    competency_cohort: str | None = None

    @pydantic.field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: object) -> dt.date | None:
        date, message = date_problem(value)
        if message is not None:
            raise ValueError(message)
        return date

    @pydantic.field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> str | None:
        from ..i18n import report_language

        return None if value is None else report_language(value)


_WAVE_COLUMNS = ("from", "to", "min_change")
"""Columns of a progress report only: the two waves compared and the minimum meaningful change."""
_COHORT_COLUMNS = ("cohort", "subject", "library")
"""Columns of the competency reports only: the cohort, the person (profile) and the development library."""
_POSITIONING_ONLY = ("competency", "competency_cohort")
_PMO_COLUMNS = ("budget", "eac_method", "fy_start", "green", "amber", "currency", "history", "stale_days",
                "time_limit", "store",
                "assessment", "pmo", "benchmark", "peers", "min_group_size", "targets", "portfolio", "as_of", "wave",
                *_WAVE_COLUMNS, *_POSITIONING_ONLY)
_REPORT_COLUMNS = {
    "positioning": ("budget", "eac_method", "fy_start", "green", "amber", "currency", "history", "stale_days",
                    "time_limit",
                    *_WAVE_COLUMNS, *_COHORT_COLUMNS),
    "portfolio": ("responses", "store", "assessment", "pmo", "instrument", "benchmark", "peers", "min_group_size",
                  "targets", "wave", *_WAVE_COLUMNS, *_COHORT_COLUMNS, *_POSITIONING_ONLY),
    "progress": ("budget", "eac_method", "fy_start", "green", "amber", "currency", "history", "stale_days",
                 "time_limit",
                 "store", "assessment", "benchmark", "peers", "targets", "portfolio", "as_of", "wave",
                 *_COHORT_COLUMNS, *_POSITIONING_ONLY),
    "competency": (*_PMO_COLUMNS, "subject", "library"),
    "profile": _PMO_COLUMNS,
}
"""Manifest columns that belong to the other kind of report (an error when filled in)."""


_PATH_COLUMNS = ("responses", "benchmark", "branding", "notebook", "portfolio", "instrument", "store", "engagement",
                 "targets")
"""Manifest columns that name files; each must stay inside the manifest's folder (or an allowed one)."""


def _is_file_name(instrument: str) -> bool:
    """Whether an ``instrument`` value names a file (else it is a built-in id)."""
    return instrument.endswith((".yaml", ".yml")) or "/" in instrument or os.sep in instrument


class _ManifestCellError(Exception):
    """A problem with one cell of a manifest row (column and message)."""

    def __init__(self, column: str, message: str):
        super().__init__(column, message)
        self.column, self.message = column, message


def _stored_input(item: _ManifestRow, base: Path) -> tuple[str, str, str | None, str | None, str | None]:
    """A stored assessment written as report input in the user's cache: the responses file, the instrument,
    the engagement file (target, context, evidence) when the assessment has one, the assessment's wave when
    its PMO has several (the report's file name then carries it, so two waves' reports never share a name),
    and why the report cannot be made (an assessment with no answers yet: that report fails, the others go on).

    The file is rewritten only when the answers changed, so an unchanged assessment still skips in a batch.
    The instrument follows :func:`pmo_workbench.store.files.assessment_instrument`.
    """
    from ..store import Store
    from ..store.files import input_folder, report_input, require_answers

    url = item.store if "://" in item.store else _absolute(item.store, base)
    try:
        store = Store(url, create=False)
    except PmoWorkbenchError as exc:
        raise _ManifestCellError("store", str(exc)) from None
    with store:
        try:
            info = store.assessment(item.assessment)
        except PmoWorkbenchError as exc:
            raise _ManifestCellError("assessment", str(exc)) from None
        if info["organisation"] != item.organisation:
            raise _ManifestCellError("organisation", f"assessment {item.assessment} is of "
                                     f"{info['organisation']!r}, not {item.organisation!r}")
        folder = input_folder(url)
        instrument = _instrument_param(item.instrument, base)[0]
        try:
            given = report_input(store, item.assessment, folder, instrument=instrument, allow_empty=True)
        except PmoWorkbenchError as exc:
            raise _ManifestCellError("instrument", str(exc)) from None
        several = int((store.assessments()["pmo_id"] == info["pmo_id"]).sum()) > 1
    try:
        require_answers(info)
        problem = None
    except NoAnswersError as exc:
        problem = str(exc)
    engagement = getattr(given, "engagement", None)
    return (str(given.responses), given.instrument, None if engagement is None else str(engagement),
            info["wave"] if several else None, problem)


def read_manifest(path: str | Path, *, allowed: tuple[Path, ...] = (), language: str | None = None,
                  ) -> list[ReportSpec]:
    """Read a batch manifest (CSV or YAML): one report per row, paths relative to the manifest.

    Columns/keys: ``report`` (``positioning``, ``portfolio``, ``progress``, ``competency`` or ``profile``),
    ``organisation``, ``branding``, ``name`` (optional output base name, made
    safe), ``notebook`` (optional: an extended copy of the report notebook to
    run instead). Positioning reports: ``responses`` (required), ``pmo``,
    ``instrument`` (id or file, default ``pmo-core``), ``benchmark`` (a
    benchmark pool: database URL, SQLite file or exported pool CSV), ``peers``
    (its peer filter), ``min_group_size``; or, instead of ``responses``, ``store`` (URL or
    SQLite file) and ``assessment`` (id) for an assessment kept in the store;
    ``portfolio`` and ``as_of`` to show the organisation's portfolio evidence
    beside the perception; ``wave`` to report on one wave of responses that
    hold several (default: each PMO's latest).
    Portfolio reports: ``portfolio`` (required; a workbook
    or a folder of CSV files), ``as_of`` (status date), ``budget``,
    ``engagement`` (the organisation's engagement file: client, logos,
    ``portfolio_key_messages``).
    Progress reports: ``responses`` (required; both waves in a ``wave`` column), ``pmo`` (required),
    ``from`` and ``to`` (the waves; by default the two latest), ``min_change``, ``instrument``,
    ``engagement``, ``min_group_size``.
    Competency reports (``competency``, one cohort) and a person's own profile (``profile``): ``responses``
    (required; the competency ratings), ``cohort`` (required), ``subject`` (a profile's person, required; ``*``:
    one profile per person of the cohort), ``instrument`` (default ``pm-competency``), ``engagement`` (its
    ``competency: required:`` edits), ``library`` (a profile's development library). A positioning report's
    ``competency`` (a ratings file) and ``competency_cohort`` (default: the organisation's only cohort in it) add the
    cohort's summary to its empowerment role.
    Every report: ``language`` (``en``, ``de``...; default the engagement file's, else English); ``language``
    given here (the command line's ``--language``) wins over the column.

    Every problem is reported at once, with the row a spreadsheet shows (CSV)
    or the line of the entry (YAML): unknown columns, missing or invalid
    values, files that do not exist, unknown reports and instrument ids, an
    organisation or PMO the responses file does not hold, a notebook whose
    parameters do not fit. A responses file that is itself invalid is not a
    manifest problem: that report fails when it runs, and the others go on.

    Every file a row names must lie inside the manifest's folder (symlinks
    followed) or inside one of the ``allowed`` folders (the command line's
    ``--allow-outside``): a manifest cannot make a report read, embed or run a
    file from anywhere else.
    """
    from ..assessment.instrument import builtin_file, builtin_instruments

    path = Path(path)
    rows, row_numbers = _manifest_rows(path)
    base = path.resolve().parent
    allowed = tuple(Path(a).expanduser().resolve() for a in allowed)
    problems: list[Problem] = []
    specs: list[ReportSpec] = []
    columns = [f.alias or name for name, f in _ManifestRow.model_fields.items()]
    known = set(columns)
    unknown = sorted({str(k).strip().lower() for row in rows for k in row if k is not None} - known)
    for column in unknown:
        # CSV: the header row; YAML: the first entry that has the key.
        line = 1 if path.suffix.lower() == ".csv" else next(
            (n for row, n in zip(rows, row_numbers) if column in {str(k).strip().lower() for k in row}), None)
        problems.append(Problem(str(path), line, column,
                                f"unknown column; expected some of {', '.join(columns)}"))
    organisations: dict[tuple[str, str], Any] = {}
    pools: dict[tuple[str, str | None, str], list[str]] = {}
    for row, where in zip(rows, row_numbers):
        clean = {str(k).strip().lower(): (None if v is None or (isinstance(v, str) and not v.strip()) else v)
                 for k, v in row.items() if k is not None and str(k).strip().lower() in known}
        outside = False
        for column in (*_PATH_COLUMNS, "competency", "library", "history"):
            why = None if clean.get(column) is None else unusable_name(str(clean[column]))
            if why is not None:
                problems.append(Problem(str(path), where, column, why))
                outside = True
        if outside:
            continue  # a name no file can have: nothing of this row is looked up
        for column in _PATH_COLUMNS:
            value = clean.get(column)
            if column in ("store", "benchmark") and value is not None:
                value = store_file(str(value))  # a SQLite URL names a file too; a server database names none
            if value is None or (column == "instrument" and not _is_file_name(str(value))):
                continue
            try:
                resolve_inside(str(value), base, allowed=allowed)
            except FileSafetyError as exc:
                problems.append(Problem(str(path), where, column, str(exc)))
                outside = True
        if outside:
            continue  # nothing of this row is read until its files are where they may be
        for column in ("responses", "benchmark", "branding", "notebook", "engagement", "targets", "competency",
                       "library"):
            value = clean.get(column)
            if column == "benchmark" and value is not None:
                value = store_file(str(value))  # a pool on a database server is checked when it is read
            if value is not None and not (named := Path(_absolute(str(value), base))).is_file():
                problems.append(Problem(str(path), where, column,
                                        f"not a regular file (a folder, device, pipe or socket): {value}"
                                        if named.exists() else f"file not found: {value}"))
        value = clean.get("portfolio")
        if value is not None and not Path(_absolute(str(value), base)).exists():
            problems.append(Problem(str(path), where, "portfolio", f"workbook or folder not found: {value}"))
        history: dict[str, str] = {}
        if clean.get("history") is not None:
            history, wrong = history_entries(clean["history"], base, allowed)
            problems.extend(Problem(str(path), where, "history", text) for text in wrong)
        report = str(clean.get("report") or "")
        stored = clean.get("store") is not None or clean.get("assessment") is not None
        if report == "positioning" and stored:
            if clean.get("responses") is not None:
                problems.append(Problem(str(path), where, "store", "give responses or store and assessment, "
                                        "not both"))
            for column in ("store", "assessment"):
                if clean.get(column) is None:
                    problems.append(Problem(str(path), where, column, "a stored assessment needs both store and "
                                            "assessment"))
        for column, wanted in (("responses", "positioning"), ("portfolio", "portfolio"), ("responses", "progress"),
                               ("pmo", "progress"), ("responses", "competency"), ("cohort", "competency"),
                               ("responses", "profile"), ("cohort", "profile"), ("subject", "profile")):
            if report == wanted and clean.get(column) is None and not (column == "responses" and stored):
                problems.append(Problem(str(path), where, column, f"a {wanted} report needs a {column}"
                                        + (" file" if column == "responses" else "")))
        if report == "positioning" and clean.get("competency") is None and clean.get("competency_cohort") is not None:
            problems.append(Problem(str(path), where, "competency", "competency_cohort names a cohort of a competency "
                                    "ratings file: give the file in competency too"))
        if report == "positioning" and clean.get("as_of") is not None and clean.get("portfolio") is None:
            problems.append(Problem(str(path), where, "as_of", "the portfolio's status date: give a portfolio too"))
        for column in _REPORT_COLUMNS.get(report, ()):
            if clean.get(column) is not None:
                problems.append(Problem(str(path), where, column, f"does not apply to a {report} report"))
        people = report in ("competency", "profile")
        if people and clean.get("instrument") is None:
            clean["instrument"] = "pm-competency"
        instrument = str(clean.get("instrument") or "pmo-core")
        instrument_path = _absolute(instrument, base)
        if _is_file_name(instrument):
            if not Path(instrument_path).is_file():
                problems.append(Problem(str(path), where, "instrument", f"file not found: {instrument}"))
        elif people:
            from ..assessment.competency import builtin_competency_instruments

            if instrument.partition("@")[0] not in builtin_competency_instruments():
                problems.append(Problem(str(path), where, "instrument", f"unknown competency instrument id "
                                        f"{instrument!r}; built in: {', '.join(builtin_competency_instruments())}; "
                                        "or give a .yaml file"))
        elif builtin_file(instrument) is None:
            problems.append(Problem(str(path), where, "instrument", f"unknown instrument id {instrument!r}; "
                                    f"built in: {', '.join(builtin_instruments())}; or give a .yaml file"))
        try:
            # A blank cell is a column left out: the column's default (``instrument``: pmo-core) applies.
            item = _ManifestRow.model_validate({k: v for k, v in clean.items() if v is not None})
        except pydantic.ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"]) or None
                # a validator's own message as it is written, without pydantic's "Value error, " prefix
                message = (str(err["ctx"]["error"]) if err["type"] == "value_error" and "error" in err.get("ctx", {})
                           else err["msg"].lower())
                problems.append(Problem(str(path), where, column, message))
            continue
        if item.report not in REPORTS:
            problems.append(Problem(str(path), where, "report",
                                    f"unknown report {item.report!r}; expected one of {', '.join(sorted(REPORTS))}"))
            continue
        chosen_language = language or item.language
        stored_engagement = problem = None
        if item.report == "portfolio":
            from ..portfolio.analysis import make_thresholds
            from ..portfolio.model import parse_band

            bands, checked = {}, None
            for key in ("green", "amber"):
                if getattr(item, key) is not None:
                    try:
                        bands[key] = parse_band(getattr(item, key))
                    except ValueError as exc:
                        problems.append(Problem(str(path), where, key, str(exc)))
            try:
                checked = make_thresholds(bands) if bands else None
            except ValueError as exc:
                problems.append(Problem(str(path), where, "amber" if "amber" in bands else "green", str(exc)))
            if item.currency is not None:
                from ..portfolio.analysis import choose_currency

                try:
                    choose_currency(None, item.currency)
                except ValueError as exc:
                    problems.append(Problem(str(path), where, "currency", str(exc)))
            if item.portfolio is None:
                continue
            spec = portfolio_spec(item.portfolio, item.organisation, as_of=item.as_of, budget=item.budget,
                                  eac_method=item.eac_method, fy_start=item.fy_start, currency=item.currency,
                                  history=history or None, stale_days=item.stale_days, time_limit=item.time_limit,
                                  thresholds=None if checked is None else {"green": checked.green,
                                                                           "amber": checked.amber},
                                  branding=item.branding, name=slugify(item.name) if item.name else None, base=base,
                                  engagement=item.engagement, language=chosen_language)
            if item.engagement is not None:
                problems.extend(_check_portfolio_engagement(spec, path, where))
        elif item.report in ("competency", "profile"):
            if item.responses is None or item.cohort is None or (item.report == "profile" and item.subject is None):
                continue
            from .manifest_competency import check_cohort
            from .spec_competency import competency_spec, profile_spec

            found = check_cohort(item, base, path, where)
            if found is None:
                continue
            problems.extend(found[1])
            name = slugify(item.name) if item.name else None
            common = dict(instrument=item.instrument, engagement=item.engagement, branding=item.branding, base=base,
                          language=chosen_language)
            if item.report == "competency":
                spec = competency_spec(item.responses, item.organisation, item.cohort, name=name, **common)
            elif item.subject == "*":  # every person of the cohort, one report each
                for person in found[0]:
                    specs.append(replace(profile_spec(item.responses, item.organisation, item.cohort, person,
                                                      library=item.library, **common),
                                         notebook=_absolute(item.notebook, base)))
                continue
            else:
                spec = profile_spec(item.responses, item.organisation, item.cohort, item.subject,
                                    library=item.library, name=name, **common)
        elif item.report == "progress":
            if item.responses is None or item.pmo is None:
                continue
            spec = progress_spec(item.responses, item.organisation, item.pmo, from_wave=item.from_, to_wave=item.to,
                                 instrument=item.instrument, engagement=item.engagement, min_change=item.min_change,
                                 min_group_size=item.min_group_size, branding=item.branding,
                                 name=slugify(item.name) if item.name else None, base=base,
                                 language=chosen_language)
        else:
            if item.store is not None and item.assessment is not None and item.responses is None:
                try:
                    stored, instrument, stored_engagement, wave, problem = _stored_input(item, base)
                    item = item.model_copy(update={"responses": stored, "instrument": instrument,
                                                   "wave": item.wave or wave})
                except _ManifestCellError as exc:
                    problems.append(Problem(str(path), where, exc.column, exc.message))
                    continue
            if item.responses is None:
                continue
            targets, source = (item.targets, "manifest") if item.targets else (stored_engagement, "store")
            spec = positioning_spec(
                item.responses, item.organisation, item.pmo, instrument=item.instrument, benchmark=item.benchmark,
                branding=item.branding, min_group_size=item.min_group_size,
                name=slugify(item.name) if item.name else None, base=base,
                engagement=item.engagement or stored_engagement, targets=targets, targets_source=source,
                portfolio=item.portfolio, as_of=item.as_of, wave=item.wave, peers=item.peers,
                language=chosen_language, competency=item.competency, competency_cohort=item.competency_cohort,
            )
            problems.extend(_check_pool(spec, path, where, pools))
            if item.competency is not None:  # without competency_cohort: the organisation's only cohort
                from .manifest_competency import check_competency_summary

                problems.extend(check_competency_summary(item, base, path, where))
        implicit = spec.parameters.get("engagement") if spec.report in ("positioning", "progress") else None
        if implicit and not item.engagement and not (stored_engagement and implicit == stored_engagement):
            try:  # the engagement.yaml found beside the responses obeys the same rule as a named file
                resolve_inside(implicit, base, allowed=allowed)
            except FileSafetyError as exc:
                problems.append(Problem(str(path), where, "responses", f"the engagement.yaml beside it: {exc}"))
                continue
        spec = replace(spec, notebook=_absolute(item.notebook, base), problem=problem)
        if spec.notebook and Path(spec.notebook).is_file():
            try:
                check_parameters(spec.notebook, spec.parameters)
            except ReportParameterError as exc:
                problems.append(Problem(str(path), where, "notebook", str(exc)))
        problems.extend(_check_subject(spec, path, where, organisations))
        if (clash := reserved_name(item.name, spec.name)) is not None:  # the index, failed/, the batch's own files
            problems.append(Problem(str(path), where, "name", clash))
        specs.append(spec)
    if not rows:
        problems.append(Problem(str(path), None, None, "the manifest lists no reports"))
    if problems:
        raise InputValidationError(problems)
    return specs


def _check_pool(spec: ReportSpec, manifest: Path, where: int | None, cache_: dict) -> list[Problem]:
    """A positioning row's benchmark pool can be read and its peer filter parses (each pool read once)."""
    from ..assessment.benchmark import PeerFilterError
    from ..assessment.instrument import load_instrument
    from .benchmark import check_benchmark

    source = spec.parameters.get("benchmark")
    if not source or ("://" not in source and not Path(source).is_file()):
        return []
    key = (source, spec.parameters.get("peers"), spec.parameters["instrument"])
    if key not in cache_:
        try:
            check_benchmark(source, key[1], load_instrument(key[2]))
            cache_[key] = []
        except PeerFilterError as exc:
            cache_[key] = [("peers", str(exc))]
        except InputValidationError as exc:
            cache_[key] = [("benchmark", p.message) for p in exc.problems[:3]]
        except (PmoWorkbenchError, OSError) as exc:
            cache_[key] = [("benchmark", str(exc))]
    return [Problem(str(manifest), where, column, message) for column, message in cache_[key]]


def _check_portfolio_engagement(spec: ReportSpec, manifest: Path, where: int | None) -> list[Problem]:
    """A portfolio row's engagement file: valid, and its client-level edit (if any) about the row's organisation."""
    from ..assessment.engagement import load_engagement

    file = spec.parameters.get("engagement")
    if not file or not Path(file).is_file():
        return []
    try:
        engagement = load_engagement(file, None)
    except InputValidationError as exc:
        return list(exc.problems)
    if engagement.organisation is not None and engagement.organisation != spec.organisation:
        return [Problem(str(manifest), where, "engagement", f"the engagement file is about "
                        f"'{engagement.organisation}', not '{spec.organisation}'")]
    return []


def _check_subject(spec: ReportSpec, manifest: Path, where: int | None, cache_: dict) -> list[Problem]:
    """The organisation (and PMO) a report names must be in its responses file, when that file is valid."""
    from ..assessment.instrument import load_instrument
    from ..assessment.responses import read_responses, subject_problem

    if spec.report not in ("positioning", "progress"):
        return []
    key = (spec.parameters["responses"], spec.parameters["instrument"])
    if not Path(key[0]).is_file():
        return []
    if key not in cache_:
        try:
            frame = read_responses(key[0], load_instrument(key[1]))
            keep = [c for c in ("organisation", "pmo", "wave", "assessed_on") if c in frame]
            cache_[key] = frame[keep].drop_duplicates()
        except PmoWorkbenchError:
            cache_[key] = None  # reported when that report runs; the manifest itself is fine
    if cache_[key] is None:
        return []
    found = subject_problem(cache_[key], spec.organisation, spec.pmo)
    if found is not None:
        return [Problem(str(manifest), where, found[0], f"{found[1]} (in {Path(key[0]).name})")]
    if spec.report == "progress":
        from ..assessment.progress_report import choose_waves

        try:
            choose_waves(cache_[key], spec.organisation, spec.pmo, spec.parameters.get("from_wave"),
                         spec.parameters.get("to_wave"), where=Path(key[0]).name)
        except InputValidationError as exc:
            return [Problem(str(manifest), where, "from" if "--from" in p.message else "to" if "--to" in p.message
                            else p.column, p.message.replace("--from", "from").replace("--to", "to"))
                    for p in exc.problems]
    # The engagement and targets files the report will read: checked now, each problem in its own file.
    from ..assessment.engagement import engagement_inputs

    def existing(name: str) -> str | None:  # a missing file is a problem of its manifest cell, reported there
        file = spec.parameters.get(name)
        return file if file and Path(file).is_file() else None

    if spec.parameters.get("engagement") and existing("engagement") is None:
        return []  # without the file named, the one beside the responses is not the one meant
    try:
        engagement_inputs(key[0], cache_[key], load_instrument(key[1]), engagement=existing("engagement"),
                          targets=existing("targets"))
    except InputValidationError as exc:
        return list(exc.problems)
    return []


def _manifest_rows(path: Path) -> tuple[list[dict[str, Any]], list[int | None]]:
    """The manifest's rows and, for each, its spreadsheet row (CSV) or the line its entry starts on (YAML)."""
    if not path.is_file():
        raise InputValidationError([Problem(str(path), None, None, "manifest file not found")])
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data, node = load_yaml(path)
        reports, seq = data, node
        if isinstance(data, dict):
            reports = data.get("reports")
            seq = next((v for k, v in node.value if k.value == "reports"), None) if node is not None else None
        if not isinstance(reports, list) or not all(isinstance(r, dict) for r in reports):
            raise InputValidationError([Problem(str(path), None, None,
                                                "expected a list of reports (or a mapping with a 'reports' list)")])
        lines = ([n.start_mark.line + 1 for n in seq.value] if isinstance(seq, yaml.SequenceNode)
                 else [None] * len(reports))
        return reports, lines
    if path.suffix.lower() == ".csv":
        import csv

        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
        except UnicodeDecodeError as exc:
            raise InputValidationError([Problem(str(path), None, None, f"not UTF-8 text ({exc.reason})")]) from None
        for i, row in enumerate(rows):
            if None in row:
                raise InputValidationError([Problem(str(path), i + 2, None, "more values than the header has columns")])
        return rows, list(range(2, len(rows) + 2))
    raise InputValidationError([Problem(str(path), None, None, "a manifest must be a .csv or .yaml file")])
