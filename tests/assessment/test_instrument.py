"""The standard instrument's shape, and located errors for broken instrument files."""

from __future__ import annotations

import pickle

import pydantic
import pytest

from pmo_workbench.errors import InputValidationError, InstrumentNotFoundError, Problem
from pmo_workbench.assessment.instrument import PMO_ROLES, builtin_instruments, load_instrument

from tests.helpers import TINY_YAML


def test_pmo_core_shape(core):
    assert (core.id, core.version) == ("pmo-core", "2.0")
    assert 12 <= len(core.dimensions) <= 14
    for dim in core.dimensions:
        assert 4 <= len(dim.items) <= 6, dim.id
        # reliability is computed over items every role is asked: at least 3 of them
        assert sum(item.audience is None for item in dim.items) >= 3, dim.id
        assert sorted(dim.levels) == [1, 2, 3, 4, 5], dim.id
        assert sum(dim.role_weights.values()) == pytest.approx(1.0), dim.id
    assert core.role_ids == ("executive", "pmo_staff", "project_manager", "functional_manager", "team_member")
    assert core.self_roles == {"pmo_staff"}
    assert [t.id for t in core.types] == ["supportive", "controlling", "strategic"]
    assert core.targets == {"project": "supportive", "department": "controlling", "enterprise": "strategic"}
    assert set(core.dimension_table["pmo_role"]) >= set(PMO_ROLES)
    assert (core.scale.min, core.scale.max) == (1, 5)
    assert len(core.level_names) == 5 and len(core.evidence) >= 8
    assert {q.id for q in core.context} == {"pmo_age_years", "pmo_staff_fte", "reporting_line", "sector",
                                           "active_projects", "pms_in_pmo_percent", "budget_authority"}


def test_pmo_core_gates_follow_the_types(core):
    gates = {t.id: set(t.gates) for t in core.types}
    assert gates == {"supportive": {"service", "methodology", "competency", "learning"},
                     "controlling": {"mandate", "compliance", "monitoring"},
                     "strategic": {"portfolio", "resources", "strategy", "finance"}}
    gated = set().union(*gates.values())
    for dim in core.dimensions:  # every dimension gates a type or says it does not
        assert (dim.id in gated) != dim.maturity_only, dim.id


def test_pmo_core_items_avoid_the_known_wording_faults(core):
    items = core.items
    reversed_positions = [list(core.dimension(d).items).index(next(i for i in core.dimension(d).items if i.reverse))
                          for d in items.loc[items["reverse"], "dimension"]]
    assert len(set(reversed_positions)) >= 3  # reverse items sit at varied positions, not always last
    absolute = r"\b(?:every|each|all|always|never|no one|without any)\b"
    assert not items["text"].str.contains(absolute, case=False, regex=True).any()
    jargon = r"PMBOK|PRINCE2|process group|PMP\b"
    assert not items["text"].str.contains(jargon, regex=True).any()
    assert not items["text"].str.contains(r"\bwould\b", case=False, regex=True).any()  # no hypotheticals


def test_pmo_core_1_0_stays_loadable(core_v1):
    from pmo_workbench.assessment.instrument import builtin_instruments

    assert (core_v1.id, core_v1.version, len(core_v1.items)) == ("pmo-core", "1.0", 55)
    assert {"pmo-core", "pmo-core@1.0"} <= set(builtin_instruments())


def test_pmo_core_ladder_means_what_the_types_mean(core):
    gates = {t.id: t.gates for t in core.types}
    # supportive: standards and knowledge work
    assert {"methodology", "competency", "learning"} <= set(gates["supportive"])
    # controlling adds enforced governance and monitoring
    assert {"mandate", "monitoring"} <= set(gates["controlling"])
    # strategic adds portfolio selection, shared-resource authority and strategic alignment
    assert {"portfolio", "resources", "strategy"} <= set(gates["strategic"])


def test_builtin_ids():
    assert "pmo-core" in builtin_instruments()


