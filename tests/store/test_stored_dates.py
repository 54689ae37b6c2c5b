"""Dates read back from the store go through the package's one date reader: a value written into the database by
hand (a year typed 3026, a 30 February) is a located message with exit 2, never a traceback."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench import load_instrument
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.resources import examples_dir
from pmo_workbench.store import Store

SAMPLE = examples_dir() / "pmo_responses.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def core():
    return load_instrument("pmo-core")


def _stored(tmp_path, core) -> tuple[str, int]:
    """A SQLite store holding the sample answers, and the id of the first assessment."""
    path = tmp_path / "store.db"
    with Store(str(path)) as store:
        store.import_responses(SAMPLE, core)
    return str(path), _ids(str(path))[0]


def _ids(path: str) -> list[int]:
    with sqlite3.connect(path) as raw:
        return [row[0] for row in raw.execute("SELECT id FROM assessments ORDER BY id")]


def _set_date(path: str, assessment_id: int, value: str) -> None:
    with sqlite3.connect(path) as raw:  # as a hand edit, another program or an older version would
        raw.execute("UPDATE respondents SET assessed_on = ? WHERE id = (SELECT min(id) FROM respondents "
                    "WHERE assessment_id = ?)", (value, assessment_id))


def test_good_stored_dates_read_back_as_dates(tmp_path, core):
    path, first = _stored(tmp_path, core)
    _set_date(path, first, "2026-05-31")
    with Store(path) as store:
        dates = store.responses(first)["assessed_on"]
    assert pd.Timestamp("2026-05-31") in set(dates.dropna())
    assert str(dates.dtype) == "datetime64[ns]"  # as read_responses reads them


@pytest.mark.parametrize(("value", "reason"), [
    ("3026-01-01", "is outside the years 1950-2150"),
    ("2026-02-30", "is not a real date (no such month or day)"),
    ("yesterday", "is not a date"),
])
def test_a_bad_stored_date_is_a_located_problem(tmp_path, core, value, reason):
    path, first = _stored(tmp_path, core)
    _set_date(path, first, value)
    expected = (f"store:{first}:respondents.assessed_on: '{value}' {reason}; expected a date as YYYY-MM-DD from 1950 "
                "to 2150")
    with Store(path) as store, pytest.raises(InputValidationError) as info:
        store.responses(first)
    assert [str(p) for p in info.value.problems] == [expected]
    scored = runner.invoke(app, ["score", "--store", path, "--assessment", str(first)])
    assert scored.exit_code == 2 and expected in scored.stderr, scored.output
    out = tmp_path / "export.csv"
    exported = runner.invoke(app, ["store", "export", str(out), "--db", path, "--assessment", str(first)])
    assert exported.exit_code == 2 and expected in exported.stderr, exported.output
    assert not out.exists()
    for result in (scored, exported):
        assert "Traceback" not in result.output


def test_the_other_assessments_still_read(tmp_path, core):
    path, first = _stored(tmp_path, core)
    _set_date(path, first, "3026-01-01")
    with Store(path) as store:
        others = [i for i in _ids(path) if i != first]
        assert others and len(store.responses(others)) > 0


@pytest.mark.parametrize("column", ["assessed_on", "fieldwork_start", "fieldwork_end"])
@pytest.mark.parametrize(("value", "reason"), [
    ("2026-02-30", "is not a real date (no such month or day)"),  # was a ValueError inside SQLAlchemy
    ("3026-01-01", "is outside the years 1950-2150"),  # was taken as it is
    ("garbage", "is not a date"),
])
def test_a_bad_assessment_date_is_a_located_problem(tmp_path, core, column, value, reason):
    path, first = _stored(tmp_path, core)
    with sqlite3.connect(path) as raw:
        raw.execute(f"UPDATE assessments SET {column} = ? WHERE id = ?", (value, first))
    expected = (f"store:{first}:assessments.{column}: '{value}' {reason}; expected a date as YYYY-MM-DD from 1950 "
                "to 2150")
    with Store(path) as store:
        for read in (store.assessments, lambda: store.assessment(first)):
            with pytest.raises(InputValidationError) as info:
                read()
            assert [str(p) for p in info.value.problems] == [expected]
    out = tmp_path / "export.csv"
    for args in (["store", "list", "--db", path], ["score", "--store", path, "--assessment", str(first)],
                 ["store", "export", str(out), "--db", path, "--assessment", str(first)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and expected in result.stderr, result.output
        assert "Traceback" not in result.output
    assert not out.exists()


def test_good_assessment_dates_read_back(tmp_path, core):
    path, first = _stored(tmp_path, core)
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE assessments SET fieldwork_start = '2026-03-01', fieldwork_end = NULL WHERE id = ?",
                    (first,))
    with Store(path) as store:
        listed = store.assessments().set_index("assessment_id")
        one = store.assessment(first)
    assert listed.loc[first, "fieldwork_start"] == pd.Timestamp("2026-03-01")
    assert str(listed["fieldwork_start"].dtype) == "datetime64[us]" and pd.isna(listed.loc[first, "fieldwork_end"])
    assert (one["fieldwork_start"], one["fieldwork_end"]) == (pd.Timestamp("2026-03-01").date(), None)
