"""``pmo-workbench engagement init`` and ``engagement check``: exit codes, no overwrite, awkward text kept."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from pmo_workbench.assessment.deliverable import comment_id
from pmo_workbench.assessment.engagement import load_engagement
from pmo_workbench.cli import app
from tests.helpers import write_csv

runner = CliRunner()

AWKWARD = 'He said: "no" # twice,\nthen left; it\'s {odd}: [really] & <b>bold</b>'


def _responses(tmp_path):
    """Org's answers on pmo-core: two PMOs; one comment of every awkward kind, one plain; dated answers."""
    text = ("organisation,pmo,respondent,role,item,value,assessed_on,comment\n"
            f'Org,P,r1,executive,MAN1,4,2026-03-09,"{AWKWARD.replace(chr(34), chr(34) * 2)}"\n'
            "Org,P,r1,executive,MAN2,3,2026-03-09,\n"
            "Org,Q,r2,pmo_staff,MAN1,2,2026-03-02,Too slow.\n"
            "Other,X,r3,pmo_staff,MAN1,2,2026-03-02,\n")
    return write_csv(tmp_path / "answers.csv", text)


def test_init_writes_a_starter_that_checks_and_keeps_awkward_comments(tmp_path, core):
    responses = _responses(tmp_path)
    out = tmp_path / "eng" / "org-engagement.yaml"
    result = runner.invoke(app, ["engagement", "init", "--responses", str(responses), "--organisation", "Org",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["organisation"] == data["client"] == "Org"
    assert str(data["fieldwork"]["start"]) == "2026-03-02" and str(data["fieldwork"]["end"]) == "2026-03-09"
    assert [c["text"] for c in data["comments"]] == [AWKWARD, "Too slow."]  # read back exactly
    assert [c["id"] for c in data["comments"]] == [comment_id("Org", "P", "MAN1", AWKWARD),
                                                   comment_id("Org", "Q", "MAN1", "Too slow.")]
    assert not any(c["approved"] for c in data["comments"])
    assert [p["pmo"] for p in data["pmos"]] == ["P", "Q"]
    text = out.read_text(encoding="utf-8")
    assert "# target: TYPE  # one of: supportive, controlling, strategic" in text
    assert "#   charter: {answer: \"no\", note: \"\"}" in text and "#   pmo_age_years:" in text
    assert "#   pmo-workbench engagement check org-engagement.yaml --responses" in text  # the file as named
    assert "never send it to the client" in text  # it holds every comment and its author's role
    assert "# an executive's comment" in text and "# a PMO staff's comment" in text
    checked = runner.invoke(app, ["engagement", "check", str(out), "--responses", str(responses)])
    assert checked.exit_code == 0 and checked.stdout.strip() == f"{out}: OK"
    # approving the awkward comment with a redaction reads back redacted
    out.write_text(text.replace("approved: false", "approved: true", 1).replace(
        "redact: {}", 'redact: {"said": "wrote"}', 1), encoding="utf-8")
    engagement = load_engagement(out, core)
    assert engagement.approved_comments()[0].shown == AWKWARD.replace("said", "wrote")


def test_init_refuses_to_overwrite_unless_forced(tmp_path):
    responses = _responses(tmp_path)
    out = tmp_path / "engagement.yaml"
    out.write_text("kept", encoding="utf-8")
    args = ["engagement", "init", "-r", str(responses), "-o", "Org", "--out", str(out)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "exists; give --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "kept"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# The engagement file of Org")


def test_init_names_the_organisation_it_probably_meant(tmp_path):
    result = runner.invoke(app, ["engagement", "init", "-r", str(_responses(tmp_path)), "-o", "Orgg",
                                 "--out", str(tmp_path / "e.yaml")])
    assert result.exit_code == 2 and "no organisation 'Orgg' in the answers; did you mean 'Org'?" in result.stderr
    assert not (tmp_path / "e.yaml").exists()


def test_check_prints_every_problem_located_and_exits_2(tmp_path):
    responses = _responses(tmp_path)
    path = tmp_path / "engagement.yaml"
    path.write_text("organisation: Org\nlanguage: fr\nkey_messages: [a, b]\n", encoding="utf-8")
    result = runner.invoke(app, ["engagement", "check", str(path), "--responses", str(responses)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:2:11: language: 'fr' is not a language the reports are written in; "
                               "expected one of en, de")
    assert lines[1].startswith(f"{path}:3:15: key_messages: Tuple should have at least 3 items")
    assert "Traceback" not in result.output
