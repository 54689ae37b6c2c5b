"""``pmo-workbench benchmark``: adding, listing, removing, exporting and importing pool entries, and what never
reaches a pool (anonymity)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.resources import examples_dir

SAMPLE = examples_dir() / "pmo_responses.csv"
runner = CliRunner()

# What a client's assessment holds that must never reach a pool: names, respondent labels, comments, notes.
SECRETS = ("Zorblax Holdings", "Quuxwell Office", "RSPFROB", "Glimmerwick remark", "Snarfle evidence note",
           "Brindlecomb")


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


@pytest.fixture(autouse=True)
def _no_pool_from_the_environment(monkeypatch):
    monkeypatch.delenv("PMO_WORKBENCH_BENCHMARK", raising=False)


@pytest.fixture
def distinctive(tmp_path):
    """One PMO's answers (the sample's Quillmere Events: 7 respondents, 441 answers) under distinctive names, with
    comments, and an engagement file with an evidence note and a context answer."""
    answers = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    answers = answers[answers["organisation"] == "Quillmere Events"].assign(
        organisation=SECRETS[0], pmo=SECRETS[1], pmo_level="enterprise")
    answers["respondent"] = answers["respondent"].str.replace("QME", SECRETS[2])
    answers["comment"] = [f"{SECRETS[3]} {n}" if n % 7 == 0 else "" for n in range(len(answers))]
    path = tmp_path / "answers.csv"
    answers.to_csv(path, index=False)
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text(f"""pmos:
  - organisation: "{SECRETS[0]}"
    pmo: "{SECRETS[1]}"
    target: strategic
    context: {{sector: "public sector", reporting_line: "other", pmo_age_years: 3}}
    evidence:
      charter: {{answer: "partly", note: "{SECRETS[4]}"}}
