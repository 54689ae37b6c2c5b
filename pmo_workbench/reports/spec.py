"""What to render: a report's notebook, parameters and input files (:class:`ReportSpec`).

Specs are made here for one report (:func:`positioning_spec`, :func:`portfolio_spec`),
for the demo (:func:`demo_specs`) and, in :mod:`pmo_workbench.reports.manifest`,
for every row of a batch manifest. Parameters are checked against the notebook's
``parameters`` cell before any kernel starts (:func:`check_parameters`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReportParameterError
from ..i18n import N_
from ..resources import notebooks_dir

REPORTS = {"positioning": "pmo_positioning.ipynb", "portfolio": "portfolio_health.ipynb",
           "progress": "pmo_progress.ipynb", "competency": "pm_competency.ipynb", "profile": "pm_profile.ipynb"}
FORMATS = ("html", "pdf", "ipynb", "pptx", "docx")
TITLES = {"positioning": N_("PMO positioning assessment"), "portfolio": N_("Portfolio health report"),
          "progress": N_("PMO progress report"), "competency": N_("Project manager competency report"),
          "profile": N_("Personal competency profile")}
"""Each report's title, in English: show it with ``_(TITLES[report])``."""
_REQUIRED_MARK = "(required)"


def report_title(report: str) -> str:
    """A kind of report's title in the current language (:data:`TITLES`); an unknown kind as given."""
    from ..i18n import _

    return _(TITLES[report]) if report in TITLES else report


def slugify(text: str, *, max_length: int = 60) -> str:
    """A safe, readable file-name part for ``text``: ``"Café & Co / R&D"`` -> ``"cafe-co-r-d"``.

    Path separators, dots, quotes and markup cannot survive; an empty result
    becomes ``"unnamed"``.
    """
    from slugify import slugify as _slugify

    return _slugify(str(text), max_length=max_length, word_boundary=True) or "unnamed"


def report_name(report: str, organisation: str, pmo: str | None = None) -> str:
    """The base file name of a report: ``<organisation>[-<pmo>]-<report>``, all slugs."""
    parts = [slugify(organisation)] + ([slugify(pmo)] if pmo else []) + [report]
    return "-".join(parts)


# --- what to render ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportSpec:
    """One report to render.

    Attributes
    ----------
    report
        The kind of report (a key of :data:`REPORTS`).
    organisation, pmo
        Whom it is about (``pmo`` ``None``: every PMO of the organisation).
    parameters
        The notebook's parameters, paths already absolute.
    inputs
        Files the report reads; their contents decide whether a re-run can skip it.
    name
        Base name of the output files.
    branding
        Branding YAML file for the title page, or ``None``.
    notebook
        A notebook to run instead of the report's own (an analyst's extended
        copy); it must declare the same parameters.
    problem
        Why the report cannot be made, known before it runs (a stored assessment
        with no answers yet): it then fails with this message, no kernel started,
        and the batch's other reports go on.
    """

    report: str
    organisation: str
    pmo: str | None
    parameters: Mapping[str, Any]
    inputs: tuple[str, ...]
    name: str
    branding: str | None = None
    notebook: str | None = None
    problem: str | None = None

    @property
    def notebook_path(self) -> Path:
        """The notebook this report runs."""
        return Path(self.notebook) if self.notebook else notebook_path(self.report)


def _absolute(path: str | Path | None, base: Path | None = None) -> str | None:
    if path is None or str(path).strip() == "":
        return None
    p = Path(path).expanduser()
    if not p.is_absolute() and base is not None:
        p = base / p
    return str(p.resolve())


def _instrument_param(instrument: str | Path, base: Path | None = None) -> tuple[str, str | None]:
    """An instrument id stays an id; anything that looks like a file becomes an absolute path."""
    text = str(instrument)
    if text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text:
        path = _absolute(text, base)
        return path, path
    from ..assessment.instrument import builtin_file

    builtin = builtin_file(text)
    return text, (str(builtin) if builtin else None)


