"""The store keeps an organisation's engagement (the client-level edit) and hands it to its reports."""

from __future__ import annotations

import textwrap

import sqlalchemy as sa
import yaml
from alembic import command
from typer.testing import CliRunner

from pmo_workbench.assessment.deliverable import comment_id
from pmo_workbench.assessment.engagement import load_engagement
from pmo_workbench.cli import app
from pmo_workbench.store import Store, alembic_config
from pmo_workbench.store.files import report_input
from tests.assessment.test_deliverable import PNG

runner = CliRunner()


def _engagement(folder, core):
    (folder / "logos").mkdir()
    (folder / "logos" / "client.png").write_bytes(PNG)
    path = folder / "engagement.yaml"
    path.write_text(textwrap.dedent(f"""\
        organisation: Org
        client: Org Ltd
        client_logo: logos/client.png
        prepared_for: "Chief Executive, Org"
        fieldwork: {{start: 2026-03-02, end: 2026-03-20}}
        framework: agile
        key_messages: [One., Two., Three.]
        comments:
          - {{id: {comment_id("Org", "P", "MAN1", "Too slow.")}, pmo: P, item: MAN1, text: "Too slow.",
             approved: true, redact: {{slow: late}}}}
          - {{id: {comment_id("Org", "Q", "MAN1", "Fine.")}, pmo: Q, item: MAN1, text: "Fine."}}
        version: "0.2"
        draft: true
        pmos:
          - {{pmo: P, target: supportive, recommendations: {{cap: 3}}}}
        """), encoding="utf-8")
    return path, load_engagement(path, core)


def test_the_client_edit_round_trips_through_the_store(tmp_path, core):
    path, engagement = _engagement(tmp_path, core)
    with Store(tmp_path / "w.db") as store:
        p = store.create_assessment("Org", "P", core)
        store.create_assessment("Org", "Q", core)
        rid = store.add_respondent(p, "executive")
        store.save_answers(rid, {"MAN1": (2, "Too slow.")})
        assert store.client_engagement("Org") is None
        store.set_client_engagement(engagement, base=tmp_path)
        store.set_engagement(p, engagement.pmos[0])
        kept = store.client_engagement("Org")
        assert kept["client"] == "Org Ltd" and kept["key_messages"] == ["One.", "Two.", "Three."]
        assert kept["client_logo"] == str((tmp_path / "logos" / "client.png").resolve())
        assert kept["pmo_recommendations"] == {"P": {"exclude": [], "add": [], "cap": 3}}
        assert "language" not in kept  # only what the file said is kept; defaults stay defaults
        # The report input of P: its entry, the client edit with P's comments only and the logo copied beside.
        given = report_input(store, p, tmp_path / "export")
    text = given.engagement.read_text(encoding="utf-8")
    assert (tmp_path / "export" / "assessment-1-client-logo.png").read_bytes() == PNG
    document = yaml.safe_load(text)
    assert document["client_logo"] == "assessment-1-client-logo.png"
    assert [c["pmo"] for c in document["comments"]] == ["P"]
    back = load_engagement(given.engagement, core)
    assert (back.client_name, back.version, back.draft, back.framework) == ("Org Ltd", "0.2", True, "agile")
    assert back.recommendations_for("Org", "P").cap == 3 and back.for_pmo("Org", "P").target == "supportive"
    assert [c.shown for c in back.approved_comments()] == ["Too late."]


def test_store_engagement_commands_import_and_export(tmp_path, core):
    path, _ = _engagement(tmp_path, core)
    db = tmp_path / "w.db"
    with Store(db) as store:
        store.create_assessment("Org", "P", core)
    result = runner.invoke(app, ["store", "engagement", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Org: client-level edit kept" in result.stdout
    out = tmp_path / "out" / "back.yaml"
    result = runner.invoke(app, ["store", "engagement-export", "--organisation", "Org", "--out", str(out),
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    back = load_engagement(out, core)
    assert back.client_name == "Org Ltd" and back.client_logo == "back-client-logo.png"
    assert back.for_pmo("Org", "P").target == "supportive" and back.recommendations_for("Org", "P").cap == 3
    again = runner.invoke(app, ["store", "engagement-export", "--organisation", "Org", "--out", str(out),
                                "--db", str(db)])
    assert again.exit_code == 2 and "exists; give --force" in again.stderr


def test_migration_0005_adds_and_removes_the_column(db_url, core):
    url = db_url
    with Store(url) as store:
        store.create_assessment("Org", "P", core)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0004")
            assert "engagement" not in {c["name"] for c in sa.inspect(conn).get_columns("organisations")}
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    finally:
        engine.dispose()
    with Store(url) as store:
        assert store.client_engagement("Org") is None and len(store.assessments()) == 1
