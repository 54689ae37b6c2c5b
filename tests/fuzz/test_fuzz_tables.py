"""The other tables a user gives: competency ratings (CSV and Excel) and batch manifests (CSV and YAML), from the
examples with mutated cells, headers and rows: each is read or refused with located problems, and ratings that are
read are scored."""

from __future__ import annotations

import functools
import re

import yaml
from hypothesis import given
from hypothesis import strategies as st

from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.assessment.competency_scoring import score_competency
from pmo_workbench.reports.manifest import read_manifest

from .support import FUZZ, check, folder, mutated_table, mutated_tree, write_csv, write_xlsx, yaml_text
from .test_fuzz_portfolio import seeds as portfolio_seeds
from .test_fuzz_responses import long_seed
from .test_fuzz_yaml import ratings_seed


@functools.cache
def competency():
    return load_competency_instrument("pm-competency")


FORMATS = st.tuples(st.sampled_from(["csv", "xlsx"]), st.sampled_from([",", ";"]), st.booleans())


def _typed(value):
    return int(value) if isinstance(value, str) and re.fullmatch("-?[0-9]{1,15}", value) else value


@FUZZ
@given(table=st.deferred(lambda: mutated_table(ratings_seed(), known=("comment", "wave"))), fmt=FORMATS)
def test_competency_ratings(table, fmt):
    with folder() as where:
        if fmt[0] == "xlsx":
            path = write_xlsx(where / "ratings.xlsx", {"ratings": (table[0], [[_typed(v) for v in r]
                                                                            for r in table[1]])})
        else:
            path = write_csv(where / "ratings.csv", table, delimiter=fmt[1], bom=fmt[2])
        check(f"competency ratings {fmt[0]}", where, lambda: read_competency_responses(path, competency()),
              lambda frame: score_competency(frame, competency()))


MANIFEST = (["report", "organisation", "pmo", "responses", "portfolio", "as_of", "budget", "branding", "name",
             "instrument", "min_group_size", "language"],
            [["positioning", "Aldergate Logistics", "Logistics PMO", "responses.csv", None, None, None, "branding.yaml",
              "aldergate", "pmo-core", "3", "en"],
             ["portfolio", "Harrowmoor Water Services", None, None, "portfolio", "2026-03-31", "5000000", None,
              "harrowmoor", None, None, "de"]])
MANIFEST_KEYS = ("report", "organisation", "pmo", "responses", "store", "assessment", "portfolio", "as_of", "budget",
                 "eac_method", "fy_start", "currency", "green", "amber", "history", "stale_days", "instrument",
                 "benchmark", "peers", "branding", "min_group_size", "engagement", "targets", "name", "notebook",
                 "wave", "from", "to", "min_change", "language", "cohort", "subject", "library", "competency",
                 "competency_cohort")


def _inputs(where):
    """The files the seed manifest names, beside it."""
    write_csv(where / "responses.csv", long_seed())
    (where / "portfolio").mkdir()
    for name, table in portfolio_seeds()[0].items():
        write_csv(where / "portfolio" / f"{name}.csv", table)
    (where / "branding.yaml").write_text("consultancy: Northwind Advisory\ncolour: '#1F4E79'\n", encoding="utf-8")


@st.composite
def manifests(draw):
    table = draw(mutated_table(MANIFEST, known=MANIFEST_KEYS))
    if draw(st.booleans()):
        return "csv", table
    header, rows = table
    reports = [{h: v for h, v in zip(header, row) if v is not None} for row in rows]
    document = draw(mutated_tree({"reports": reports}, keys=MANIFEST_KEYS, max_ops=2))
    return "yaml", draw(yaml_text(document))


@FUZZ
@given(case=manifests())
def test_manifest(case):
    kind, content = case
    with folder() as where:
        _inputs(where)
        if kind == "csv":
            path = write_csv(where / "manifest.csv", content)
        else:
            path = where / "manifest.yaml"
            path.write_text(content, encoding="utf-8")
        check(f"manifest {kind}", where, lambda: read_manifest(path))


def test_the_seed_manifest_loads():
    with folder() as where:
        _inputs(where)
        path = write_csv(where / "manifest.csv", MANIFEST)
        specs = read_manifest(path)
        assert [s.organisation for s in specs] == ["Aldergate Logistics", "Harrowmoor Water Services"]
        yaml_path = where / "manifest.yaml"
        yaml_path.write_text(yaml.safe_dump({"reports": [{h: v for h, v in zip(MANIFEST[0], row) if v is not None}
                                                         for row in MANIFEST[1]]}), encoding="utf-8")
        assert [s.organisation for s in read_manifest(yaml_path)] == ["Aldergate Logistics",
                                                                      "Harrowmoor Water Services"]