def positioning_spec(
    responses: str | Path,
    organisation: str,
    pmo: str | None = None,
    *,
    instrument: str | Path = "pmo-core",
    benchmark: str | Path | None = None,
    branding: str | Path | None = None,
    min_group_size: int | None = None,
    name: str | None = None,
    base: Path | None = None,
    engagement: str | Path | None = None,
    targets: str | Path | None = None,
    targets_source: str = "option",
    portfolio: str | Path | None = None,
    as_of: dt.date | str | None = None,
    wave: str | None = None,
    peers: str | None = None,
    language: str | None = None,
    competency: str | Path | None = None,
    competency_cohort: str | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of a positioning report; relative paths are taken from ``base``.

    ``competency`` (a competency ratings file) and ``competency_cohort`` (one of the organisation's cohorts in it)
    add the cohort's competency summary to the empowerment role; the file becomes an input of the report.

    ``wave`` names the wave reported on when the responses hold several (default: each PMO's latest); the
    file name then carries it (:func:`wave_report_name`).
    ``benchmark`` is a benchmark pool (a database URL, kept as given, or a SQLite file or exported pool CSV) and
    ``peers`` the filter choosing the peers in it (default: the PMO's own level).

    ``engagement`` defaults to the ``engagement.yaml`` beside the responses, when there is one; ``targets``
    (a file in the same format, from ``targets_source``) wins over its targets. ``portfolio`` (a workbook or a
    folder of CSV files, with its status date ``as_of``) adds the portfolio's evidence beside the perception;
    its files become inputs of the report, so a changed workbook renders it again.
    """
    from ..assessment.engagement import engagement_beside

    instrument_value, instrument_file = _instrument_param(instrument, base)
    responses_path = _absolute(responses, base)
    beside = engagement_beside(responses_path) if engagement is None else None
    params: dict[str, Any] = {
        "responses": responses_path,
        "organisation": organisation,
        "pmo": pmo or None,
        "instrument": instrument_value,
        "benchmark": _pool_param(benchmark, base),
        "branding": _absolute(branding, base),
    }
    if min_group_size is not None:
        params["min_group_size"] = int(min_group_size)
    if peers is not None and str(peers).strip():
        params["peers"] = str(peers).strip()
    engagement_path = _absolute(engagement, base) or (str(beside) if beside else None)
    if engagement_path:
        params["engagement"] = engagement_path
    if targets is not None:
        params["targets"] = _absolute(targets, base)
        params["targets_source"] = targets_source
    if wave:
        params["wave"] = wave
    _language_param(params, language, engagement_path, organisation)
    if competency is not None and str(competency).strip():
        params["competency"] = _absolute(competency, base)
        params["competency_cohort"] = competency_cohort or None
    portfolio_files: tuple[str, ...] = ()
    if portfolio is not None and str(portfolio).strip():
        params["portfolio"] = _absolute(portfolio, base)
        params["as_of"] = None if as_of is None else str(as_of)[:10]
        portfolio_files = _portfolio_files(params["portfolio"])
    pool_file = params["benchmark"] if params["benchmark"] and "://" not in params["benchmark"] else None
    inputs = tuple(p for p in (params["responses"], pool_file, params["branding"], instrument_file,
                               *engagement_files(engagement_path), params.get("targets"), *portfolio_files,
                               params.get("competency")) if p)
    return ReportSpec("positioning", organisation, pmo or None, params, inputs,
                      name or name_in_language(wave_report_name("positioning", organisation, pmo, wave),
                                            params.get("language")), params["branding"])


def _language_param(params: dict[str, Any], language: str | None, engagement: str | None = None,
                    organisation: str | None = None) -> None:
    """The report's ``language`` parameter: ``language`` (a code the package speaks; another raises
    :class:`ReportParameterError`), else the engagement file's ``language`` (when the file is about
    ``organisation``; one the package does not speak is left to the file's own check, which locates it);
    neither: left out (English)."""
    from ..i18n import check_language

    if language is not None and str(language).strip():
        try:
            params["language"] = check_language(language)
        except ValueError as exc:
            raise ReportParameterError(f"language: {exc}") from None
        return
    given = engagement_language(engagement, organisation)
    try:
        code = check_language(given)
    except ValueError:
        return
    if given is not None:
        params["language"] = code


def engagement_language(path: str | Path | None, organisation: str | None = None) -> str | None:
    """The ``language`` an engagement file gives for ``organisation`` (any organisation when ``None``), as written;
    ``None`` when there is no file, it gives none or is about another organisation. A file that cannot be read is
    left to the report to refuse."""
    if not path:
        return None
    try:
        import yaml

        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or data.get("language") in (None, ""):
        return None
    if organisation is not None and data.get("organisation") != organisation:
        return None
    return str(data["language"])


def name_in_language(name: str, language: str | None) -> str:
    """A report's base file name in ``language``: English as it is, another language with its code at the end
    (``korrin-positioning-de``), so both languages of one report can sit in one folder."""
    from ..i18n import DEFAULT_LANGUAGE

    return name if not language or language == DEFAULT_LANGUAGE else f"{name}-{language}"


def _pool_param(pool: str | Path | None, base: Path | None) -> str | None:
    """A benchmark pool as the report's parameter: a URL as given, a file as its absolute path."""
    if pool is None or str(pool).strip() == "":
        return None
    text = str(pool).strip()
    if "://" not in text:
        return _absolute(text, base)
    import sqlalchemy as sa

    try:
        password = sa.make_url(text).password
    except sa.exc.ArgumentError:
        password = None
    if password:
        raise ReportParameterError("the benchmark pool's URL holds a password, which the executed notebook would "
                                   "keep: give it through PGPASSWORD or ~/.pgpass instead")
    return text


def engagement_files(path: str | None) -> tuple[str, ...]:
    """An engagement file and the logos it names that exist (each an input: editing one renders the report again);
    none for ``None``. A file that cannot be read yet is left to the report to refuse."""
    if not path:
        return ()
    files = [path]
    try:
        import yaml

        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return (path,)
    folder = Path(path).resolve().parent
    for key in ("client_logo", "consultancy_logo"):
        logo = data.get(key) if isinstance(data, dict) else None
        found = (folder / logo).resolve() if isinstance(logo, str) else None
        if found is not None and found.is_relative_to(folder) and found.is_file():  # others are refused later
            files.append(str(found))
    return tuple(files)


def _portfolio_files(path: str) -> tuple[str, ...]:
    """The files of a portfolio: the workbook, or every CSV of the folder."""
    p = Path(path)
    if p.is_dir():
        return tuple(str(f) for f in sorted(p.iterdir()) if f.suffix.lower() == ".csv")
    return (path,)


def portfolio_spec(
    portfolio: str | Path,
    organisation: str,
    *,
    as_of: dt.date | str | None = None,
    budget: float | None = None,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    eac_method: str | None = None,
    branding: str | Path | None = None,
    name: str | None = None,
    base: Path | None = None,
    fy_start: int | None = None,
    currency: str | None = None,
    history: Mapping[str | Path, str | None] | None = None,
    stale_days: int | None = None,
    engagement: str | Path | None = None,
    language: str | None = None,
    time_limit: float | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of a portfolio health report; relative paths are taken from ``base``; ``fy_start``
    is the first month (1-12) of the financial year, left to the notebook's default (January) when ``None``.

    ``history`` maps earlier workbooks to the status date of their figures (``"YYYY-MM-DD"``), for the trends;
    ``stale_days`` is the age past which a status update is stale (the notebook's default when ``None``).
    ``engagement`` is the organisation's engagement file (client, logos, ``portfolio_key_messages``); it is an
    input of the report, so a changed file renders it again.
    ``time_limit`` is the seconds selection and the frontier may take together (the notebook's default when
    ``None``).
    """
    params: dict[str, Any] = {
        "portfolio": _absolute(portfolio, base),
        "organisation": organisation,
        "as_of": None if as_of is None else str(as_of)[:10],
        "budget": None if budget is None else float(budget),
        "branding": _absolute(branding, base),
    }
    if thresholds is not None:
        params["thresholds"] = {k: [float(x) for x in v] for k, v in thresholds.items()}
    if eac_method is not None:
        params["eac_method"] = eac_method
    if fy_start is not None:
        params["fy_start"] = int(fy_start)
    if currency is not None:
        params["currency"] = currency
    if history:
        params["history"] = {_absolute(path, base): None if date is None else str(date)[:10]
                             for path, date in history.items()}
    if stale_days is not None:
        params["stale_days"] = int(stale_days)
    if time_limit is not None:
        if not time_limit > 0 or time_limit == float("inf"):
            raise ValueError(f"the time limit must be a positive number of seconds, got {time_limit}")
        params["time_limit"] = float(time_limit)
    engagement_path = _absolute(engagement, base)
    _language_param(params, language, engagement_path, organisation)
    if engagement_path:
        params["engagement"] = engagement_path
    earlier = tuple(f for path in params.get("history", {}) for f in _portfolio_files(path))
    inputs = (*_portfolio_files(params["portfolio"]), *earlier,
              *((params["branding"],) if params["branding"] else ()),
              *engagement_files(engagement_path))
    return ReportSpec("portfolio", organisation, None, params, inputs,
                      name or name_in_language(report_name("portfolio", organisation), params.get("language")),
                      params["branding"])


def notebook_path(report: str) -> Path:
    """The notebook behind a kind of report."""
    if report not in REPORTS:
        raise ReportParameterError(f"unknown report {report!r}; known: {', '.join(sorted(REPORTS))}")
    return notebooks_dir() / REPORTS[report]


def check_parameters(notebook: str | Path, parameters: Mapping[str, Any]) -> None:
    """Fail before execution when ``parameters`` names something the notebook does not declare,
    or leaves out a parameter whose comment says ``(required)``."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    if not declared:
        raise ReportParameterError(f"{notebook}: no cell tagged 'parameters'")
    unknown = sorted(set(parameters) - set(declared))
    required = {n for n, p in declared.items() if _REQUIRED_MARK in (p.get("help") or "")}
    missing = sorted(n for n in required if parameters.get(n) in (None, ""))
    problems = []
    if unknown:
        problems.append(f"unknown parameter(s) {', '.join(unknown)}; the notebook declares {', '.join(declared)}")
    if missing:
        problems.append(f"missing required parameter(s) {', '.join(missing)}")
    if problems:
        raise ReportParameterError(f"{Path(notebook).name}: " + "; ".join(problems))


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportParameterError(f"unknown format(s) {', '.join(unknown) or '(none given)'}; "
                                   f"choose from {', '.join(FORMATS)}")
    return formats


def demo_specs(examples: Path | None = None, engagements: Mapping[str, str | Path] | None = None,
               language: str | None = None) -> list[ReportSpec]:
    """One positioning report per sample organisation, each compared with the synthetic benchmark pool and, for an
    organisation with a sample portfolio, with the portfolio's evidence beside the perception.

    ``engagements`` maps organisations to the engagement file their reports are rendered from (see
    :func:`pmo_workbench.reports.engagement.demo_engagements`); others use ``engagement.yaml`` of ``examples``.
    ``language`` is every report's (default: each engagement file's, else English).
    """
    import pandas as pd

    from ..resources import examples_dir

    examples = examples or examples_dir()
    responses = examples / "pmo_responses.csv"
    organisations = pd.read_csv(responses, usecols=["organisation"])["organisation"].drop_duplicates()
    portfolios = {r["organisation"]: r for r in _sample_portfolios(examples)}
    folder = examples / "portfolios"
    engagements = engagements or {}
    pool = examples / "benchmark_pool.csv"  # synthetic: the reports say so
    from .spec_competency import competency_demo_specs, sample_cohorts

    cohorts = {org: (path, cohort) for path, org, cohort in sample_cohorts(examples)}
    specs = [positioning_spec(responses, org, benchmark=pool if pool.is_file() else None,
                              portfolio=portfolios[org]["portfolio"] if org in portfolios else None,
                              base=folder,
                              engagement=engagements.get(org), language=language,
                              competency=cohorts[org][0] if org in cohorts else None,
                              competency_cohort=cohorts[org][1] if org in cohorts else None)
             for org in organisations]
    return (specs + portfolio_demo_specs(examples, engagements, language) + progress_demo_specs(examples, language)
            + competency_demo_specs(examples, engagements, language))


def _sample_portfolios(examples: Path) -> list[dict[str, str]]:
    """The rows of ``examples/portfolios/budgets.csv`` (organisation, portfolio, budget, fy_start), if any; each
    portfolio gives its own status date (its about sheet)."""
    import pandas as pd

    listing = examples / "portfolios" / "budgets.csv"
    if not listing.is_file():
        return []
    return pd.read_csv(listing, dtype=str, keep_default_na=False).to_dict("records")


def portfolio_demo_specs(examples: Path | None = None, engagements: Mapping[str, str | Path] | None = None,
                         language: str | None = None) -> list[ReportSpec]:
    """One portfolio report per sample portfolio listed in ``examples/portfolios/budgets.csv``, as of its own
    status date, with its organisation's engagement file from ``engagements`` when there is one."""

    from ..resources import examples_dir

    examples = examples or examples_dir()
    folder = examples / "portfolios"
    rows = _sample_portfolios(examples)
    return [portfolio_spec(r["portfolio"], r["organisation"],
                           budget=float(r["budget"]) if r.get("budget") else None, base=folder,
                           fy_start=int(r["fy_start"]) if r.get("fy_start") else None,
                           engagement=(engagements or {}).get(r["organisation"]), language=language) for r in rows]


def wave_report_name(report: str, organisation: str, pmo: str | None = None, wave: str | None = None) -> str:
    """The base file name of a report on one wave: ``<organisation>[-<pmo>]-<wave>-<report>``, all slugs
    (:func:`report_name` without a wave)."""
    if not wave:
        return report_name(report, organisation, pmo)
    return f"{report_name(report, organisation, pmo).removesuffix('-' + report)}-{slugify(wave)}-{report}"


# --- progress between two waves -----------------------------------------------------------------

def progress_spec(
    responses: str | Path,
    organisation: str,
    pmo: str,
    *,
    from_wave: str | None = None,
    to_wave: str | None = None,
    earlier_responses: str | Path | None = None,
    instrument: str | Path = "pmo-core",
    earlier_instrument: str | Path | None = None,
    engagement: str | Path | None = None,
    min_change: float | None = None,
    min_group_size: int | None = None,
    branding: str | Path | None = None,
    name: str | None = None,
    base: Path | None = None,
    anonymous: bool = False,
    language: str | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of a progress report of one PMO between two waves; relative paths are taken from
    ``base``. ``responses`` holds both waves (a ``wave`` column), or the later one when ``earlier_responses``
    holds the earlier; ``engagement`` (target, evidence, the steps ``done``) defaults to the ``engagement.yaml``
    beside ``responses``. The output files are named ``<organisation>-<pmo>-progress``."""
    from ..assessment.engagement import engagement_beside

    instrument_value, instrument_file = _instrument_param(instrument, base)
    responses_path = _absolute(responses, base)
    params: dict[str, Any] = {"responses": responses_path, "organisation": organisation, "pmo": pmo,
                              "from_wave": from_wave or None, "to_wave": to_wave or None,
                              "instrument": instrument_value, "branding": _absolute(branding, base)}
    earlier_file = None
    if earlier_responses is not None and str(earlier_responses).strip():
        params["earlier_responses"] = _absolute(earlier_responses, base)
    if earlier_instrument is not None and str(earlier_instrument).strip():
        params["earlier_instrument"], earlier_file = _instrument_param(earlier_instrument, base)
    if min_change is not None:
        params["min_change"] = float(min_change)
    if min_group_size is not None:
        params["min_group_size"] = int(min_group_size)
    if anonymous:  # collected anonymously (the store says so): whatever the engagement file given says
        params["anonymous"] = True
    beside = engagement_beside(responses_path) if engagement is None else None
    engagement_path = _absolute(engagement, base) or (str(beside) if beside else None)
    _language_param(params, language, engagement_path, organisation)
    if engagement_path:
        params["engagement"] = engagement_path
    inputs = tuple(p for p in (params["responses"], params.get("earlier_responses"), params["branding"],
                               instrument_file, earlier_file, *engagement_files(engagement_path)) if p)
    return ReportSpec("progress", organisation, pmo, params, inputs,
                      name or name_in_language(report_name("progress", organisation, pmo), params.get("language")),
                      params["branding"])


def progress_demo_specs(examples: Path | None = None, language: str | None = None) -> list[ReportSpec]:
    """The progress report of the sample PMO assessed in two waves (``examples/waves/``), when it is there."""
    from ..resources import examples_dir

    folder = (examples or examples_dir()) / "waves"
    responses = folder / "responses.csv"
    if not responses.is_file():
        return []
    return [progress_spec(responses, "Harrowmoor Water Services", "Capital Programmes PMO", language=language)]
