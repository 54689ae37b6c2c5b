"""The client-level edit of an engagement file: schema, located problems, comment ids and redaction."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from pmo_workbench.assessment.deliverable import answer_comments, comment_id, default_fieldwork, redact
from pmo_workbench.assessment.engagement import engagement_inputs, load_engagement
from pmo_workbench.assessment.recommendations import library_for
from pmo_workbench.errors import InputValidationError
from tests.helpers import answers

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _file(tmp_path, text, name="engagement.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _frame():
    """Org's answers: PMO P with two comments (one given twice), dated 3 and 9 March 2026."""
    frame = answers([("r1", "executive", "G1", 4), ("r2", "project_manager", "G1", 3),
                     ("r3", "pmo_staff", "S1", 2)], pmo="P")
    frame["comment"] = ["In the three years I've been here: \"nothing\" # changed", "Too slow.", None]
    frame["assessed_on"] = [dt.date(2026, 3, 9), dt.date(2026, 3, 3), None]
    return frame


def _check(tmp_path, core, text, frame=None):
    frame = _frame() if frame is None else frame
    path = _file(tmp_path, text)
    return engagement_inputs(tmp_path / "answers.csv", frame, core, engagement=path)[0]


def test_comment_ids_are_stable_and_short():
    first = comment_id("Org", "P", "G1", "Too slow.")
    assert first == comment_id("Org", "P", "G1", "  Too slow.  ")  # surrounding spaces do not count
    assert first != comment_id("Org", "P", "G2", "Too slow.")
    assert first.startswith("c-") and len(first) == 10 and int(first[2:], 16) >= 0


def test_answer_comments_and_fieldwork_come_from_the_answers():
    frame = _frame()
    found = answer_comments(frame, "Org")
    assert [(c.pmo, c.item, c.role, c.text) for c in found.values()] == [
        ("P", "G1", "executive", "In the three years I've been here: \"nothing\" # changed"),
        ("P", "G1", "project_manager", "Too slow."),
    ]
    assert default_fieldwork(frame, "Org") == (dt.date(2026, 3, 3), dt.date(2026, 3, 9))
    assert default_fieldwork(frame, "Elsewhere") is None


@pytest.mark.parametrize(("text", "replacements", "expected"), [
    ("In the three years I've been here", {"three years": "some years"}, "In the some years I've been here"),
    ("Years, years and YEARS", {"years": "time"}, "time, time and time"),           # every occurrence, any case
    ("yearsly years", {"years": "time"}, "yearsly time"),                           # whole phrase only
    ("the CFO and the cfo's team", {"CFO": "[a director]"}, "the [a director] and the [a director]'s team"),
    ("three  years", {"three years": "x", "years": "y"}, "x"),                      # longer phrase first
])
def test_redaction(text, replacements, expected):
    assert redact(text, replacements) == expected


def test_a_full_client_edit_is_read(tmp_path, core):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "client.png").write_bytes(PNG)
    step = library_for(core).recommendations[0].id
    comment = comment_id("Org", "P", "G1", "Too slow.")
    engagement = _check(tmp_path, core, f"""\
        organisation: Org
        client: Org Ltd
        client_logo: logos/client.png
        consultancy: Northgate
        prepared_for: "Chief Executive, Org"
        fieldwork: {{start: 2026-03-02, end: 2026-03-20}}
        framework: prince2
        language: en
        locale: en-US
        key_messages: [One., Two., Three.]
        recommendations: {{exclude: [{step}], cap: 8}}
        comments:
          - {{id: {comment}, pmo: P, item: G1, text: "Too slow.", approved: true, redact: {{slow: late}}}}
        version: 1.10  # as written, not the number 1.1
        draft: true
        pmos:
          - pmo: P
            target: supportive
            recommendations: {{add: [{step}], cap: 3}}
        """)
    assert engagement.client_name == "Org Ltd"
    assert (engagement.fieldwork.start, engagement.fieldwork.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 20))
    assert (engagement.framework, engagement.locale, engagement.version, engagement.draft) == (
        "prince2", "en_US", "1.10", True)
    assert engagement.confidentiality == "Confidential"
    assert engagement.pmos[0].organisation == "Org"  # taken from the file's organisation
    assert engagement.recommendations.exclude == (step,)
    assert engagement.recommendations_for("Org", "P").cap == 3  # the entry's choice wins
    assert [c.shown for c in engagement.approved_comments()] == ["Too late."]