""", encoding="utf-8")
    return path, engagement


def _every_value(url: str, prefix: str = "") -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t.startswith(prefix)]
            cells = [str(v) for t in tables for row in conn.execute(sa.text(f'SELECT * FROM "{t}"')) for v in row]
    finally:
        engine.dispose()
    return "\n".join([*tables, *cells]).casefold()


def test_no_name_respondent_or_comment_reaches_a_pool_or_its_export(distinctive, tmp_path):
    answers, engagement = distinctive
    pool = tmp_path / "pool.db"
    done = run("benchmark", "add", "--pool", pool, "--responses", answers, "--organisation", SECRETS[0],
               "--engagement", engagement, "--region", "Lower Vale", "--size", "120")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.count(" added: enterprise, 2026, ") == 1
    exported = tmp_path / "pool.csv"
    assert run("benchmark", "export", "--pool", pool, exported).exit_code == 0
    stored, written = _every_value(f"sqlite:///{pool}"), exported.read_text(encoding="utf-8").casefold()
    for secret in SECRETS:
        assert secret.casefold() not in stored and secret.casefold() not in written, secret
    row = pd.read_csv(exported).iloc[0]
    assert (row["sector"], row["size"], row["region"], row["pmo_level"], row["target"], row["respondents"]) == (
        "public sector", "medium", "Lower Vale", "enterprise", "strategic", 7)  # 7 distinct respondents


def test_an_assessment_from_the_store_goes_to_the_pool_tables_beside_it_without_names(distinctive, tmp_path):
    answers, _ = distinctive
    store = tmp_path / "store.db"
    assert run("store", "import", answers, "--db", store).exit_code == 0
    still_open = run("benchmark", "add", "--store", store, "--assessment", 1, "--year", 2025)
    assert still_open.exit_code == 2
    assert f"assessment 1 ({SECRETS[0]} / {SECRETS[1]}, wave 2026) is open" in still_open.stderr
    assert run("store", "close", 1, "--db", store).exit_code == 0
    done = run("benchmark", "add", "--store", store, "--assessment", 1, "--year", 2025, "--sector", "public")
    assert done.exit_code == 0, done.stderr
    again = run("benchmark", "add", "--store", store, "--assessment", 1, "--year", 2025, "--sector", "public")
    assert " unchanged: " in again.stdout  # the same assessment twice is one entry
    pool_values = _every_value(f"sqlite:///{store}", prefix="benchmark_")
    for secret in SECRETS:
        assert secret.casefold() not in pool_values, secret
    assert SECRETS[0].casefold() in _every_value(f"sqlite:///{store}")  # the store itself keeps its names
    listed = run("benchmark", "list", "--store", store)
    assert "1 entry" in listed.stdout and "public sector" in listed.stdout and "By level: enterprise 1" in listed.stdout


def test_export_import_merges_pools_and_importing_twice_changes_nothing(tmp_path):
    a, b, file = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "a.csv"
    added = run("benchmark", "add", "--pool", a, "--responses", SAMPLE, "--organisation", "Korrin Regional Council")
    assert added.exit_code == 0 and added.stdout.count(" added: ") == 2  # two PMOs, two entries
    assert run("benchmark", "export", "--pool", a, file).stdout.strip() == str(file)
    first = run("benchmark", "import", file, "--pool", b)
    assert first.exit_code == 0 and "2 entries added, 0 unchanged" in first.stdout
    assert "0 entries added, 2 unchanged" in run("benchmark", "import", file, "--pool", b).stdout
    ids = pd.read_csv(file)["entry_id"].tolist()
    removed = run("benchmark", "remove", ids[0], "--pool", b)
    assert removed.exit_code == 0 and "1 entry removed" in removed.stdout
    assert ids[0] not in run("benchmark", "list", "--pool", b).stdout


@pytest.mark.parametrize(("args", "message"), [
    (("list",), "error: name the benchmark pool: --pool URL (or a SQLite file), $PMO_WORKBENCH_BENCHMARK"),
    (("list", "--pool", "{tmp}/none.db"), "error: no benchmark pool at"),
    (("remove", "0" * 32, "--pool", "{tmp}/p.db"), "error: the pool holds no entry 00000000000000000000000000000000"),
    (("add", "--pool", "{tmp}/p.db", "--responses", SAMPLE), "give --store URL --assessment ID, or --responses"),
    (("add", "--pool", "{tmp}/p.db", "--responses", SAMPLE, "--organisation", "Quillmere Events", "--size", "huge"),
     "error: --size 'huge' is not one of micro, small, medium, large nor a headcount"),
    (("add", "--pool", "{tmp}/p.db", "--responses", SAMPLE, "--organisation", "Quillmere Events", "--sector", "x"),
     "error: --sector: sector 'x' is not one of: public sector,"),
    (("add", "--pool", "{tmp}/p.db", "--responses", SAMPLE, "--organisation", "Quillmere Events", "--region",
      "Jane Doe\x1b[31m"), "error: --region holds a control character"),
    (("add", "--pool", "{tmp}/p.db", "--responses", SAMPLE, "--organisation", "Quillmere Events", "--region",
      "R" * 61), "error: --region is longer than 60 characters"),
    (("import", SAMPLE, "--pool", "{tmp}/p.db"), f"{SAMPLE}:1:-: this is not a benchmark pool"),
    (("export", "{tmp}/out.xlsx", "--pool", "{tmp}/p.db"), "give a .csv file name"),
])
def test_bad_use_exits_2_with_a_message(tmp_path, args, message):
    run("benchmark", "add", "--pool", tmp_path / "p.db", "--responses", SAMPLE, "--organisation", "Quillmere Events")
    result = run("benchmark", *(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("--benchmark", SAMPLE), "this is not a benchmark pool (it looks like a responses file); add an organisation's "
                              "assessment to a pool with `pmo-workbench benchmark add --responses FILE"),
    (("--benchmark", examples_dir() / "benchmark_pool.csv", "--peers", "colour=red"), "unknown key 'colour'"),
    (("--peers", "all"), "give --benchmark POOL too"),
    (("--benchmark", "{tmp}/none.db"), "no such file"),
])
def test_report_positioning_refuses_a_bad_benchmark_before_anything_runs(tmp_path, args, message):
    result = run("report", "positioning", "--responses", SAMPLE, "--organisation", "Quillmere Events",
                 "--out", tmp_path / "out", *(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_list_shows_an_imported_pool_s_text_as_written_never_as_markup(tmp_path):
    pool = pd.read_csv(examples_dir() / "benchmark_pool.csv", dtype=str, keep_default_na=False).head(1)
    pool["region"] = "[bold red]North[/bold red]"
    pool.to_csv(tmp_path / "one.csv", index=False)
    assert run("benchmark", "import", tmp_path / "one.csv", "--pool", tmp_path / "p.db").exit_code == 0
    listed = run("benchmark", "list", "--pool", tmp_path / "p.db")
    assert "[bold red]North[/bold red]" in listed.stdout
    assert "1 entry (1 synthetic)" in listed.stdout and "By level: " in listed.stdout


def test_the_same_answers_added_with_another_year_are_the_same_assessment(tmp_path):
    args = ("benchmark", "add", "--pool", tmp_path / "y.db", "--responses", SAMPLE, "--organisation",
            "Aldergate Logistics")
    assert run(*args).exit_code == 0
    again = run(*args, "--year", "2025")
    assert again.exit_code == 2 and "already holds this assessment" in again.stderr


def test_an_earlier_wave_of_a_file_can_be_added(tmp_path):
    waves = examples_dir() / "waves" / "responses.csv"
    org = pd.read_csv(waves)["organisation"].iloc[0]
    labels = list(dict.fromkeys(pd.read_csv(waves, dtype=str)["wave"].dropna()))
    first = run("benchmark", "add", "--pool", tmp_path / "w.db", "--responses", waves, "--organisation", org,
                "--wave", labels[0])
    latest = run("benchmark", "add", "--pool", tmp_path / "w.db", "--responses", waves, "--organisation", org)
    assert first.exit_code == latest.exit_code == 0 and " added: " in first.stdout and " added: " in latest.stdout
