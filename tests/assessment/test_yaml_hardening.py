"""Instrument and library files that used to load with silently wrong meaning, and names with control characters.

Each case is a YAML (or responses) text that an attacker or a typo can produce:
a key given twice, a weight that overflows, a role label that is another
role's id, an unquoted version, a control character in a name.
"""

from __future__ import annotations

import csv
import io

import pytest

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.assessment.recommendations import load_library
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.errors import InputValidationError

from tests.helpers import TINY_YAML


def _instrument_problems(tmp_path, old: str, new: str) -> list[tuple[int | None, str]]:
    """(line, message) of every problem of TINY_YAML with ``old`` replaced by ``new``."""
    assert old in TINY_YAML
    path = tmp_path / "instrument.yaml"
    path.write_text(TINY_YAML.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    return [(p.row, p.message) for p in info.value.problems]


def _load_changed(tmp_path, old: str, new: str):
    assert old in TINY_YAML
    path = tmp_path / "instrument.yaml"
    path.write_text(TINY_YAML.replace(old, new, 1), encoding="utf-8")
    return load_instrument(path)


# -- 1. duplicate keys ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a block mapping: the second max would silently win and change every score
        ("scale: {min: 1, max: 5}", "scale:\n  min: 1\n  max: 5\n  max: 7",
         (7, "key 'max' appears twice: lines 6 and 7")),
        # three times: each line named, the problem on the second
        ("scale: {min: 1, max: 5}", "scale:\n  max: 4\n  min: 1\n  max: 5\n  max: 7",
         (7, "key 'max' appears 3 times: lines 5, 7 and 8")),
        # the top-level mapping
        ("title: Tiny test instrument", "title: Tiny test instrument\ntitle: Other",
         (4, "key 'title' appears twice: lines 3 and 4")),
        # a flow mapping on one line
        ('{id: G3, text: "g three", weight: 2}', '{id: G3, text: "g three", weight: 2, weight: 9}',
         (18, "key 'weight' appears twice on line 18")),
        # a quoted key is the same key
        ("- {id: executive, label: Executive}", '- {id: executive, label: Executive, "id": boss}',
         (7, "key 'id' appears twice on line 7")),
        # keys of a gates mapping
        ("gates: {gov: 40}", "gates: {gov: 40, gov: 90}", (36, "key 'gov' appears twice on line 36")),
    ],
)
def test_duplicate_key_is_an_error_naming_both_lines(tmp_path, old, new, expected):
    assert expected in _instrument_problems(tmp_path, old, new)


def test_duplicate_key_in_a_recommendations_library(tmp_path):
    path = tmp_path / "library.yaml"
    path.write_text(
        "id: lib\n"
        "instrument: tiny\n"
        "recommendations:\n"
        "  - id: r1\n"
        "    dimension: gov\n"
        "    levels: [1]\n"
        "    title: Do it\n"
        "    action: Do it now\n"
        "    effort: low\n"
        "    impact: high\n"
        "    impact: low\n",
        encoding="utf-8",
    )
    with pytest.raises(InputValidationError) as info:
        load_library(path)
    assert [(p.row, p.message) for p in info.value.problems] == [(11, "key 'impact' appears twice: lines 10 and 11")]


def test_merge_keys_and_their_overrides_are_not_duplicates(tmp_path):
    ins = _load_changed(tmp_path, '- {id: G4, text: "g four"}',
                        '- &g4 {id: G4, text: "g four", weight: 3}\n      - {<<: *g4, id: G5, weight: 1}')
    assert ins.items.loc["G5", "text"] == "g four"
    assert ins.items.loc["G5", "weight"] == 1.0


# -- 2. non-finite and overflowing numbers ------------------------------------------------