def test_unknown_instrument_lists_builtins():
    with pytest.raises(InstrumentNotFoundError, match=r"no instrument 'nope'.*pmo-core"):
        load_instrument("nope")


def _broken(tmp_path, old, new):
    assert old in TINY_YAML
    path = tmp_path / "broken.yaml"
    path.write_text(TINY_YAML.replace(old, new, 1))
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    return info.value.problems


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        # duplicate item id (case-insensitive)
        ('{id: G4, text: "g four"}', '{id: g1, text: "g four"}', None, "duplicate item ids"),
        # gate on an unknown dimension
        ("gates: {ppl: 70}", "gates: {people: 70}", None, "type 'strategic' gates unknown dimensions ['people']"),
        # scale upside down
        ("scale: {min: 1, max: 5}", "scale: {min: 5, max: 1}", 4, "scale max (1) must be greater than min (5)"),
        # unknown PMO role
        ("pmo_role: standards", "pmo_role: governance", 13, "dimensions.0.pmo_role"),
        # thresholds not increasing
        ("[20, 40, 60, 80]", "[20, 60, 40, 80]", 5, "thresholds must increase strictly"),
        # negative weight
        ("weight: 2", "weight: -2", 14, "dimensions.0.weight"),
        # an unknown key is a typo, not silently ignored
        ("pmo_role: standards", "pmo_rol: standards", 13, "dimensions.0.pmo_rol: Extra inputs are not permitted"),
        # declaring ad_hoc
        ("- {id: supportive,", "- {id: ad_hoc,", 36, "'ad_hoc' is the implicit type"),
    ],
)
def test_broken_instrument_is_located(tmp_path, old, new, line, fragment):
    problems = _broken(tmp_path, old, new)
    assert any(fragment in p.message for p in problems), problems
    if line is not None:
        assert any(p.row == line for p in problems if fragment in p.message), problems


def test_yaml_syntax_error_has_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nversion: [1\n")
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    (problem,) = info.value.problems
    assert problem.path == str(path) and problem.row == 3
    assert "not valid YAML" in problem.message


@pytest.mark.parametrize(
    "error",
    [
        InputValidationError([Problem("a.csv", 3, "value", "bad"), Problem("a.csv", 2, "item", "worse")]),
        InstrumentNotFoundError("x", ("pmo-core",)),
    ],
)
def test_errors_pickle_for_process_pools(error):
    clone = pickle.loads(pickle.dumps(error))
    assert str(clone) == str(error)


def test_problems_are_sorted_by_row():
    error = InputValidationError([Problem("a.csv", 3, "value", "bad"), Problem("a.csv", 2, "item", "worse")])
    assert [p.row for p in error.problems] == [2, 3]
    assert str(error).splitlines()[1] == "a.csv:2:item: worse"


def test_instrument_is_frozen(core):
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        core.id = "other"


def test_cross_field_mistakes_are_each_located_at_their_key(tmp_path):
    text = (TINY_YAML.replace("maturity_thresholds: [20, 40, 60, 80]",
                              "maturity_thresholds: [20, 40, 60, 80]\nlevel_names: {1: Low, 6: Beyond}")
            .replace("  - id: sup\n", "  - id: sup\n    maturity_only: true\n"))
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    shown = [str(p).removeprefix(f"{path}:") for p in info.value.problems]
    lines = text.splitlines()
    level_names = next(n for n, line in enumerate(lines, start=1) if line.startswith("level_names"))
    types = next(n for n, line in enumerate(lines, start=1) if line.startswith("types"))
    assert [s.split(":")[0] for s in shown] == [str(level_names), str(types + 1)]  # the key, the list under it
    assert "level_names gives levels [6]; the thresholds make levels 1-5" in shown[0]
    assert "type 'controlling' gates dimension 'sup', which is marked maturity_only" in shown[1]
    path.write_text(TINY_YAML + "targets: {project: directive}\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    (problem,) = info.value.problems
    assert problem.row == len(TINY_YAML.splitlines()) + 1
    assert "targets.project is 'directive': not a type of this instrument" in problem.message
