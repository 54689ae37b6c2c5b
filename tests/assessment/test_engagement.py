"""Engagement files: targets, context and evidence per PMO, checked against the instrument."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from pmo_workbench.assessment.engagement import engagement_inputs, load_engagement
from pmo_workbench.assessment.results import assess
from pmo_workbench.errors import InputValidationError
from tests.helpers import TINY_YAML, answers

# The tiny instrument with evidence and context questions, and default targets by PMO level.
ENGAGED_YAML = TINY_YAML + textwrap.dedent("""\
    targets: {project: supportive, enterprise: strategic}
    evidence:
      - {id: charter, text: "A charter is approved.", dimension: gov}
      - {id: tool, text: "One tool holds every project."}
    context:
      - {id: age, text: "Years the PMO has existed", kind: number, unit: years, min: 0, max: 100}
      - {id: line, text: "Reports to", kind: choice, choices: [chief executive, finance director]}
    """)


@pytest.fixture(scope="module")
def engaged(tmp_path_factory):
    from pmo_workbench.assessment.instrument import load_instrument

    path = tmp_path_factory.mktemp("engaged") / "engaged.yaml"
    path.write_text(ENGAGED_YAML, encoding="utf-8")
    return load_instrument(path)


def _file(tmp_path, text, name="engagement.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_an_engagement_file_is_read_with_yaml_booleans_and_shorthand(tmp_path, engaged):
    entries = load_engagement(_file(tmp_path, """\
        pmos:
          - organisation: Org
            pmo: PMO
            target: controlling
            context: {age: 6, line: finance director}
            evidence:
              charter: yes
              tool: {answer: Partly, note: "two tools"}
        """), engaged)
    entry = entries.for_pmo("Org", "PMO")
    assert entry.target == "controlling"
    assert entry.context == {"age": 6, "line": "finance director"}
    assert (entry.evidence["charter"].answer, entry.evidence["tool"].answer, entry.evidence["tool"].note) == (
        "yes", "partly", "two tools")


def test_every_problem_of_an_engagement_file_is_located(tmp_path, engaged):
    path = _file(tmp_path, """\
        pmos:
          - organisation: Org
            pmo: PMO
            target: directive
            context: {age: -1, line: board, size: 3}
            evidence:
              charter: maybe
              audit: "no"
        """)
    with pytest.raises(InputValidationError) as info:
        load_engagement(path, engaged)
    text = "\n".join(str(p) for p in info.value.problems)
    assert f"{path}:4:" in text and "'directive' is not a type of tiny 0.1; expected one of supportive, " \
                                     "controlling, strategic" in text
    assert "age: -1 is outside 0-100" in text
    assert "line: 'board' is not one of the choices (chief executive; finance director)" in text
    assert "unknown context question 'size'" in text
    assert f"{path}:7:" in text and "pmos.0.evidence.charter.answer: Input should be 'yes', 'partly' or 'no'" in text


def test_an_unknown_evidence_question_is_refused(tmp_path, engaged):
    with pytest.raises(InputValidationError, match=r"unknown evidence questions \['audit'\]"):
        load_engagement(_file(tmp_path, "pmos:\n  - {organisation: Org, pmo: PMO, evidence: {audit: 'no'}}\n"),
                        engaged)


def test_a_pmo_given_twice_is_refused(tmp_path, engaged):
    with pytest.raises(InputValidationError, match=r"PMO 'PMO' of 'Org' is given twice \(first in entry 0\)"):
        load_engagement(_file(tmp_path, "pmos:\n  - {organisation: Org, pmo: PMO}\n"
                                        "  - {organisation: Org, pmo: PMO}\n"), engaged)


def test_an_entry_naming_an_unknown_pmo_of_an_answered_organisation_is_refused(tmp_path, engaged):
    frame = answers([("R1", "executive", "G1", 4)])
    path = _file(tmp_path, "pmos:\n  - {organisation: Org, pmo: Delivery Office, target: strategic}\n")
    with pytest.raises(InputValidationError) as info:
        engagement_inputs(tmp_path / "responses.csv", frame, engaged)
    assert str(info.value.problems[0]) == (
        f"{path}:2:30: pmos.0.pmo: organisation 'Org' has no PMO 'Delivery Office' in the answers; it has 'PMO'")


def test_every_entry_problem_is_reported_at_once_with_close_matches(tmp_path, engaged):
    frame = pd.concat([answers([("R1", "executive", "G1", 4)]),
                       answers([("R2", "executive", "G1", 4)], organisation="Aldergate Logistics",
                               pmo="Logistics PMO")], ignore_index=True)
    path = _file(tmp_path, """\
        pmos:
          - {organisation: Aldergate Logistics, pmo: Logistics PMO, target: controlling}
          - {organisation: Aldergate Logistics, pmo: Logistics PMO, target: strategic}
          - {organisation: Aldergate Logistics, pmo: Logistics  pmo}
          - {organisation: aldergate logistic, pmo: Logistics PMO}
          - {organisation: Nobody Ltd, pmo: X}
        """)
    with pytest.raises(InputValidationError) as info:
        engagement_inputs(tmp_path / "responses.csv", frame, engaged)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3:46: pmos.1.pmo: PMO 'Logistics PMO' of 'Aldergate Logistics' is given twice (first in entry 0)",
        f"{path}:4:46: pmos.2.pmo: organisation 'Aldergate Logistics' has no PMO 'Logistics  pmo' in the answers; "
        "did you mean 'Logistics PMO'?",
        f"{path}:5:20: pmos.3.organisation: no organisation 'aldergate logistic' in the answers; did you mean "
        "'Aldergate Logistics'?",
    ]  # Nobody Ltd is unlike any answered organisation: an entry for other answers, left alone


def _typed(frame, instrument, **kwargs):
    return assess(frame, instrument, **kwargs).assessments[0].type


def test_a_target_from_each_source_with_the_strongest_winning(tmp_path, engaged):
    frame = answers([("R1", "executive", "G1", 4)])
    frame["pmo_level"] = "enterprise"
    # the instrument's default for the PMO's level
    target = _typed(frame, engaged).target
    assert (target.id, target.source) == ("strategic", "instrument")
    # the engagement file beside the responses wins over the default
    _file(tmp_path, "pmos:\n  - {organisation: Org, pmo: PMO, target: supportive}\n")
    entries, found, chosen = engagement_inputs(tmp_path / "responses.csv", frame, engaged)
    assert found == tmp_path / "engagement.yaml" and chosen is None
    target = _typed(frame, engaged, engagement=entries).target
    assert (target.id, target.source) == ("supportive", "engagement")
    # a --targets file (or a manifest column, or the store) wins over the engagement file
    targets = _file(tmp_path, "pmos:\n  - {organisation: Org, pmo: PMO, target: controlling}\n", "targets.yaml")
    for source in ("option", "manifest", "store"):
        entries, _, chosen = engagement_inputs(tmp_path / "responses.csv", frame, engaged, targets=targets,
                                               targets_source=source)
        target = _typed(frame, engaged, engagement=entries, targets=chosen).target
        assert (target.id, target.source) == ("controlling", source)


def test_without_a_level_or_a_target_there_is_none(engaged):
    frame = answers([("R1", "executive", "G1", 4)])
    assert _typed(frame, engaged).target is None


def test_entries_about_other_answers_are_not_checked_against_this_instrument(tmp_path, engaged, tiny):
    # An engagement file shared by this year's assessment (another instrument, with evidence) and last year's
    # answers of Org scored with the tiny instrument: the other organisation's entry is not Org's business.
    frame = answers([("R1", "executive", "G1", 4)])
    _file(tmp_path, "pmos:\n  - {organisation: Newco, pmo: EPMO, evidence: {charter: 'yes'}}\n")
    entries, _, _ = engagement_inputs(tmp_path / "responses.csv", frame, tiny)
    assert entries.for_pmo("Org", "PMO") is None
    # the same entry named for Org is checked, and tiny asks no evidence question
    _file(tmp_path, "pmos:\n  - {organisation: Org, pmo: PMO, evidence: {charter: 'yes'}}\n")
    with pytest.raises(InputValidationError, match="unknown evidence questions"):
        engagement_inputs(tmp_path / "responses.csv", frame, tiny)