_WEIGHT_RULE = "must be a finite number above 0 and at most 1000000 (larger weights overflow the weighted sums)"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("weight: 2", "weight: .inf", (14, f"dimensions.0.weight: {_WEIGHT_RULE} (got inf)")),
        ("weight: 2", "weight: .nan", (14, f"dimensions.0.weight: {_WEIGHT_RULE} (got nan)")),
        ("weight: 2", "weight: 1.0e+308", (14, f"dimensions.0.weight: {_WEIGHT_RULE} (got 1e+308)")),
        # PyYAML reads 1e308 (no sign in the exponent) as text; pydantic turns it into the float
        ("weight: 2", "weight: 1e308", (14, f"dimensions.0.weight: {_WEIGHT_RULE} (got '1e308')")),
        ("weight: 2", "weight: 1000001", (14, f"dimensions.0.weight: {_WEIGHT_RULE} (got 1000001)")),
        ("weight: 2", "weight: 0", (14, f"dimensions.0.weight: {_WEIGHT_RULE} (got 0)")),
        ('{id: G3, text: "g three", weight: 2}', '{id: G3, text: "g three", weight: .inf}',
         (18, f"dimensions.0.items.2.weight: {_WEIGHT_RULE} (got inf)")),
        ('{id: G3, text: "g three", weight: 2}', '{id: G3, text: "g three", weight: -.inf}',
         (18, f"dimensions.0.items.2.weight: {_WEIGHT_RULE} (got -inf)")),
        # gates and thresholds: finite and in 0-100
        ("gates: {gov: 40}", "gates: {gov: .nan}",
         (36, "types.0.gates: gate scores must be finite numbers in 0-100, got {'gov': nan}")),
        ("gates: {gov: 40}", "gates: {gov: .inf}",
         (36, "types.0.gates: gate scores must be finite numbers in 0-100, got {'gov': inf}")),
        ("[20, 40, 60, 80]", "[20, 40, 60, .nan]",
         (5, "maturity_thresholds: thresholds must be finite numbers, got [20.0, 40.0, 60.0, nan]")),
        ("[20, 40, 60, 80]", "[20, 40, 60, .inf]",
         (5, "maturity_thresholds: thresholds must be finite numbers, got [20.0, 40.0, 60.0, inf]")),
    ],
)
def test_weights_gates_and_thresholds_must_be_finite(tmp_path, old, new, expected):
    problems = _instrument_problems(tmp_path, old, new)
    assert expected in problems, problems


def test_the_largest_weight_allowed_still_scores(tmp_path):
    ins = _load_changed(tmp_path, "weight: 2", "weight: 1000000")
    assert ins.dimension("gov").weight == 1_000_000.0


# -- 3. role labels that are other roles' ids -----------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a respondent answering as "project_manager" would be read as pmo_staff
        ("{id: pmo_staff, label: PMO staff}", "{id: pmo_staff, label: project_manager}",
         "roles: role 'pmo_staff' has the label 'project_manager', the id of role 'project_manager'; a responses "
         "file could not tell them apart"),
        # the label of one role is the id, and the same label, of another
        ("{id: pmo_staff, label: PMO staff}", "{id: pmo_staff, label: executive}",
         "roles: role 'pmo_staff' has the label 'executive', the id of role 'executive'; roles 'executive' and "
         "'pmo_staff' have the same label 'executive' (labels are case-insensitive); a responses file could not "
         "tell them apart"),
        # case-insensitive, after trimming
        ("{id: pmo_staff, label: PMO staff}", '{id: pmo_staff, label: " Project_Manager "}',
         "roles: role 'pmo_staff' has the label ' Project_Manager ', the id of role 'project_manager'; a responses "
         "file could not tell them apart"),
        # two roles with one label
        ("{id: project_manager, label: Project manager}", "{id: project_manager, label: pmo STAFF}",
         "roles: roles 'pmo_staff' and 'project_manager' have the same label 'pmo STAFF' (labels are "
         "case-insensitive); a responses file could not tell them apart"),
    ],
)
def test_role_label_that_names_another_role_is_an_error(tmp_path, old, new, message):
    problems = _instrument_problems(tmp_path, old, new)
    assert (7, message) in problems, problems


def test_a_role_may_be_labelled_with_its_own_id(tmp_path):
    ins = _load_changed(tmp_path, "{id: pmo_staff, label: PMO staff}", "{id: pmo_staff, label: PMO_Staff}")
    assert ins.role_ids == ("executive", "pmo_staff", "project_manager")


# -- 4. versions are text ---------------------------------------------------------------

_QUOTE = 'version: must be text: quote it, e.g. version: "1.10" (unquoted, YAML reads 1.10 as the number 1.1)'


@pytest.mark.parametrize(
    ("new", "got"),
    [
        ("version: 1.10", "1.1"),
        ("version: 2", "2"),
        ("version: true", "True"),
        ("version: 2024-01-31", "datetime.date(2024, 1, 31)"),
    ],
)
def test_unquoted_version_is_an_error(tmp_path, new, got):
    assert _instrument_problems(tmp_path, 'version: "0.1"', new) == [(2, f"{_QUOTE} (got {got})")]


def test_quoted_version_keeps_its_text(tmp_path):
    assert _load_changed(tmp_path, 'version: "0.1"', 'version: "1.10"').version == "1.10"


