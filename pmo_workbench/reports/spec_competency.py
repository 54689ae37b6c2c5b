"""What to render for the competency reports: a cohort's (:func:`competency_spec`) and a person's own profile
(:func:`profile_spec`), and the demo's (:func:`competency_demo_specs`). See :mod:`.spec` for the others."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .spec import ReportSpec, _absolute, _language_param, engagement_files, name_in_language, report_name, slugify

def _competency_instrument_param(instrument: str | Path, base: Path | None = None) -> tuple[str, str]:
    """A competency instrument id stays an id (its built-in file is the input); a file becomes an absolute path.
    An unknown id raises :class:`~pmo_workbench.errors.InstrumentNotFoundError`."""
    from ..assessment.competency import competency_path

    text = str(instrument)
    if text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text:
        path = _absolute(text, base)
        return path, path
    return text, str(competency_path(text))


def _competency_params(responses: str | Path, organisation: str, cohort: str, instrument: str | Path,
                       engagement: str | Path | None, branding: str | Path | None, language: str | None,
                       base: Path | None) -> tuple[dict[str, Any], tuple[str, ...]]:
    instrument_value, instrument_file = _competency_instrument_param(instrument, base)
    params: dict[str, Any] = {"responses": _absolute(responses, base), "organisation": organisation,
                              "cohort": cohort, "instrument": instrument_value,
                              "branding": _absolute(branding, base)}
    from ..assessment.engagement import engagement_beside

    beside = engagement_beside(params["responses"]) if engagement is None else None
    engagement_path = _absolute(engagement, base) or (str(beside) if beside else None)  # as the positioning's
    if engagement_path:
        params["engagement"] = engagement_path
    _language_param(params, language, engagement_path, organisation)
    inputs = tuple(p for p in (params["responses"], instrument_file, params["branding"],
                               *engagement_files(engagement_path)) if p)
    return params, inputs


def competency_spec(
    responses: str | Path,
    organisation: str,
    cohort: str,
    *,
    instrument: str | Path = "pm-competency",
    engagement: str | Path | None = None,
    branding: str | Path | None = None,
    name: str | None = None,
    base: Path | None = None,
    language: str | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of the competency report of one cohort (``pm_competency.ipynb``); relative paths
    are taken from ``base``. ``engagement`` is the organisation's engagement file (client, logos, and its
    ``competency: required:`` edits of the required profile). The output files are named
    ``<organisation>-<cohort>-competency``."""
    params, inputs = _competency_params(responses, organisation, cohort, instrument, engagement, branding, language,
                                        base)
    return ReportSpec("competency", organisation, None, params, inputs,
                      name or name_in_language(report_name("competency", organisation, cohort),
                                               params.get("language")), params["branding"])


def profile_spec(
    responses: str | Path,
    organisation: str,
    cohort: str,
    subject: str,
    *,
    instrument: str | Path = "pm-competency",
    engagement: str | Path | None = None,
    library: str | Path | None = None,
    branding: str | Path | None = None,
    name: str | None = None,
    base: Path | None = None,
    language: str | None = None,
) -> ReportSpec:
    """The :class:`ReportSpec` of one person's own competency profile (``pm_profile.ipynb``), confidential to the
    person; ``library`` is a development library (default the built-in one). The output files are named
    ``<organisation>-<cohort>-<person>-profile``."""
    params, inputs = _competency_params(responses, organisation, cohort, instrument, engagement, branding, language,
                                        base)
    params["subject"] = subject
    if library is not None and str(library).strip():
        params["library"] = _absolute(library, base)
        inputs = (*inputs, params["library"])
    else:
        from ..resources import templates_dir

        inputs = (*inputs, str(templates_dir() / "competency" / "development.yaml"))
    stem = f"{report_name('profile', organisation, cohort).removesuffix('-profile')}-{slugify(subject)}-profile"
    return ReportSpec("profile", organisation, None, params, inputs,
                      name or name_in_language(stem, params.get("language")), params["branding"])


def sample_cohorts(examples: Path) -> list[tuple[Path, str, str]]:
    """The sample competency cohorts: (ratings file, organisation, cohort) of ``examples/competency/*.csv``."""
    import pandas as pd

    found = []
    for path in sorted((examples / "competency").glob("*.csv")):
        pairs = pd.read_csv(path, usecols=["organisation", "cohort"], dtype=str).drop_duplicates()
        found += [(path, str(o), str(c)) for o, c in pairs.itertuples(index=False)]
    return found


def competency_demo_specs(examples: Path | None = None, engagements: Mapping[str, str | Path] | None = None,
                          language: str | None = None) -> list[ReportSpec]:
    """The competency report of each sample cohort, and the own profiles of two people of the first cohort: one
    whose others' view is shown in every area, one whose others' ratings are suppressed by the small-group rule
    (:func:`pmo_workbench.assessment.competency_report.example_subjects`)."""
    from ..assessment.competency_report import competency_input, example_subjects
    from ..resources import examples_dir

    examples = examples or examples_dir()
    engagements = engagements or {}
    cohorts = sample_cohorts(examples)
    specs = [competency_spec(path, org, cohort, engagement=engagements.get(org), language=language)
             for path, org, cohort in cohorts]
    if cohorts:
        path, org, cohort = cohorts[0]
        data = competency_input(path, org, cohort)
        specs += [profile_spec(path, org, cohort, subject, engagement=engagements.get(org), language=language)
                  for subject in example_subjects(data)]
    return specs