# Each case: the file's lines, the (line, column) of the problem and words of its message.
BAD = [
    ("organisation: Org\nbogus: 1\n", (2, 8), "bogus: Extra inputs are not permitted"),
    ("organisation: Org\nkey_messages: [One, Two]\n", (2, 15), "at least 3 items"),
    ("organisation: Org\nkey_messages: [a, b, c, d, e, f]\n", (2, 15), "at most 5 items"),
    ("organisation: Org\nkey_messages: [a, b, '  ']\n", (2, 22), "at least 1 character"),
    (f"organisation: Org\nkey_messages: [a, b, {'x' * 241}]\n", (2, 22), "at most 240 characters"),
    (f"organisation: Org\nconfidentiality: {'x' * 201}\n", (2, 18), "at most 200 characters"),
    (f"organisation: Org\nprepared_for: {'x' * 121}\n", (2, 15), "at most 120 characters"),
    ("organisation: Org\nfieldwork: {start: 2026-02-30, end: 2026-03-01}\n", (2, 20), "'2026-02-30' is not a real"),
    ("organisation: Org\nfieldwork: {start: [2026-03-01], end: 2026-03-02}\n", (2, 20),
     "'[2026-03-01]' is not a date"),
    ("organisation: Org\nfieldwork: {start: 2026-03-01T25:00:00, end: 2026-03-02}\n", (2, 20),
     "start: '2026-03-01T25:00:00' is not a date; expected"),
    ("organisation: Org\nfieldwork: {start: 20260301, end: 2026-03-02}\n", (2, 20), "'20260301' is a number"),
    ("organisation: Org\nfieldwork: {start: 2026-03-20, end: 2026-03-01}\n", (2, 12),
     "end 2026-03-01 is before start 2026-03-20"),
    ("organisation: Org\nrecommendations: {exclude: [NOPE-1]}\n", (2, 28), "unknown step id(s) 'NOPE-1'"),
    ("organisation: Org\nrecommendations: {exclude: [MAN-charter], add: [MAN-charter]}\n", (2, 18),
     "'MAN-charter' both excluded and added"),
    ("organisation: Org\nrecommendations: {cap: true}\n", (2, 24), "valid integer"),
    ("organisation: Org\nclient_logo: fake.png\n", (2, 14), "not an image"),
    ("organisation: Org\nrecommendations: {cap: 21}\n", (2, 24), "less than or equal to 20"),
    ("organisation: Org\ncomments:\n  - {id: c-00000000, pmo: P, item: G1, text: x}\n", (3, 5),
     "no comment c-00000000 in the answers"),
    ("organisation: Org\nclient_logo: ../logo.png\n", (2, 14), "outside the engagement file's folder"),
    ("organisation: Org\nclient_logo: missing.png\n", (2, 14), "does not exist"),
    ("organisation: Org\nlanguage: fr\n", (2, 11), "'fr' is not a language the reports are written in"),
    ("organisation: Org\nlocale: xx_YY\n", (2, 9), "not a locale Babel knows"),
    ("organisation: Org\nlocale: fr_FR\n", (2, 9), "the locale must be one of those languages"),
    ("organisation: Org\nframework: scrum\n", (2, 12), "'pmbok', 'prince2' or 'agile'"),
    ("client: Org Ltd\n", (1, 9), "need 'organisation'"),
    ("organisation: Orgg\n", (1, 15), "no organisation 'Orgg' in the answers; did you mean 'Org'?"),
    ("organisation: Org\npmos:\n  - {organisation: Other, pmo: P}\n", (3, 20), "not the file's organisation 'Org'"),
]


@pytest.mark.parametrize(("text", "where", "words"), BAD)
def test_bad_client_edits_are_located(tmp_path, core, text, where, words):
    (tmp_path / "fake.png").write_text("not a picture", encoding="utf-8")  # an image by its name only
    with pytest.raises(InputValidationError) as caught:
        _check(tmp_path, core, text)
    problems = [p for p in caught.value.problems if words in p.message]
    assert len(problems) == 1, caught.value.problems
    assert (problems[0].row, problems[0].column) == where
    assert problems[0].path == str(tmp_path / "engagement.yaml")


def test_comment_problems_are_located(tmp_path, core):
    real = "In the three years I've been here: \"nothing\" # changed"
    known = comment_id("Org", "P", "G1", real)
    other = comment_id("Org", "P", "G1", "Too slow.")
    with pytest.raises(InputValidationError) as caught:
        _check(tmp_path, core, f"""\
            organisation: Org
            comments:
              - {{id: {known}, pmo: P, item: G1, text: "In the two years I've been here", approved: true}}
              - {{id: {other}, pmo: P, item: G1, text: "Too slow.", redact: {{fast: quick}}}}
              - {{id: {other}, pmo: P, item: S1, text: "Too slow."}}
            """)
    found = {p.row: p.message for p in caught.value.problems}
    assert sorted(found) == [3, 4, 5]
    assert f"the text of comment {known} differs from the answers" in found[3]
    assert "comments.1.redact: 'fast' not found in the comment text (whole phrase, any case)" == found[4]
    assert f"comment {other} is on item G1 of PMO 'P' in the answers, not item S1 of 'P'" in found[5]


def test_the_sample_engagement_file_of_several_organisations_stays_valid(core):
    from pmo_workbench.resources import examples_dir

    engagement = load_engagement(examples_dir() / "engagement.yaml", core)
    assert engagement.organisation is None and len(engagement.pmos) == 8
    assert engagement.client_name is None and engagement.comments == ()