# -- 5. control characters ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # PyYAML refuses raw control characters but lets escapes through
        ("title: Tiny test instrument", 'title: "Tiny\\x01"',
         (3, "title contains a control character (U+0001 at position 5); remove it")),
        ("label: Governance", 'label: "Gov\\0"',
         (12, "dimensions.0.label contains a control character (U+0000 at position 4); remove it")),
        ('{id: G1, text: "g one"}', '{id: G1, text: "g\\x7fone"}',
         (16, "dimensions.0.items.0.text contains a control character (U+007F at position 2); remove it")),
        ('{id: G1, text: "g one"}', '{id: G1, text: "g\\rone"}',
         (16, "dimensions.0.items.0.text contains a control character (U+000D at position 2); remove it")),
        ("{id: executive, label: Executive}", '{id: executive, label: "Exec\\eutive"}',
         (7, "roles.0.label contains a control character (U+001B at position 5); remove it")),
        # a key, too
        ("title: Tiny test instrument", 'title: Tiny test instrument\n"x\\by": 1',
         (4, "a key of the document contains a control character (U+0008 at position 2); remove it")),
    ],
)
def test_control_characters_in_instrument_texts_are_errors(tmp_path, old, new, expected):
    problems = _instrument_problems(tmp_path, old, new)
    assert expected in problems, problems


def test_newlines_and_tabs_of_block_texts_are_kept(tmp_path):
    ins = _load_changed(tmp_path, 'text: "g one"}', 'text: "g\\tone\\nand more"}')
    assert ins.items.loc["G1", "text"] == "g\tone\nand more"


def _responses_file(tmp_path, rows: list[list[str]], header=("organisation", "pmo", "respondent", "role", "item",
                                                            "value", "comment")):
    path = tmp_path / "responses.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def _row(**changes: str) -> list[str]:
    base = {"organisation": "Org", "pmo": "PMO", "respondent": "R1", "role": "executive", "item": "G1",
            "value": "4", "comment": ""}
    return list({**base, **changes}.values())


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"organisation": "Acme\x00"}, "organisation",
         "organisation contains a control character (U+0000 at position 5); remove it"),
        ({"pmo": "P\x1bMO"}, "pmo", "pmo contains a control character (U+001B at position 2); remove it"),
        ({"respondent": "R\x7f1"}, "respondent", "respondent contains a control character (U+007F at position 2); "
                                                 "remove it"),
        ({"respondent": "R\t1"}, "respondent", "respondent contains a control character (U+0009 at position 2); "
                                               "remove it"),
        ({"respondent": "R\n1"}, "respondent", "respondent contains a control character (U+000A at position 2); "
                                               "remove it"),
        ({"role": "exec\x01utive"}, "role", "role contains a control character (U+0001 at position 5); remove it"),
        ({"comment": "fine\x00"}, "comment", "comment contains a control character (U+0000 at position 5); "
                                             "remove it"),
        ({"comment": "page\x0cbreak"}, "comment", "comment contains a control character (U+000C at position 5); "
                                                  "remove it"),
    ],
)
def test_control_characters_in_responses_are_located(tiny, tmp_path, changes, column, message):
    path = _responses_file(tmp_path, [_row(), _row(item="G2", **changes)])
    with pytest.raises(InputValidationError) as info:
        read_responses(path, tiny)
    assert [(p.row, p.column, p.message) for p in info.value.problems] == [(3, column, message)]


def test_comments_keep_newlines_and_tabs(tiny, tmp_path):
    path = _responses_file(tmp_path, [_row(comment="line one\r\nline\ttwo")])
    assert read_responses(path, tiny)["comment"].tolist() == ["line one\r\nline\ttwo"]


def test_control_character_in_a_wide_row_is_reported_once(tiny, tmp_path):
    path = _responses_file(tmp_path, [["Org", "PMO", "R\x001", "executive", "4", "5"]],
                           header=("organisation", "pmo", "respondent", "role", "G1", "G2"))
    with pytest.raises(InputValidationError) as info:
        read_responses(path, tiny)
    assert [(p.row, p.column, p.message) for p in info.value.problems] == [
        (2, "respondent", "respondent contains a control character (U+0000 at position 2); remove it")]


@pytest.mark.parametrize("text", ["root:$y$j9T$secret-hash:19000:0:99999:7:::\n", "root: x\ndaemon: y\n"])
def test_another_kind_of_file_is_refused_without_echoing_its_text(tmp_path, text):
    from pmo_workbench.assessment.instrument import load_instrument
    from pmo_workbench.errors import InputValidationError

    path = tmp_path / "not-an-instrument.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        load_instrument(path)
    shown = " ".join(p.message for p in caught.value.problems)
    assert "root" not in shown and "secret" not in shown and "is this the right file?" in shown
