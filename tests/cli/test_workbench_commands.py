"""`pmo-workbench lab` serves the workbench notebook; `report positioning` runs from the assessment store."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench import load_instrument, read_responses
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.resources import examples_dir
from pmo_workbench.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[Path, int]:
    db = tmp_path_factory.mktemp("store") / "w.db"
    with Store(str(db)) as store:
        result = store.import_responses(examples_dir() / "pmo_responses.csv", load_instrument("pmo-core"))
        chosen = next(a for a in result.assessments
                      if store.assessment(a)["organisation"] == "Vantellis Insurance Group")
    # the sample's targets, context and evidence, kept with each assessment
    applied = runner.invoke(app, ["store", "engagement", str(examples_dir() / "engagement.yaml"), "--db", str(db)])
    assert applied.exit_code == 0, applied.output
    return db, chosen


@pytest.mark.slow
def test_report_from_the_store_matches_the_report_from_the_file(stored, tmp_path):
    db, chosen = stored
    result = runner.invoke(app, ["report", "positioning", "--store", str(db), "--assessment", str(chosen),
                                 "--out", str(tmp_path), "--format", "html,ipynb"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "vantellis-insurance-group-positioning.html").read_text(encoding="utf-8")
    assert "Vantellis Insurance Group" in page and "Strategic" in page  # the sample's designed type
    # the answers (every comment, approved or not) are report input in the user's cache, never in the folder
    # a consultant hands over
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".pmo-workbench")) == [
        "vantellis-insurance-group-positioning.html", "vantellis-insurance-group-positioning.ipynb"]


@pytest.mark.parametrize("args", [
    ["--store", "x.db"],                                 # no assessment
    ["--responses", "r.csv"],                            # no organisation
    ["--store", "x.db", "--assessment", "1", "--responses", "r.csv", "--organisation", "A"],  # both
    [],                                                  # neither
])
def test_report_needs_a_file_or_a_stored_assessment(tmp_path, args):
    result = runner.invoke(app, ["report", "positioning", "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert "--store URL --assessment ID" in result.output


def test_report_names_an_unknown_assessment(stored, tmp_path):
    db, _ = stored
    result = runner.invoke(app, ["report", "positioning", "--store", str(db), "--assessment", "999",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and "999" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_lab_serves_the_workbench_notebook_and_creates_the_store(tmp_path):
    port, db = _free_port(), tmp_path / "lab.db"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    proc = subprocess.Popen([sys.executable, "-m", "pmo_workbench", "lab", "--dir", str(tmp_path / "work"),
                             "--db", str(db), "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as reply:
                    status = json.load(reply)
            except OSError:
                time.sleep(0.5)
        assert status and "version" in status, "JupyterLab did not answer"
        assert (tmp_path / "work" / "assessment_workbench.ipynb").is_file()
        assert db.is_file()  # created (and migrated) before the first form opens
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_score_reads_the_store_as_it_reads_the_file(stored):
    # The whole store against the whole file (Cronbach's alpha pools every respondent given, so the same set).
    db, chosen = stored
    from_store = runner.invoke(app, ["score", "--store", str(db), "--format", "json"])
    assert from_store.exit_code == 0, from_store.output
    from_file = runner.invoke(app, ["score", str(examples_dir() / "pmo_responses.csv"), "--format", "json"])
    by_store, by_file = json.loads(from_store.stdout), json.loads(from_file.stdout)
    # the same targets, from the store rather than from the engagement file beside the responses
    for a in by_file["assessments"]:
        if a["target"] is not None and a["target"]["source"] == "engagement":
            a["target"]["source"] = "store"
    assert by_store == by_file
    one = runner.invoke(app, ["score", "--store", str(db), "--assessment", str(chosen), "--format", "json"])
    assert [a["organisation"] for a in json.loads(one.stdout)["assessments"]] == ["Vantellis Insurance Group"]


@pytest.mark.parametrize("args", [[], ["some.csv", "--store", "x.db"]])
def test_score_needs_a_file_or_a_store(args):
    result = runner.invoke(app, ["score", *args])
    assert result.exit_code == 2 and "--store URL" in result.output


def test_manifest_rows_can_name_a_stored_assessment(stored, tmp_path, monkeypatch):
    from pmo_workbench import reports

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the exports go to the user's cache folder
    db, chosen = stored
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "report,organisation,store,assessment,responses\n"
        f"positioning,Vantellis Insurance Group,{db},{chosen},\n"
        f"positioning,Someone Else,{db},{chosen},\n"
        f"positioning,Vantellis Insurance Group,{db},999,\n"
        f"positioning,Vantellis Insurance Group,{tmp_path / 'none.db'},{chosen},\n"
        f"positioning,Vantellis Insurance Group,{db},,\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        reports.read_manifest(manifest, allowed=(Path(db).parent,))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(3, "organisation"), (4, "assessment"), (5, "store"), (6, "assessment")}
    manifest.write_text("report,organisation,store,assessment\n"
                        f"positioning,Vantellis Insurance Group,{db},{chosen}\n", encoding="utf-8")
    first = reports.read_manifest(manifest, allowed=(Path(db).parent,))[0]
    exported = Path(first.parameters["responses"])
    stamp = exported.stat().st_mtime_ns
    # Unchanged answers: the same file, untouched, so a batch skips it.
    again = reports.read_manifest(manifest, allowed=(Path(db).parent,))[0]
    assert again.parameters["responses"] == str(exported) and exported.stat().st_mtime_ns == stamp
    with Store(str(db)) as store:
        back = read_responses(exported, load_instrument("pmo-core"))
        stored_rows = back[back["value"].notna() | back["dont_know"] | back["comment"].ne("")].reset_index(drop=True)
        pd.testing.assert_frame_equal(store.responses(chosen), stored_rows)


# -- custom instruments from the store, and the lab's database --------------------------------------

def _custom_store(tmp_path: Path) -> tuple[Path, Path, int]:
    """A store with one assessment of pmo-core under another id (a custom instrument), one answer."""
    from pmo_workbench.assessment.instrument import builtin_instruments

    yaml = tmp_path / "custom.yaml"
    yaml.write_text(builtin_instruments()["pmo-core"].read_text(encoding="utf-8")
                    .replace("id: pmo-core", "id: acme-custom"), encoding="utf-8")
    db = tmp_path / "custom.db"
    with Store(str(db)) as store:
        aid = store.create_assessment("Acme", "PMO", load_instrument(yaml))
        store.save_answer(store.add_respondent(aid, "executive"), "MAN1", 4)
    return db, yaml, aid


def test_report_from_the_store_exports_a_custom_instrument(tmp_path):
    from pmo_workbench.store.files import report_input

    db, yaml, aid = _custom_store(tmp_path)
    with Store(str(db)) as store:
        given = report_input(store, aid, tmp_path / "out", instrument=str(yaml))
    assert (given.organisation, given.pmo, given.instrument) == ("Acme", "PMO", str(yaml.resolve()))
    back = read_responses(given.responses, load_instrument(yaml)).dropna(subset=["value"])  # every item, one answered
    assert back[["item", "value"]].values.tolist() == [["MAN1", 4.0]]
    result = runner.invoke(app, ["report", "positioning", "--store", str(db), "--assessment", str(aid),
                                 "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2
    assert "uses instrument acme-custom 2.0; give that instrument's YAML file" in result.output


def test_one_rule_names_a_stored_assessments_instrument(tmp_path, core):
    from pmo_workbench.errors import StoreError
    from pmo_workbench.store.files import report_input

    db, yaml, aid = _custom_store(tmp_path)
    custom = load_instrument(yaml)
    with Store(str(db)) as store:
        builtin = store.create_assessment("Beta", "PMO", core)
        store.save_answer(store.add_respondent(builtin, "executive"), "MAN2", 5)
        # A built-in instrument is named by its id, whatever was given.
        assert report_input(store, builtin, tmp_path / "a").instrument == "pmo-core"
        assert report_input(store, builtin, tmp_path / "b", instrument=core).instrument == "pmo-core"
        # A custom one given as an object (the workbench) is written beside the answers as YAML.
        given = report_input(store, aid, tmp_path / "c", instrument=custom)
        assert given.instrument == str(tmp_path / "c" / f"assessment-{aid}-instrument.yaml")
        assert load_instrument(given.instrument) == custom
        # Not given, or another one: refused, naming the instrument the assessment uses.
        for wrong in (None, core):
            with pytest.raises(StoreError, match="uses instrument acme-custom 2.0"):
                report_input(store, aid, tmp_path / "d", instrument=wrong)


def test_manifest_rows_of_a_custom_instrument(tmp_path, monkeypatch):
    from pmo_workbench.reports.manifest import read_manifest

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    db, yaml, aid = _custom_store(tmp_path)
    manifest = tmp_path / "m.csv"
    manifest.write_text("report,organisation,store,assessment,instrument\n"
                        f"positioning,Acme,{db},{aid},{yaml}\n"
                        f"positioning,Acme,{db},{aid},pmo-core\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    # Row 2 is fine; row 3 names the wrong instrument: a problem of its instrument cell, not a crash.
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "instrument")]
    assert "acme-custom" in caught.value.problems[0].message
    manifest.write_text("report,organisation,store,assessment,instrument\n"
                        f"positioning,Acme,{db},{aid},{yaml}\n", encoding="utf-8")
    (spec,) = read_manifest(manifest)
    exported = read_responses(spec.parameters["responses"], load_instrument(yaml))
    assert exported.dropna(subset=["value"])[["item", "value"]].values.tolist() == [["MAN1", 4.0]]


def test_lab_gives_the_kernel_the_database_it_announces(tmp_path, monkeypatch):
    import subprocess as sp

    seen = {}

    def fake_call(command, cwd, env):
        seen.update(cwd=cwd, db=env["PMO_WORKBENCH_DB"])
        return 0

    monkeypatch.setattr(sp, "call", fake_call)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["lab", "--dir", "work", "--db", "rel.db", "--no-browser"])
    assert result.exit_code == 0, result.output
    # The kernel runs in work/, so "rel.db" there would be another file: it gets the absolute URL.
    assert seen == {"cwd": Path("work"), "db": f"sqlite:///{tmp_path.resolve() / 'rel.db'}"}
    assert f"answers are saved to sqlite:///{tmp_path.resolve() / 'rel.db'}" in result.stderr


def test_a_stored_wave_report_is_named_with_its_wave(tmp_path, monkeypatch):
    db = tmp_path / "w.db"
    with Store(str(db)) as store:
        older, newer = store.import_responses(examples_dir() / "waves" / "responses.csv",
                                              load_instrument("pmo-core")).assessments
    made = []
    monkeypatch.setattr("pmo_workbench.cli.reports.run_reports", lambda specs, *a, **k: made.extend(specs))
    for aid in (newer, older):
        result = runner.invoke(app, ["report", "positioning", "--store", str(db), "--assessment", str(aid),
                                     "--out", str(tmp_path / "out"), "-f", "html"])
        assert result.exit_code == 0, result.output
    # two waves of one PMO: two files, never one overwriting the other
    assert [(s.name, s.parameters["wave"]) for s in made] == [
        ("harrowmoor-water-services-capital-programmes-pmo-2026-positioning", "2026"),
        ("harrowmoor-water-services-capital-programmes-pmo-2025-positioning", "2025")]
    result = runner.invoke(app, ["report", "positioning", "--store", str(db), "--assessment", str(newer),
                                 "--wave", "2025", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (f"assessment {newer} is wave '2026', not '2025' (the PMO's waves: 2025 = assessment {older}, "
            f"2026 = assessment {newer})") in result.output
